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

/**
 * Ids from names, not lines: stable while code moves; clashes get `#2`, `#3` in source order.
 * A chain given out before keeps its object unless its id changes: an earlier result may still
 * hold it, so it is copied rather than changed.
 */
export function assignIds(shown: ShownChain[]): Chain[] {
  shown.sort(({ chain: a }, { chain: b }) => compareText(a.acquire.file, b.acquire.file) || a.acquire.line - b.acquire.line || compareText(a.sink, b.sink) || compareText(a.hops[0]!.callee, b.hops[0]!.callee));
  const used = new Map<string, number>();
  return shown.map((s) => {
    const c = s.chain;
    const base = [c.rule, c.acquire.function, c.acquire.call, c.hops[0]!.callee, c.sink].join('/');
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    const id = n === 1 ? base : `${base}#${n}`;
    if (s.fresh) c.id = id;
    s.built.shown = c.id === id ? c : { ...c, id };
    return s.built.shown;
  });
}
