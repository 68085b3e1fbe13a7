// Questions about the chains of a result that an editor asks per file and per function. Pure
// functions over Chain[]: the extension host runs them on the chains it was sent.
import type { ChainLocation } from '../model/chain';
import type { AcquisitionSite, ChainConfidence, ChainDelta, RatedChain } from './editorModel';

/** A chain without a rating was found before the core rated chains: it counts as likely. */
export function chainConfidence(chain: RatedChain): ChainConfidence {
  return chain.confidence === 'possible' ? 'possible' : 'likely';
}

/** Every location a chain touches: the acquisition, then each hop's call site. */
export function chainLocations(chain: RatedChain): ChainLocation[] {
  return [chain.acquire, ...chain.hops];
}

/** Chains that take the context in `file` or pass through a call site in it. */
export function chainsInFile(chains: readonly RatedChain[], file: string): RatedChain[] {
  return chains.filter((c) => chainLocations(c).some((l) => l.file === file));
}

/** Chains that start in, pass through or end in the function named `name`. */
export function chainsThrough(chains: readonly RatedChain[], name: string): RatedChain[] {
  return chains.filter((c) => c.acquire.function === name || c.hops.some((h) => h.caller === name || h.callee === name));
}

/** Best first: likely before possible, then fewer hops, then id (stable across runs). */
export function compareChains(a: RatedChain, b: RatedChain): number {
  const rank = (c: RatedChain): number => (chainConfidence(c) === 'likely' ? 0 : 1);
  return rank(a) - rank(b) || a.hops.length - b.hops.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function siteKey(c: RatedChain): string {
  return `${c.rule}\0${c.acquire.file}\0${c.acquire.line}\0${c.acquire.column}\0${c.acquire.call}`;
}

/**
 * Chains grouped by where the context is taken (one site can start a dozen chains), each
 * group's chains best first; sites in file and line order.
 */
export function acquisitionSites(chains: readonly RatedChain[]): AcquisitionSite[] {
  const sites = new Map<string, AcquisitionSite>();
  for (const c of chains) {
    const key = siteKey(c);
    const site = sites.get(key);
    if (site === undefined) sites.set(key, { rule: c.rule, acquire: c.acquire, chains: [c] });
    else site.chains.push(c);
  }
  const list = [...sites.values()];
  for (const s of list) s.chains.sort(compareChains);
  return list.sort((a, b) => (a.acquire.file < b.acquire.file ? -1 : a.acquire.file > b.acquire.file ? 1 : 0)
    || a.acquire.line - b.acquire.line || a.acquire.column - b.acquire.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

/**
 * The same chain in every field, as the host would receive it. Results share most of their
 * objects between updates (kept hops, reasons), so equal references end most comparisons.
 */
export function sameChain(a: RatedChain, b: RatedChain): boolean {
  return sameData(a, b);
}

/** Deep equality of JSON-like data (plain objects, arrays, primitives; `undefined` fields count as absent). */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameData(x, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = (r: Record<string, unknown>): string[] => Object.keys(r).filter((k) => r[k] !== undefined);
  const ka = keys(ra);
  return ka.length === keys(rb).length && ka.every((k) => sameData(ra[k], rb[k]));
}

/**
 * What changed from `before` to `after` for a holder of `before`: the ids of `after` in order, and
 * the chains of `after` that `before` does not hold as they are (new ones and changed ones).
 */
export function chainChanges(before: readonly RatedChain[], after: readonly RatedChain[]): { ids: string[]; changed: RatedChain[] } {
  const had = new Map(before.map((c) => [c.id, c]));
  const changed = after.filter((c) => {
    const was = had.get(c.id);
    return was === undefined || !sameChain(was, c);
  });
  return { ids: after.map((c) => c.id), changed };
}

/** Which chains are new and which are gone, by their line-independent id. */
export function chainDelta(before: readonly RatedChain[], after: readonly RatedChain[]): ChainDelta {
  const was = new Set(before.map((c) => c.id));
  const now = new Set(after.map((c) => c.id));
  const added = [...now].filter((id) => !was.has(id)).sort();
  const removed = [...was].filter((id) => !now.has(id)).sort();
  return { added, removed, kept: now.size - added.length };
}
