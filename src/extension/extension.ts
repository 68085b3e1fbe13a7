// Composition root: builds the pieces and wires them together. Every feature lives in its own
// file and owns its disposables; the analysis itself runs in the index server's process.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { LOCKPATH_VERSION } from '../core/version';
import { registerCallHierarchy } from './callHierarchy';
import { ChainPanel } from './chainPanel';
import { registerChainTree } from './chainTreeView';
import { registerCodeLens } from './codeLens';
import { createCommands, registerCommands } from './commands';
import { registerDiagnostics } from './diagnostics';
import { watchHostHealth } from './hostHealth';
import { createOutputLog } from './outputLog';
import { readSettings } from './settings';
import { registerStatusBar } from './statusBar';
import { looksLikeKernelTree } from './kernelTree';
import { registerHopHover } from './hoverProvider';
import { registerLogLinks } from './logLinkProvider';
import { registerOverlayDecorations } from './overlayDecorations';
import { TraceOverlay } from './traceOverlay';
import { WorkspaceIndex } from './workspaceIndex';

export function activate(context: vscode.ExtensionContext): void {
  const log = createOutputLog();
  const settings = (): ReturnType<typeof readSettings> => readSettings();
  // The fact cache lives in the workspace's storage: reopening the tree reads facts back.
  const cacheDir = context.storageUri === undefined ? undefined : join(context.storageUri.fsPath, 'index-cache');
  const index = new WorkspaceIndex(join(context.extensionPath, 'dist', 'indexServer.js'), cacheDir, settings, log);
  const health = watchHostHealth(index.onDidChangeState, log);
  const overlay = new TraceOverlay(index, log);
  const panel = new ChainPanel(context.extensionUri, index, overlay, log);
  const tree = registerChainTree(index);
  const docs = vscode.Uri.joinPath(context.extensionUri, 'README.md').with({ fragment: 'what-a-chain-is' });
  const commands = createCommands({
    index, panel, overlay, log, health, filterChains: tree.filter,
    suppressChain: async (id) => {
      const config = vscode.workspace.getConfiguration('lockpath');
      const list = readSettings().suppressedChains;
      if (!list.includes(id)) await config.update('suppressedChains', [...list, id], vscode.ConfigurationTarget.Workspace);
      log.info(`suppressed chain ${id}`);
    },
  });
  context.subscriptions.push(
    log, health, index, overlay, panel, tree.disposable,
    registerStatusBar(index.onDidChangeState, () => index.state, settings),
    registerDiagnostics(index, settings, docs),
    registerCodeLens(index),
    registerCallHierarchy(index),
    registerHopHover(index),
    registerLogLinks(index),
    registerOverlayDecorations(context.extensionUri, index, overlay),
    registerCommands(commands),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void autoScan(index, log)),
  );
  log.info(`Lockpath ${LOCKPATH_VERSION} activated`);
  void autoScan(index, log);
}

/**
 * Scans the first folder by itself only when it looks like a kernel tree and the workspace is
 * trusted; anything else waits, quietly, for "Lockpath: Scan Workspace".
 */
async function autoScan(index: WorkspaceIndex, log: ReturnType<typeof createOutputLog>): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder === undefined || !readSettings(folder.uri).autoScan || index.state.kind !== 'idle') return;
  if (!vscode.workspace.isTrusted) {
    log.info('Restricted Mode: no scan until the workspace is trusted (or run "Lockpath: Scan Workspace")');
    return;
  }
  if (!(await looksLikeKernelTree(folder.uri))) {
    log.info(`${folder.uri.fsPath} has no Kbuild or MAINTAINERS at its root: run "Lockpath: Scan Workspace" to scan it anyway`);
    return;
  }
  await index.scan(folder);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
