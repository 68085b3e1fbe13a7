// The lenses of one file, decided without `vscode` (unit-tested in plain Node): above each line
// where chains take the context ("2 freeze chains start here") or pass through a call ("part
// of 3 chains"), each opening the best of them.
//
// Computed per file when VS Code first asks for it, not for the whole tree at once: grouping a
// whole tree's 2,176 chains by every file they touch took 100-190 ms in one turn of the
// extension host, a file's share takes about a millisecond.
import { acquisitionSites, compareChains } from '../core/editor/chainQueries';
import type { RatedChain } from '../core/editor/editorModel';

/** One lens: a line (1-based), its title, the chain it opens. */
export interface FileLens {
  line: number;
  title: string;
  best: RatedChain;
}

export function fileLenses(chains: readonly RatedChain[], file: string): FileLens[] {
  const lenses: FileLens[] = [];
  for (const site of acquisitionSites(chains.filter((c) => c.acquire.file === file))) {
    const n = site.chains.length;
    lenses.push({ line: site.acquire.line, title: `${n} ${site.rule} chain${n === 1 ? ' starts' : 's start'} here`, best: site.chains[0]! });
  }
  // A chain counts once per line, even when two of its hops lie there.
  const through = new Map<number, Set<RatedChain>>();
  for (const c of chains) {
    for (const h of c.hops) {
      if (h.file !== file) continue;
      const set = through.get(h.line);
      if (set === undefined) through.set(h.line, new Set([c]));
      else set.add(c);
    }
  }
  for (const [line, set] of through) {
    let best: RatedChain | undefined;
    for (const c of set) if (best === undefined || compareChains(c, best) < 0) best = c;
    lenses.push({ line, title: `part of ${set.size} chain${set.size === 1 ? '' : 's'}`, best: best! });
  }
  return lenses;
}

/** Lenses per file for one set of chains: a new set (by identity) starts afresh. */
export class FileLensCache {
  private chains: readonly RatedChain[] | undefined;
  private readonly files = new Map<string, FileLens[]>();

  get(chains: readonly RatedChain[], file: string): FileLens[] {
    if (chains !== this.chains) {
      this.chains = chains;
      this.files.clear();
    }
    let lenses = this.files.get(file);
    if (lenses === undefined) this.files.set(file, (lenses = fileLenses(chains, file)));
    return lenses;
  }
}
