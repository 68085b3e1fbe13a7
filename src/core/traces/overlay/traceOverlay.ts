// The trace overlay: parsed logs on top of a scanned tree. Symbolizes every frame and call-tree
// node, compares observed edges with static call edges (allowing for inlined and tail-called
// functions), marks which hops of each static chain ran, and ties run-time freeze evidence to
// the static chain it follows. Pure: it reads the graph and the chains, and fills `mapped` on
// the logs' frames.

import type { CallGraph } from '../../graph/callGraph';
import type { Chain } from '../../model/chain';
import type { FreezeHeld, ParsedLog } from '../../model/trace';
import { Symbolizer, type MappingStats, type UnmappedName } from './symbolize';
import { ChainOverlayBuilder, type ChainOverlay, type FreezeHeldMatch } from './chainOverlay';
import { EdgeEvidence } from './edgeEvidence';
import { EdgeMatcher, type EdgeMatch } from './edgeMatch';
import { HiddenCalls } from './hiddenCalls';

export interface ObservedEdgeMatch {
  caller: string;
  callee: string;
  count: number;
  /** `static`: a static call explains it; `observed`: none does (an extra edge); `unknown`: an end is not in the tree. */
  match: EdgeMatch['kind'];
  /** For `static`: `direct`, `->field`, or the hidden functions it relied on (`inline:x`, `tail-call:y`). */
  via?: string;
}

/** A run-time edge the static graph lacks: function pointers it could not follow, workqueues, the loop device. */
export interface ExtraEdge {
  caller: string;
  callee: string;
  count: number;
  kind: 'observed';
  /** `file:line` of the definitions, for navigation. */
  callerAt: string;
  calleeAt: string;
}

export interface EdgeSummary {
  /** Distinct observed edges. */
  observed: number;
  /** Explained by a static call as it is. */
  static: number;
  /** Explained only through inlined or tail-called functions. */
  hidden: number;
  /** No static counterpart: offered as extra edges. */
  extra: number;
  /** An end not defined in the scanned tree. */
  unknown: number;
}

export type FreezeHeldOverlay = FreezeHeld & { file: string } & FreezeHeldMatch;

export interface TraceOverlay {
  mapping: MappingStats;
  unmapped: UnmappedName[];
  /** Unmapped names beyond the ones listed. */
  unmappedDropped: number;
  edges: EdgeSummary;
  observedEdges: ObservedEdgeMatch[];
  extraEdges: ExtraEdge[];
  overlay: ChainOverlay[];
  freezeHeld: FreezeHeldOverlay[];
}

export function overlayTraces(graph: CallGraph, chains: readonly Chain[], logs: readonly ParsedLog[]): TraceOverlay {
  const symbols = new Symbolizer(graph);
  const hidden = new HiddenCalls(graph);
  const evidence = new EdgeEvidence();
  for (const log of logs) {
    symbols.mapLog(log);
    evidence.addLog(log);
  }
  const matcher = new EdgeMatcher(graph, symbols, hidden);
  const summary: EdgeSummary = { observed: 0, static: 0, hidden: 0, extra: 0, unknown: 0 };
  const observedEdges: ObservedEdgeMatch[] = [];
  const extraEdges: ExtraEdge[] = [];
  const edges = evidence.all().sort((a, b) => compare(a.caller, b.caller) || compare(a.callee, b.callee));
  for (const e of edges) {
    summary.observed++;
    const m = matcher.match(e.caller, e.callee);
    const row: ObservedEdgeMatch = { caller: e.caller, callee: e.callee, count: e.count, match: m.kind };
    if (m.kind === 'static') {
      row.via = m.via;
      if (m.via.includes(':')) summary.hidden++;
      else summary.static++;
    } else if (m.kind === 'observed') {
      summary.extra++;
      extraEdges.push({ caller: e.caller, callee: e.callee, count: e.count, kind: 'observed', callerAt: where(symbols, e.caller), calleeAt: where(symbols, e.callee) });
    } else summary.unknown++;
    observedEdges.push(row);
  }
  const builder = new ChainOverlayBuilder(graph, symbols, hidden, evidence);
  const overlay = chains.map((c) => builder.overlay(c));
  const freezeHeld = logs.flatMap((l) => l.freezeHeld.map((f): FreezeHeldOverlay => ({ file: l.file, ...f, ...builder.freezeHeldMatch(f, chains) })));
  const unmapped = symbols.unmappedNames();
  return { mapping: symbols.stats(), unmapped: unmapped.names, unmappedDropped: unmapped.dropped, edges: summary, observedEdges, extraEdges, overlay, freezeHeld };
}

/** `file:line` of the first definition, or `?`. */
function where(symbols: Symbolizer, name: string): string {
  const d = symbols.definitions(name)[0];
  return d === undefined ? '?' : `${d.file}:${d.line}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
