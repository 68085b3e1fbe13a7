// CodeLens above each line where a chain takes the context or passes through a call:
// "2 nested-freeze chains start here" / "part of 3 chains", opening the panel at the best one.
import * as vscode from 'vscode';
import { acquisitionSites, compareChains } from '../core/editor/chainQueries';
import type { RatedChain } from '../core/editor/editorModel';
import type { WorkspaceIndex } from './workspaceIndex';

/** One lens: a line (1-based), its title, the chain it opens. */
interface Lens {
  line: number;
  title: string;
  best: RatedChain;
}

/**
 * Every file's lenses, computed once per set of chains: VS Code asks for a file's lenses on
 * every scroll and edit, and a whole tree's 2,183 chains grouped anew each time stalled the
 * extension host (a call site in a thousand chains was copied a thousand times).
 */
function lensesByFile(chains: readonly RatedChain[]): Map<string, Lens[]> {
  const files = new Map<string, Lens[]>();
  const add = (file: string, lens: Lens): void => {
    const list = files.get(file);
    if (list === undefined) files.set(file, [lens]);
    else list.push(lens);
  };
  for (const site of acquisitionSites(chains)) {
    const n = site.chains.length;
    add(site.acquire.file, { line: site.acquire.line, title: `${n} ${site.rule} chain${n === 1 ? ' starts' : 's start'} here`, best: site.chains[0]! });
  }
  const through = new Map<string, Map<number, Set<RatedChain>>>();
  for (const c of chains) {
    for (const h of c.hops) {
      let lines = through.get(h.file);
      if (lines === undefined) through.set(h.file, (lines = new Map()));
      let set = lines.get(h.line);
      if (set === undefined) lines.set(h.line, (set = new Set()));
      set.add(c);
    }
  }
  for (const [file, lines] of through) {
    for (const [line, set] of lines) {
      const best = [...set].sort(compareChains)[0]!;
      add(file, { line, title: `part of ${set.size} chain${set.size === 1 ? '' : 's'}`, best });
    }
  }
  return files;
}

export function registerCodeLens(index: WorkspaceIndex): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  let cached: { chains: readonly RatedChain[]; files: Map<string, Lens[]> } | undefined;
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses(document) {
      const rel = index.relativePath(document.uri);
      const chains = index.snapshot?.chains;
      if (rel === undefined || chains === undefined) return [];
      if (cached?.chains !== chains) cached = { chains, files: lensesByFile(chains) };
      return (cached.files.get(rel) ?? []).map((l) => new vscode.CodeLens(new vscode.Range(l.line - 1, 0, l.line - 1, 0), {
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
