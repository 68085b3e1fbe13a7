// Pairs the chains of two results: same identity (unchanged), same anchor with another path
// (changed), the rest added or removed. Deterministic whatever order the results list them in.
import type { Chain } from '../model/chain';
import { compareText } from '../model/compareText';
import { chainIdentity, pathAnchor, siteAnchor } from './chainIdentity';

export interface ChainPair {
  old: Chain;
  new: Chain;
}

export interface ChainMatch {
  unchanged: ChainPair[];
  changed: ChainPair[];
  added: Chain[];
  removed: Chain[];
}

export function matchChains(oldChains: readonly Chain[], newChains: readonly Chain[]): ChainMatch {
  const olds = new Set(sortedByPlace(oldChains));
  const news = new Set(sortedByPlace(newChains));
  const unchanged = pairWithin(olds, news, chainIdentity, () => 0);
  const changed = [
    ...pairWithin(olds, news, pathAnchor, sharedHops),
    // The held call's callee is still reached, now through another call: 6.12's do_open()
    // reaches ima_file_check() through security_file_post_open()'s LSM hook.
    ...pairWithin(olds, news, siteAnchor, rerouted),
    // Pointer chains only: a direct chain that became a pointer chain is another finding.
    ...pairWithin(olds, news, (c) => (c.indirect ? siteAnchor(c) : undefined), sharedHops),
  ];
  return { unchanged, changed, added: [...news], removed: [...olds] };
}

/** Source order: when a key matches several chains on a side, the first pair with the first. */
function sortedByPlace(chains: readonly Chain[]): Chain[] {
  return [...chains].sort((a, b) =>
    compareText(a.acquire.file, b.acquire.file) || a.acquire.line - b.acquire.line || compareText(chainIdentity(a), chainIdentity(b)) || compareText(a.id, b.id));
}

/**
 * Pairs chains of `olds` and `news` with the same key (undefined: never paired), the most
 * similar first (an undefined similarity: never paired), and takes the paired ones out of both sets.
 */
function pairWithin(olds: Set<Chain>, news: Set<Chain>, key: (c: Chain) => string | undefined, similarity: (a: Chain, b: Chain) => number | undefined): ChainPair[] {
  const groups = new Map<string, { olds: Chain[]; news: Chain[] }>();
  const group = (k: string) => {
    let g = groups.get(k);
    if (g === undefined) groups.set(k, (g = { olds: [], news: [] }));
    return g;
  };
  for (const c of olds) {
    const k = key(c);
    if (k !== undefined) group(k).olds.push(c);
  }
  for (const c of news) {
    const k = key(c);
    if (k !== undefined && groups.has(k)) group(k).news.push(c);
  }
  const pairs: ChainPair[] = [];
  for (const k of [...groups.keys()].sort(compareText)) {
    const g = groups.get(k)!;
    const options: [score: number, i: number, j: number][] = [];
    g.olds.forEach((o, i) => g.news.forEach((n, j) => {
      const score = similarity(o, n);
      if (score !== undefined) options.push([score, i, j]);
    }));
    options.sort((a, b) => b[0] - a[0] || a[1] - b[1] || a[2] - b[2]);
    const usedOld = new Set<number>();
    const usedNew = new Set<number>();
    for (const [, i, j] of options) {
      if (usedOld.has(i) || usedNew.has(j)) continue;
      usedOld.add(i);
      usedNew.add(j);
      const pair = { old: g.olds[i]!, new: g.news[j]! };
      olds.delete(pair.old);
      news.delete(pair.new);
      pairs.push(pair);
    }
  }
  return pairs;
}

/** Hops (caller -> callee) the two paths share. */
function sharedHops(a: Chain, b: Chain): number {
  const inA = new Set(a.hops.map((h) => `${h.caller}\u0000${h.callee}`));
  return b.hops.filter((h) => inA.has(`${h.caller}\u0000${h.callee}`)).length;
}

/**
 * Shared hops, when the new path reaches the old one's first callee further on: the held call
 * is still made, now through a wrapper or hook. Not the other way round: a held call made
 * directly that was made through another is what a fix changes (a new chain).
 */
function rerouted(old: Chain, now: Chain): number | undefined {
  const first = old.hops[0]?.callee;
  const later = first !== undefined && now.hops[0]?.callee !== first && now.hops.slice(1).some((h) => h.callee === first);
  return later ? sharedHops(old, now) : undefined;
}
