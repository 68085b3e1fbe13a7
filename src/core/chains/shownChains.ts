// Chains as a result gives them out: in source order, with ids from names. A live analysis
// gives a kept chain out again as the same object while its verdict and id stand.
import type { Chain } from '../model/chain';
import { compareText } from '../model/compareText';
import type { BuiltChain } from './builtChains';

/** A winner's chain as given out, with the kept chain it shows; `fresh` when made for this result. */
export interface ShownChain {
  built: BuiltChain;
  chain: Chain;
  fresh: boolean;
}

/** Source order; equal chains in the order of `shown` (the winners' graph order). */
function compareShown(a: Chain, b: Chain): number {
  return compareText(a.acquire.file, b.acquire.file) || a.acquire.line - b.acquire.line || compareText(a.sink, b.sink) || compareText(a.hops[0]!.callee, b.hops[0]!.callee);
}

/**
 * `shown` in source order, as a stable sort would give it. Chains given out in `last` keep
 * their order there while it is still sorted, whether given out again as they were or with new
 * lines (code moved: an edit near the top of fs/read_write.c gives 1,400 chains new lines, all
 * by the same shift): only the others are sorted, then merged in (a live edit changes a few of
 * thousands). Positions in `shown` break ties, and the kept order is checked against them, so
 * the outcome is the full sort's.
 */
function inSourceOrder(shown: readonly ShownChain[], last: readonly Chain[] | undefined): ShownChain[] {
  // Positions, not entry objects: asked after every live edit, of thousands of chains.
  const compare = (a: number, b: number): number => compareShown(shown[a]!.chain, shown[b]!.chain) || a - b;
  const sorted = (): ShownChain[] => shown.map((_, i) => i).sort(compare).map((i) => shown[i]!);
  if (last === undefined) return sorted();
  // By the chain the last result gave out for the same kept chain (see assignIds).
  const keptBy = new Map<Chain, number>();
  shown.forEach((s, i) => {
    if (s.built.shown !== undefined) keptBy.set(s.built.shown, i);
  });
  const kept: number[] = [];
  const inKept = new Uint8Array(shown.length);
  for (const c of last) {
    const i = keptBy.get(c);
    if (i === undefined) continue;
    if (kept.length > 0 && compare(kept[kept.length - 1]!, i) > 0) return sorted();
    kept.push(i);
    inKept[i] = 1;
  }
  const others: number[] = [];
  for (let i = 0; i < shown.length; i++) if (inKept[i] === 0) others.push(i);
  others.sort(compare);
  const merged: ShownChain[] = [];
  let k = 0;
  for (const o of others) {
    while (k < kept.length && compare(kept[k]!, o) < 0) merged.push(shown[kept[k++]!]!);
    merged.push(shown[o]!);
  }
  while (k < kept.length) merged.push(shown[kept[k++]!]!);
  return merged;
}

/**
 * Ids from names, not lines: stable while code moves; clashes get `#2`, `#3` in source order.
 * A chain given out before keeps its object unless its id changes: an earlier result may still
 * hold it, so it is copied rather than changed. `last`: the chains the previous result was given.
 */
export function assignIds(shown: readonly ShownChain[], last?: readonly Chain[]): Chain[] {
  const used = new Map<string, number>();
  return inSourceOrder(shown, last).map((s) => {
    const c = s.chain;
    const base = s.built.idBase ??= [c.rule, c.acquire.function, c.acquire.call, c.hops[0]!.callee, c.sink].join('/');
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    const id = n === 1 ? base : `${base}#${n}`;
    if (s.fresh) c.id = id;
    s.built.shown = c.id === id ? c : { ...c, id };
    return s.built.shown;
  });
}
