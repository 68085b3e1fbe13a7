// CodeLens above each line where a chain takes the context or passes through a call:
// "2 nested-freeze chains start here" / "part of 3 chains", opening the panel at the best one.
import * as vscode from 'vscode';
import { FileLensIndex } from './fileLenses';
import type { WorkspaceIndex } from './workspaceIndex';

export function registerCodeLens(index: WorkspaceIndex): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const lenses = new FileLensIndex();
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    async provideCodeLenses(document) {
      const rel = index.relativePath(document.uri);
      const chains = index.snapshot?.chains;
      if (rel === undefined || chains === undefined) return [];
      // None while newer chains are being sorted: the change event brings VS Code back for them.
      return (await lenses.get(chains, rel) ?? []).map((l) => new vscode.CodeLens(new vscode.Range(l.line - 1, 0, l.line - 1, 0), {
        title: l.title, command: 'lockpath.openChainPanel', arguments: [l.best.id], tooltip: 'Open the chain in the Lockpath panel',
      }));
    },
  };
  return vscode.Disposable.from(
    changed,
    vscode.languages.registerCodeLensProvider({ language: 'c', scheme: 'file' }, provider),
    index.onDidChangeState((s) => {
      if (s.kind === 'ready') changed.fire();
    }),
  );
}
