// The lenses of one file, decided without `vscode` (unit-tested in plain Node): above each line
// where chains take the context ("2 freeze chains start here") or pass through a call ("part
// of 3 chains"), each opening the best of them.
//
// Grouping a whole tree's 2,176 chains by every file they touch took 100-190 ms in one turn
// of the extension host, and so did one pass over their 42,000 hops for fs/read_write.c
// (nearly every chain ends there) before V8 had optimised it. The hops are sorted by file once
// per set of chains, in turns of a few hundred chains; a file's lenses then read its own marks.
import { acquisitionSites, compareChains } from '../core/editor/chainQueries';
import type { RatedChain } from '../core/editor/editorModel';
import { inTurns } from './hostTurns';

/** One lens: a line (1-based), its title, the chain it opens. */
export interface FileLens {
  line: number;
  title: string;
  best: RatedChain;
}

/** A chain on a line of a file: it takes the context there (`starts`) or passes a call there. */
interface FileMark {
  chain: RatedChain;
  line: number;
  starts: boolean;
}

type MarksByFile = Map<string, FileMark[]>;

/** Chains sorted by file per turn: a few ms each on a whole tree. */
const CHAINS_PER_TURN = 200;

function addMarks(files: MarksByFile, chain: RatedChain): void {
  const add = (file: string, mark: FileMark): void => {
    const list = files.get(file);
    if (list === undefined) files.set(file, [mark]);
    else list.push(mark);
  };
  add(chain.acquire.file, { chain, line: chain.acquire.line, starts: true });
  for (const h of chain.hops) add(h.file, { chain, line: h.line, starts: false });
}

function lensesOf(marks: readonly FileMark[]): FileLens[] {
  const lenses: FileLens[] = [];
  for (const site of acquisitionSites(marks.filter((m) => m.starts).map((m) => m.chain))) {
    const n = site.chains.length;
    lenses.push({ line: site.acquire.line, title: `${n} ${site.rule} chain${n === 1 ? ' starts' : 's start'} here`, best: site.chains[0]! });
  }
  // A chain counts once per line, even when two of its hops lie there.
  const through = new Map<number, Set<RatedChain>>();
  for (const m of marks) {
    if (m.starts) continue;
    const set = through.get(m.line);
    if (set === undefined) through.set(m.line, new Set([m.chain]));
    else set.add(m.chain);
  }
  for (const [line, set] of through) {
    let best: RatedChain | undefined;
    for (const c of set) if (best === undefined || compareChains(c, best) < 0) best = c;
    lenses.push({ line, title: `part of ${set.size} chain${set.size === 1 ? '' : 's'}`, best: best! });
  }
  return lenses;
}

/** The lenses of `file` (relative to the root), in one pass: for tests and small sets. */
export function fileLenses(chains: readonly RatedChain[], file: string): FileLens[] {
  const files: MarksByFile = new Map();
  for (const c of chains) addMarks(files, c);
  return lensesOf(files.get(file) ?? []);
}

/** Lenses per file for the latest set of chains: a new set (by identity) starts afresh. */
export class FileLensIndex {
  private chains: readonly RatedChain[] | undefined;
  private marks: Promise<MarksByFile | undefined> = Promise.resolve(undefined);
  private readonly files = new Map<string, FileLens[]>();

  /** Undefined when a newer set of chains came meanwhile (its lenses are asked for again). */
  async get(chains: readonly RatedChain[], file: string): Promise<FileLens[] | undefined> {
    if (chains !== this.chains) {
      this.chains = chains;
      this.files.clear();
      const files: MarksByFile = new Map();
      this.marks = inTurns(chains, (slice) => slice.forEach((c) => addMarks(files, c)), () => this.chains !== chains, CHAINS_PER_TURN)
        .then((done) => (done ? files : undefined));
    }
    const marks = await this.marks;
    if (marks === undefined || chains !== this.chains) return undefined;
    let lenses = this.files.get(file);
    if (lenses === undefined) this.files.set(file, (lenses = lensesOf(marks.get(file) ?? [])));
    return lenses;
  }
}
