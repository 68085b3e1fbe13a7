// The command table: what each command of commandIds.ts does.
import { writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { ChainPanel } from './chainPanel';
import type { CommandId } from './commandIds';
import { openAt } from './chainPanel';
import type { HostHealth } from './hostHealth';
import type { OutputLog } from './outputLog';
import type { TraceOverlay } from './traceOverlay';
import type { WorkspaceIndex } from './workspaceIndex';

export interface CommandContext {
  index: WorkspaceIndex;
  panel: ChainPanel;
  overlay: TraceOverlay;
  log: OutputLog;
  health: HostHealth;
  filterChains(): Promise<void>;
  /** Adds a chain id to `lockpath.suppressedChains` in the workspace settings. */
  suppressChain(id: string): Promise<void>;
}

export type CommandTable = Record<CommandId, (...args: unknown[]) => unknown>;

/** The folder to scan: the only one, or the one the user picks. */
async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Kernel tree to scan' });
}

export function createCommands(ctx: CommandContext): CommandTable {
  const { index, panel, log } = ctx;
  return {
    'lockpath.scanWorkspace': async () => {
      const folder = await pickFolder();
      if (folder === undefined) {
        void vscode.window.showInformationMessage('Lockpath: open a kernel tree folder first.');
        return;
      }
      await index.scan(folder);
    },
    'lockpath.rescanFile': async () => {
      const uri = vscode.window.activeTextEditor?.document.uri;
      const rel = uri === undefined ? undefined : index.relativePath(uri);
      if (rel === undefined) {
        void vscode.window.showInformationMessage('Lockpath: the active editor holds no file of the scanned tree.');
        return;
      }
      await index.update([rel]);
    },
    'lockpath.openChainPanel': (chainId?: unknown) => panel.show(typeof chainId === 'string' ? chainId : undefined),
    'lockpath.filterChains': () => ctx.filterChains(),
    'lockpath.suppressChain': async (chainId?: unknown) => {
      let id = typeof chainId === 'string' ? chainId : undefined;
      if (id === undefined) {
        const chains = index.snapshot?.chains ?? [];
        const pick = await vscode.window.showQuickPick(
          chains.map((c) => ({ label: `${c.acquire.function}: ${c.acquire.call} -> ${c.sink}`, description: `${c.acquire.file}:${c.acquire.line}`, id: c.id })),
          { title: 'Lockpath: Suppress Chain', placeHolder: 'Chain to hide from the diagnostics (kept across line shifts)' },
        );
        id = pick?.id;
      }
      if (id !== undefined) await ctx.suppressChain(id);
    },
    'lockpath.exportResults': async () => {
      const format = await vscode.window.showQuickPick([
        { label: 'SARIF 2.1.0', format: 'sarif' as const, ext: 'sarif' },
        { label: 'JSON', format: 'json' as const, ext: 'json' },
      ], { title: 'Lockpath: Export Results' });
      if (format === undefined) return;
      const text = await index.ask('export', { format: format.format });
      if (text === undefined) {
        void vscode.window.showWarningMessage('Lockpath: nothing to export yet; scan the workspace first.');
        return;
      }
      const defaultUri = index.root === undefined ? undefined : vscode.Uri.joinPath(index.root, `lockpath.${format.ext}`);
      const target = await vscode.window.showSaveDialog({ ...(defaultUri ? { defaultUri } : {}), filters: { [format.label]: [format.ext] } });
      if (target === undefined) return;
      await writeFile(target.fsPath, text);
      log.info(`exported ${format.format} to ${target.fsPath}`);
      void vscode.window.showInformationMessage(`Lockpath: results written to ${vscode.workspace.asRelativePath(target)}`);
    },
    'lockpath.showOutput': () => log.show(),
    /** From the palette: a file picker; from the explorer: the clicked file (and the other selected ones). */
    'lockpath.loadTrace': async (clicked?: unknown, selected?: unknown) => {
      let files = Array.isArray(selected) && selected.every((u) => u instanceof vscode.Uri) && selected.length > 0 ? selected as vscode.Uri[]
        : clicked instanceof vscode.Uri ? [clicked] : undefined;
      files ??= await vscode.window.showOpenDialog({
        title: 'Lockpath: Load Trace or Kernel Log', openLabel: 'Load', canSelectMany: true,
        filters: { 'Traces and kernel logs': ['txt', 'log', 'trace', 'dmesg'], 'All files': ['*'] },
        ...(index.root !== undefined ? { defaultUri: index.root } : {}),
      });
      if (files !== undefined && files.length > 0) await ctx.overlay.load(files);
    },
    'lockpath.clearOverlay': () => ctx.overlay.clear(),
    'lockpath.logHostHealth': () => {
      ctx.health.report('on request');
      log.show();
    },
    /** Internal (tree view and CodeLens): a path relative to the tree and a 1-based line and column. */
    'lockpath.openLocation': async (file?: unknown, line?: unknown, column?: unknown) => {
      if (typeof file !== 'string' || typeof line !== 'number') return;
      await openAt(index.uriOf(file), line, typeof column === 'number' ? column : 1);
    },
  };
}

export function registerCommands(table: CommandTable): vscode.Disposable {
  return vscode.Disposable.from(...Object.entries(table).map(([id, run]) => vscode.commands.registerCommand(id, run)));
}
