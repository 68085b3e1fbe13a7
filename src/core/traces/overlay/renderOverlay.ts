// Text form of the overlay for `lockpath trace --tree`: stable, one record per line, so that it
// serves both the terminal and golden files. Long lists are cut with a count of the rest; the
// JSON output has everything.

import { formatLocation } from '../../chains/renderChain';
import type { TraceOverlay } from './traceOverlay';
import type { ChainOverlay, HopOverlay } from './chainOverlay';

export interface OverlayRenderOptions {
  /** Chains with observed hops printed (the rest is counted). */
  maxChains?: number;
  maxUnmapped?: number;
  maxExtraEdges?: number;
}

export function renderOverlay(o: TraceOverlay, options: OverlayRenderOptions = {}): string {
  const out: string[] = [];
  const m = o.mapping;
  out.push(`mapping: ${m.mapped}/${m.frames} frames (${percent(m.mapped, m.frames)}), ${m.mappedNames}/${m.names} names (${percent(m.mappedNames, m.names)})` +
    (m.addresses > 0 ? `; ${m.addresses} address-only frames not counted` : ''));
  const maxUnmapped = options.maxUnmapped ?? 15;
  if (o.unmapped.length > 0) {
    const shown = o.unmapped.slice(0, maxUnmapped).map((u) => `${u.name} x${u.count}${u.reason === 'not in tree' ? '' : ` (${u.reason})`}`);
    const more = o.unmapped.length - shown.length + o.unmappedDropped;
    out.push(`unmapped: ${shown.join(', ')}${more > 0 ? `, ... ${more} more` : ''}`);
  }
  const e = o.edges;
  out.push(`edges: ${e.observed} observed: ${e.static} match a static call, ${e.hidden} through inlined or tail-called functions, ` +
    `${e.extra} with no static call (extra), ${e.unknown} with an end outside the tree`);
  const maxExtra = options.maxExtraEdges ?? 20;
  for (const x of [...o.extraEdges].sort((a, b) => b.count - a.count).slice(0, maxExtra)) {
    out.push(`  extra ${x.caller} -> ${x.callee} x${x.count}  (${x.callerAt} -> ${x.calleeAt})`);
  }
  if (o.extraEdges.length > maxExtra) out.push(`  ... ${o.extraEdges.length - maxExtra} more extra edges`);

  const seen = o.overlay.filter((c) => c.observedHops > 0).sort(byCoverage);
  const maxChains = options.maxChains ?? 20;
  out.push(`overlay: ${seen.length} of ${o.overlay.length} chains have observed hops${seen.filter(full).length > 0 ? `, ${seen.filter(full).length} fully observed` : ''}`);
  for (const c of seen.slice(0, maxChains)) renderChainOverlay(c, out);
  if (seen.length > maxChains) out.push(`... ${seen.length - maxChains} more chains with observed hops`);
  for (const f of o.freezeHeld) {
    out.push(`freeze-held ${f.task} ${f.class} -> ${f.sink} (${f.source}, ${f.file}:${f.line}): ${f.path.join(' > ')}`);
    out.push(`  ${f.chain === null ? 'no static chain follows this path' : `follows ${f.chain}${f.chains.length > 1 ? ` (+${f.chains.length - 1} more)` : ''}`}`);
  }
  return `${out.join('\n')}\n`;
}

function renderChainOverlay(c: ChainOverlay, out: string[]): void {
  out.push(`chain ${c.chain}: ${c.observedHops}/${c.hops} hops observed`);
  for (const h of c.hopDetails) out.push(`  ${formatLocation(h)}  ${h.caller} -> ${h.callee}  ${describeHop(h)}`);
}

function describeHop(h: HopOverlay): string {
  if (!h.observed) return 'not observed';
  const parts = [`observed x${h.count}`];
  if (h.via !== undefined) parts.push(`via ${h.via}`);
  if (h.tasks.length > 0) parts.push(`tasks=${h.tasks.join(',')}`);
  if (h.firstTimestamp !== null) parts.push(`first=${h.firstTimestamp}`);
  if (h.duration !== null) parts.push(`max=${h.duration.maxUs}us`);
  return parts.join(' ');
}

const full = (c: ChainOverlay): boolean => c.observedHops === c.hops;

/** Most covered first (share of hops, then count), then by id for a stable order. */
function byCoverage(a: ChainOverlay, b: ChainOverlay): number {
  return b.observedHops / b.hops - a.observedHops / a.hops || b.observedHops - a.observedHops || (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0);
}

function percent(n: number, total: number): string {
  return total === 0 ? '-' : `${((100 * n) / total).toFixed(1)}%`;
}
