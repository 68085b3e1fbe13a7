// The status bar item: indexing / N chains / error; a click opens the chain panel or the log.
import * as vscode from 'vscode';
import type { IndexState } from './workspaceIndex';

export function registerStatusBar(onDidChangeState: vscode.Event<IndexState>, initial: IndexState): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('lockpath.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Lockpath';
  const show = (state: IndexState): void => {
    switch (state.kind) {
      case 'idle':
        item.text = '$(debug-pause) Lockpath';
        item.tooltip = `Lockpath: ${state.message}. Click to scan the workspace.`;
        item.command = 'lockpath.scanWorkspace';
        break;
      case 'indexing':
        item.text = `$(sync~spin) Lockpath: indexing ${state.message}`;
        item.tooltip = 'Lockpath is indexing the tree in its own process. Click for the log.';
        item.command = 'lockpath.showOutput';
        break;
      case 'ready': {
        const n = state.snapshot.chains.length;
        item.text = `${n > 0 ? '$(warning)' : '$(check)'} Lockpath: ${n} chain${n === 1 ? '' : 's'}`;
        item.tooltip = `${n} chain${n === 1 ? '' : 's'} in ${state.snapshot.stats.files} files. Click to open the chain panel.`;
        item.command = 'lockpath.openChainPanel';
        break;
      }
      case 'error':
        item.text = '$(error) Lockpath: error';
        item.tooltip = `Lockpath: ${state.message}. Click for the log.`;
        item.command = 'lockpath.showOutput';
        break;
      default: {
        const never: never = state;
        throw new Error(`unknown state ${JSON.stringify(never)}`);
      }
    }
  };
  show(initial);
  item.show();
  return vscode.Disposable.from(item, onDidChangeState(show));
}
