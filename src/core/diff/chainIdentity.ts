// What makes two chains the same finding across two versions of a tree: names only. Lines,
// columns, files, ids and how a hop was resolved are left out, so a chain survives line shifts,
// functions moving within or between files and renamed locals.
import type { Chain } from '../model/chain';

const SEP = '\u0000';

/** Rule, acquiring function and call, sink, and every hop's caller and callee, in order. */
export function chainIdentity(chain: Chain): string {
  const parts = [chain.rule, chain.acquire.function, chain.acquire.call, chain.sink];
  for (const hop of chain.hops) parts.push(hop.caller, hop.callee);
  return parts.join(SEP);
}

/**
 * The same acquisition reaching the same sink through the same first call: what the chain
 * finder keeps one chain for (per first callee for direct chains). Two chains with one anchor
 * and different paths are one finding whose path changed.
 */
export function pathAnchor(chain: Chain): string {
  return [siteAnchor(chain), chain.hops[0]?.callee ?? ''].join(SEP);
}

/**
 * The acquisition and the sink alone. The finder keeps only the cheapest pointer chain per
 * acquisition site and sink, whatever its first call, so pointer chains pair on this.
 */
export function siteAnchor(chain: Chain): string {
  return [chain.rule, chain.acquire.function, chain.acquire.call, chain.sink].join(SEP);
}
