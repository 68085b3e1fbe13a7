// The JSON document `lockpath trace --format json` prints for one or more inputs: field names are
// a contract (see the README of the trace command); trees, events and stack traces stay out of it
// because they can be large, and the overlay reads them from ParsedLog directly.

import type { FreezeHeld, ObservedEdge, ParsedLog, Report } from '../../model/trace';

/** One input as the contract names it: the parsed log's own fields, without its bulky ones. */
export type TraceInputJson = Pick<ParsedLog, 'file' | 'format' | 'lines' | 'title' | 'unparsed' | 'unparsedDropped' | 'limits' | 'aborted'>;

export interface TraceJson {
  inputs: TraceInputJson[];
  reports: (Report & { file: string })[];
  /** Summed over all inputs. */
  observedEdges: ObservedEdge[];
  freezeHeld: (FreezeHeld & { file: string })[];
}

export function toTraceJson(logs: readonly ParsedLog[]): TraceJson {
  const edges = new Map<string, ObservedEdge>();
  for (const log of logs) {
    for (const e of log.observedEdges) {
      const key = `${e.caller}\0${e.callee}`;
      const cur = edges.get(key);
      if (cur) cur.count += e.count;
      else edges.set(key, { ...e });
    }
  }
  return {
    inputs: logs.map((l) => {
      const input: TraceInputJson = {
        file: l.file,
        format: l.format,
        lines: l.lines,
        title: l.title,
        unparsed: l.unparsed,
        unparsedDropped: l.unparsedDropped,
        limits: l.limits,
      };
      if (l.aborted) input.aborted = true;
      return input;
    }),
    reports: logs.flatMap((l) => l.reports.map((r) => ({ file: l.file, ...r }))),
    observedEdges: [...edges.values()].sort((a, b) =>
      a.caller === b.caller ? (a.callee < b.callee ? -1 : 1) : a.caller < b.caller ? -1 : 1,
    ),
    freezeHeld: logs.flatMap((l) => l.freezeHeld.map((f) => ({ file: l.file, ...f }))),
  };
}
