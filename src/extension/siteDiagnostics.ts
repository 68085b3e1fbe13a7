// What the Problems panel shows, decided without `vscode` (unit-tested in plain Node): one entry
// per acquisition site, not per chain, naming the primitive, the sink and how many chains start
// there, with every hop of the best chain as related information.
import { acquisitionSites, chainConfidence } from '../core/editor/chainQueries';
import type { AcquisitionSite, ChainConfidence, RatedChain } from '../core/editor/editorModel';
import type { ChainLocation } from '../core/model/chain';

export interface RelatedHop extends ChainLocation {
  message: string;
}

export interface SiteDiagnostic extends ChainLocation {
  /** Characters the squiggle covers: the acquiring call's name. */
  length: number;
  message: string;
  rule: string;
  /** `likely` when any shown chain of the site is. */
  confidence: ChainConfidence;
  /** The shown chains, best first. */
  chainIds: string[];
  related: RelatedHop[];
}

export interface SiteFilter {
  showPossibleChains: boolean;
  suppressedChains: readonly string[];
  maxDiagnostics: number;
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/** `do_splice_to -> ->splice_read = generic_file_splice_read (function pointer)` */
export function hopMessage(hop: RatedChain['hops'][number], isSink: boolean): string {
  const callee = hop.via === 'direct' ? hop.callee : `${hop.via} = ${hop.callee} (function pointer)`;
  return `${hop.caller} -> ${callee}${isSink ? ' [sink]' : ''}`;
}

/**
 * The chains the status bar counts: the likely ones not suppressed, which are the ones that
 * become diagnostics; `possible` counts the rest that are not suppressed.
 */
export function chainCounts(chains: readonly RatedChain[], suppressedChains: readonly string[]): { likely: number; possible: number } {
  const suppressed = new Set(suppressedChains);
  let likely = 0;
  let possible = 0;
  for (const c of chains) {
    if (suppressed.has(c.id)) continue;
    if (chainConfidence(c) === 'likely') likely++;
    else possible++;
  }
  return { likely, possible };
}

/**
 * The acquisition sites that become diagnostics, in order: those with a shown chain (likely, or
 * any with possible chains shown; never a suppressed one), likely sites first when there are
 * more than `maxDiagnostics`.
 */
export function shownSites(chains: readonly RatedChain[], filter: SiteFilter): AcquisitionSite[] {
  const suppressed = new Set(filter.suppressedChains);
  const shown = chains.filter((c) => !suppressed.has(c.id) && (filter.showPossibleChains || chainConfidence(c) === 'likely'));
  const sites = acquisitionSites(shown);
  if (sites.length <= filter.maxDiagnostics) return sites;
  const likely = (site: AcquisitionSite): boolean => site.chains.some((c) => chainConfidence(c) === 'likely');
  return [...sites.filter(likely), ...sites.filter((site) => !likely(site))].slice(0, filter.maxDiagnostics);
}

/** What the Problems panel says of one site: the best chain's hops as related information. */
export function siteDiagnostic(site: AcquisitionSite): SiteDiagnostic {
  const best = site.chains[0]!;
  const sinks = new Set(site.chains.map((c) => c.sink));
  const others = sinks.size > 1 ? ` (and ${plural(sinks.size - 1, 'other sink')})` : '';
  const { acquire } = site;
  return {
    file: acquire.file, line: acquire.line, column: acquire.column, length: Math.max(1, acquire.call.length),
    message: `${acquire.call}() holds ${site.rule} protection in ${acquire.function}() while it reaches ${best.sink}()${others}: `
      + `${plural(site.chains.length, `${site.rule} chain`)} ${site.chains.length === 1 ? 'starts' : 'start'} here`,
    rule: site.rule,
    confidence: site.chains.some((c) => chainConfidence(c) === 'likely') ? 'likely' : 'possible',
    chainIds: site.chains.map((c) => c.id),
    related: [
      { file: acquire.file, line: acquire.line, column: acquire.column, message: `${acquire.function} takes ${site.rule} protection via ${acquire.call}${acquire.condition ? ` (${acquire.condition})` : ''}` },
      ...best.hops.map((h, i) => ({ file: h.file, line: h.line, column: h.column, message: hopMessage(h, i === best.hops.length - 1) })),
    ],
  };
}

export function siteDiagnostics(chains: readonly RatedChain[], filter: SiteFilter): SiteDiagnostic[] {
  return shownSites(chains, filter).map(siteDiagnostic);
}
