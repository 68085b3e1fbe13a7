// CodeLens above each line where a chain takes the context or passes through a call:
// "2 nested-freeze chains start here" / "part of 3 chains", opening the panel at the best one.
import * as vscode from 'vscode';
import { acquisitionSites, compareChains } from '../core/editor/chainQueries';
import type { RatedChain } from '../core/editor/editorModel';
import type { WorkspaceIndex } from './workspaceIndex';

export function registerCodeLens(index: WorkspaceIndex): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses(document) {
      const rel = index.relativePath(document.uri);
      const chains = index.snapshot?.chains;
      if (rel === undefined || chains === undefined) return [];
      const lenses: vscode.CodeLens[] = [];
      const lens = (line: number, title: string, best: RatedChain): void => {
        const range = new vscode.Range(line - 1, 0, line - 1, 0);
        lenses.push(new vscode.CodeLens(range, { title, command: 'lockpath.openChainPanel', arguments: [best.id], tooltip: 'Open the chain in the Lockpath panel' }));
      };
      for (const site of acquisitionSites(chains)) {
        if (site.acquire.file !== rel) continue;
        const n = site.chains.length;
        lens(site.acquire.line, `${n} ${site.rule} chain${n === 1 ? ' starts' : 's start'} here`, site.chains[0]!);
      }
      const through = new Map<number, RatedChain[]>();
      for (const c of chains) {
        for (const h of c.hops) if (h.file === rel) through.set(h.line, [...(through.get(h.line) ?? []), c]);
      }
      for (const [line, list] of through) {
        const unique = [...new Set(list)].sort(compareChains);
        lens(line, `part of ${unique.length} chain${unique.length === 1 ? '' : 's'}`, unique[0]!);
      }
      return lenses;
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
