// The status bar item: indexing / N likely chains / error; a click opens the chain panel or the
// log. It counts the chains that become diagnostics (likely, not suppressed), not every chain.
import * as vscode from 'vscode';
import type { Settings } from './settingDefaults';
import { chainCounts } from './siteDiagnostics';
import type { IndexState } from './workspaceIndex';

export function registerStatusBar(onDidChangeState: vscode.Event<IndexState>, initial: () => IndexState, settings: () => Settings): vscode.Disposable {
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
        const { likely, possible } = chainCounts(state.snapshot.chains, settings().suppressedChains);
        const suppressed = state.snapshot.chains.length - likely - possible;
        item.text = `${likely > 0 ? '$(warning)' : '$(check)'} Lockpath: ${likely} likely chain${likely === 1 ? '' : 's'}`;
        item.tooltip = `${likely} likely chain${likely === 1 ? '' : 's'} in ${state.snapshot.stats.files} files`
          + ` (not counted: ${possible} possible${suppressed > 0 ? `, ${suppressed} suppressed` : ''}). Click to open the chain panel.`;
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
  show(initial());
  item.show();
  return vscode.Disposable.from(item, onDidChangeState(show), vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('lockpath.suppressedChains')) show(initial());
  }));
}
