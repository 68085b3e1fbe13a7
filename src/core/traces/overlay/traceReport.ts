// The JSON document `lockpath trace --format json` prints: the parsers' TraceJson (inputs,
// reports, observed edges, freeze evidence) extended with the overlay on a scanned tree. Field
// names are a contract, documented in the README ("Traces and logs"); without --tree the
// overlay fields are null or empty, never missing.

import type { ParsedLog } from '../../model/trace';
import { toTraceJson, type TraceJson } from '../parse/traceJson';
import type { EdgeSummary, ExtraEdge, FreezeHeldOverlay, ObservedEdgeMatch, TraceOverlay } from './traceOverlay';
import type { MappingStats, UnmappedName } from './symbolize';
import type { ChainOverlay } from './chainOverlay';

export interface TraceTreeJson {
  root: string;
  rules: string[];
  files: number;
  functions: number;
  chains: number;
}

export interface TraceReportJson {
  inputs: TraceJson['inputs'];
  reports: TraceJson['reports'];
  /** Summed over inputs; `match`/`via` only with a tree. */
  observedEdges: (ObservedEdgeMatch | TraceJson['observedEdges'][number])[];
  /** `chain`/`chains`: the static chain(s) the run-time path follows (null / [] without a tree). */
  freezeHeld: FreezeHeldOverlay[];
  tree: TraceTreeJson | null;
  mapping: MappingStats | null;
  unmapped: UnmappedName[];
  unmappedDropped: number;
  edges: EdgeSummary | null;
  extraEdges: ExtraEdge[];
  /** One entry per chain of the tree, in the scan's order. */
  overlay: ChainOverlay[];
}

export function toTraceReportJson(logs: readonly ParsedLog[], tree?: { info: TraceTreeJson; overlay: TraceOverlay }): TraceReportJson {
  const base = toTraceJson(logs);
  if (tree === undefined) {
    return {
      ...base,
      freezeHeld: base.freezeHeld.map((f) => ({ ...f, chain: null, chains: [] })),
      tree: null, mapping: null, unmapped: [], unmappedDropped: 0, edges: null, extraEdges: [], overlay: [],
    };
  }
  const o = tree.overlay;
  return {
    inputs: base.inputs,
    reports: base.reports,
    observedEdges: o.observedEdges,
    freezeHeld: o.freezeHeld,
    tree: tree.info,
    mapping: o.mapping,
    unmapped: o.unmapped,
    unmappedDropped: o.unmappedDropped,
    edges: o.edges,
    extraEdges: o.extraEdges,
    overlay: o.overlay,
  };
}
