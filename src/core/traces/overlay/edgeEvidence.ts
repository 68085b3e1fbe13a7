// Per-edge run-time evidence (who, when, how long) gathered from parsed logs. The parsers count
// edges; the overlay also wants the tasks that made a call, the first timestamp and the
// function_graph durations, which only the call trees and stack traces carry.

import type { CallNode, Frame, ParsedLog } from '../../model/trace';
import { isAddressOnly, normalizeFunction } from '../parse/symbols';

export type EvidenceSource =
  /** Nesting in a function_graph call tree. */
  | 'function_graph'
  /** Consecutive frames of a function-tracer `<stack trace>`. */
  | 'stack-trace'
  /** Consecutive frames of a lockdep / hung-task report stack. */
  | 'report'
  /** `func <-parent` lines of the function tracer (counted by the parser, no details kept). */
  | 'function';

export interface DurationStats {
  calls: number;
  totalUs: number;
  maxUs: number;
}

export interface EdgeDetail {
  caller: string;
  callee: string;
  count: number;
  /** Tasks as printed (`ftrace_-128`); sorted, at most TASK_LIMIT. */
  tasks: string[];
  /** Earliest timestamp (seconds) of a call on this edge, when the tracer printed one. */
  firstTimestamp: number | null;
  /** Callee durations from function_graph, microseconds. */
  duration: DurationStats | null;
  sources: EvidenceSource[];
}

/** Tasks kept per edge: a kworker pool can run one edge from hundreds of threads. */
const TASK_LIMIT = 20;

const edgeKey = (caller: string, callee: string): string => `${caller}\0${callee}`;

export class EdgeEvidence {
  private readonly edges = new Map<string, EdgeDetail>();
  private readonly names = new Map<string, string | null>();

  addLog(log: ParsedLog): void {
    const walked = new Map<string, number>();
    for (const t of log.trees) this.addTree(t.roots, walked);
    for (const st of log.stackTraces) this.addFrames(st.frames, 'stack-trace', st.task, st.timestamp, walked);
    for (const r of log.reports) for (const s of r.stacks) this.addFrames(s.frames, 'report', r.task, null, walked);
    // The parser's counts are the whole truth (trees stop growing past their caps, `<-parent`
    // lines leave no record): take them, and credit what the walk did not see to the tracer lines.
    for (const e of log.observedEdges) {
      const key = edgeKey(e.caller, e.callee);
      const d = this.detail(e.caller, e.callee);
      const seen = walked.get(key) ?? 0;
      d.count += e.count - seen;
      if (e.count > seen && (log.format === 'function' || log.format === 'trace-cmd')) addOnce(d.sources, 'function');
    }
  }

  get(caller: string, callee: string): EdgeDetail | undefined {
    return this.edges.get(edgeKey(caller, callee));
  }

  all(): EdgeDetail[] {
    return [...this.edges.values()];
  }

  private normalize(printed: string): string | null {
    let v = this.names.get(printed);
    if (v === undefined) {
      v = isAddressOnly(printed) ? null : normalizeFunction(printed);
      this.names.set(printed, v);
    }
    return v;
  }

  private detail(caller: string, callee: string): EdgeDetail {
    const key = edgeKey(caller, callee);
    let d = this.edges.get(key);
    if (d === undefined) {
      d = { caller, callee, count: 0, tasks: [], firstTimestamp: null, duration: null, sources: [] };
      this.edges.set(key, d);
    }
    return d;
  }

  private note(caller: string, callee: string, source: EvidenceSource, task: string | null, ts: number | null, durationUs: number | null, walked: Map<string, number>): void {
    // Same rule as the parser's EdgeCounter: `__se_sys_x` -> `__do_sys_x` is one function.
    if (caller === callee) return;
    const d = this.detail(caller, callee);
    const key = edgeKey(caller, callee);
    walked.set(key, (walked.get(key) ?? 0) + 1);
    d.count++;
    addOnce(d.sources, source);
    if (task !== null && d.tasks.length < TASK_LIMIT && !d.tasks.includes(task)) {
      d.tasks.push(task);
      d.tasks.sort();
    }
    if (ts !== null && (d.firstTimestamp === null || ts < d.firstTimestamp)) d.firstTimestamp = ts;
    if (durationUs !== null) {
      if (d.duration === null) d.duration = { calls: 0, totalUs: 0, maxUs: 0 };
      d.duration.calls++;
      d.duration.totalUs = Math.round((d.duration.totalUs + durationUs) * 1000) / 1000;
      d.duration.maxUs = Math.max(d.duration.maxUs, durationUs);
    }
  }

  private addTree(roots: readonly CallNode[], walked: Map<string, number>): void {
    const stack: [CallNode, string | null][] = roots.map((r) => [r, this.normalize(r.function)]);
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      const [node, name] = top;
      for (const c of node.children) {
        const child = this.normalize(c.function);
        // A `}` without its entry makes a synthetic node: its nesting is real, its name may be a guess.
        if (name !== null && child !== null) this.note(name, child, 'function_graph', c.task, c.timestamp, c.duration, walked);
        stack.push([c, child]);
      }
    }
  }

  /** Innermost first; unreliable (`?`) and address-only frames are skipped, as the parser does. */
  private addFrames(frames: readonly Frame[], source: EvidenceSource, task: string | null, ts: number | null, walked: Map<string, number>): void {
    let callee: string | null = null;
    for (const f of frames) {
      if (f.unreliable) continue;
      const name = this.normalize(f.function);
      if (name === null) continue;
      if (callee !== null) this.note(name, callee, source, task, ts, null, walked);
      callee = name;
    }
  }
}

function addOnce<T>(list: T[], v: T): void {
  if (!list.includes(v)) list.push(v);
}
