// The answer to "did this change add a chain, or fix one?": the chains of two results,
// classified, each removed chain with the step that no longer holds, each changed chain with
// where its path now parts from the old one.
import type { Chain, ScanResult } from '../model/chain';
import { matchChains, type ChainMatch, type ChainPair } from './matchChains';
import type { RemovalReason } from './removalReason';

/** Where a side came from, as the reports name it. */
export interface DiffSideInfo {
  /** `git:<rev>`, `tree:<dir>` or `json:<file>`. */
  source: string;
  root: string;
  chains: number;
}

export interface RemovedChain {
  chain: Chain;
  reason: RemovalReason;
}

export interface ChangedChain extends ChainPair {
  /** Index of the first hop whose caller -> callee differs. */
  firstDifference: number;
}

export interface ChainDiff {
  old: DiffSideInfo;
  new: DiffSideInfo;
  rules: string[];
  added: Chain[];
  removed: RemovedChain[];
  changed: ChangedChain[];
  unchanged: ChainPair[];
}

/** Builds the diff of two results; `explain` says why each removed chain went. */
export function diffResults(
  oldResult: ScanResult, newResult: ScanResult, sides: { old: string; new: string }, explain: (removed: Chain) => RemovalReason,
  match: ChainMatch = matchChains(oldResult.chains, newResult.chains),
): ChainDiff {
  return {
    old: { source: sides.old, root: oldResult.root, chains: oldResult.chains.length },
    new: { source: sides.new, root: newResult.root, chains: newResult.chains.length },
    rules: [...new Set([...oldResult.rules, ...newResult.rules])],
    added: match.added,
    removed: match.removed.map((chain) => ({ chain, reason: explain(chain) })),
    changed: match.changed.map((p) => ({ ...p, firstDifference: firstDifference(p.old, p.new) })),
    unchanged: match.unchanged,
  };
}

function firstDifference(a: Chain, b: Chain): number {
  const n = Math.max(a.hops.length, b.hops.length);
  for (let i = 0; i < n; i++) {
    const x = a.hops[i];
    const y = b.hops[i];
    if (x === undefined || y === undefined || x.caller !== y.caller || x.callee !== y.callee) return i;
  }
  return n;
}

/** `the path now goes do_splice_to() -> ovl_splice_read() instead of do_splice_to() -> generic_file_splice_read()` */
export function describeChange(c: ChangedChain): string {
  const i = c.firstDifference;
  const was = c.old.hops[i];
  const now = c.new.hops[i];
  if (now === undefined) return `the path now ends after ${c.new.hops.length} hops`;
  if (was === undefined) return `the path now goes on past ${c.old.hops.length} hops, ${now.caller}() -> ${now.callee}()`;
  if (was.caller === now.caller) {
    const through = callsBetween(c.new, i, was.callee);
    if (through !== undefined) return `${now.caller}() now reaches ${was.callee}() through ${through} (hop ${i + 1} was ${was.caller}() -> ${was.callee}())`;
    const skipped = callsBetween(c.old, i, now.callee);
    if (skipped !== undefined) return `${now.caller}() now calls ${now.callee}() itself, no longer through ${skipped}`;
  }
  return `from hop ${i + 1} the path goes ${now.caller}() -> ${now.callee}() instead of ${was.caller}() -> ${was.callee}()`;
}

/** `a() -> b()`: the functions `chain` passes from hop `from` until it calls `target`, if it does. */
function callsBetween(chain: Chain, from: number, target: string): string | undefined {
  const at = chain.hops.findIndex((h, k) => k > from && h.callee === target);
  return at < 0 ? undefined : chain.hops.slice(from, at).map((h) => `${h.callee}()`).join(' -> ');
}
