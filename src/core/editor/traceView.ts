// A loaded trace as an editor shows it: which source lines ran (call sites whose caller ->
// callee edge the log shows, function definitions the log names, lines a report's frames print)
// and, from the trace overlay, which hops of each chain were observed. Plain JSON-safe records,
// so the answer crosses from the index server to the extension host as it is.
import type { CallGraph } from '../graph/callGraph';
import { definingBody, type FunctionNode } from '../graph/functionNodes';
import type { Chain } from '../model/chain';
import type { CallNode, Frame, LogFormat, ParsedLog } from '../model/trace';
import { overlayTraces, type EdgeSummary, type ExtraEdge, type FreezeHeldOverlay } from '../traces/overlay/traceOverlay';
import type { ChainOverlay, HopOverlay } from '../traces/overlay/chainOverlay';
import { EdgeEvidence, type DurationStats } from '../traces/overlay/edgeEvidence';
import { isAddressOnly, normalizeFunction } from '../traces/parse/symbols';
import { sameSourceFile, Symbolizer, type MappingStats } from '../traces/overlay/symbolize';
import type { CallEdge, FunctionLocation } from './editorModel';
import { calleesOf, functionByKey } from './graphQueries';

export type { DurationStats } from '../traces/overlay/edgeEvidence';
export type { ExtraEdge, EdgeSummary } from '../traces/overlay/traceOverlay';

/** A call site of the tree whose caller -> callee edge the logs show. */
export interface ObservedCall {
  file: string;
  line: number;
  column: number;
  caller: string;
  callee: string;
  /** `direct` or `->field`, as the static call resolves. */
  via: string;
  count: number;
  tasks: string[];
  duration: DurationStats | null;
}

/** A function of the tree the logs name (a call-tree node or a stack frame). */
export interface ObservedFunction {
  name: string;
  file: string;
  /** Where its name is, 1-based. */
  line: number;
  column: number;
  count: number;
  tasks: string[];
  /** Its own function_graph durations. */
  duration: DurationStats | null;
  /**
   * `file:line` positions the logs printed for it that lie outside its definition here: the log
   * comes from another kernel version, so only the name maps.
   */
  otherVersion: string[];
}

/** A source line a report's frame printed, inside the function's definition in this tree. */
export interface ObservedFrame {
  file: string;
  line: number;
  function: string;
  count: number;
}

/** What the editor shows of a hop: the overlay's HopOverlay without the match list (megabytes on a whole tree). */
export type HopEvidence = Pick<HopOverlay, 'caller' | 'callee' | 'file' | 'line' | 'column' | 'observed' | 'count' | 'tasks' | 'duration' | 'via'>;

/** A chain's observed hops, by reference: chains share hops, and a whole tree has a thousand of them. */
export interface ChainEvidence {
  chain: string;
  hops: number;
  observedHops: number;
  /** Per hop of the chain: an index into TraceView.hops, or -1 when the hop was not observed. */
  observed: number[];
}

export interface LogSummary {
  file: string;
  format: LogFormat;
  lines: number;
  title: string | null;
  reports: number;
  unparsed: number;
}

export interface TraceView {
  logs: LogSummary[];
  mapping: MappingStats;
  edges: EdgeSummary;
  calls: ObservedCall[];
  functions: ObservedFunction[];
  frames: ObservedFrame[];
  /** Only chains with at least one observed hop. */
  chains: ChainEvidence[];
  /** The distinct observed hops the chains point at. */
  hops: HopEvidence[];
  extraEdges: ExtraEdge[];
  freezeHeld: FreezeHeldOverlay[];
}

/** Tasks kept per line: a kworker pool can run one function from hundreds of threads. */
const TASK_LIMIT = 20;
/** Printed positions kept per function. */
const PRINTED_LIMIT = 5;

export function traceView(graph: CallGraph, chains: readonly Chain[], logs: readonly ParsedLog[]): TraceView {
  // overlayTraces fills `mapped` on the frames, which the frame pass below reads.
  const overlay = overlayTraces(graph, chains, logs);
  const symbols = new Symbolizer(graph);
  const evidence = new EdgeEvidence();
  for (const log of logs) evidence.addLog(log);
  return {
    logs: logs.map((l) => ({ file: l.file, format: l.format, lines: l.lines, title: l.title, reports: l.reports.length, unparsed: l.unparsed.length + l.unparsedDropped })),
    mapping: overlay.mapping,
    edges: overlay.edges,
    calls: observedCalls(graph, symbols, evidence),
    ...observedFunctions(symbols, logs),
    ...chainEvidence(overlay.overlay),
    extraEdges: overlay.extraEdges,
    freezeHeld: overlay.freezeHeld,
  };
}

function chainEvidence(overlays: readonly ChainOverlay[]): Pick<TraceView, 'chains' | 'hops'> {
  const hops: HopEvidence[] = [];
  const index = new Map<string, number>();
  const chains = overlays.filter((c) => c.observedHops > 0).map((c): ChainEvidence => ({
    chain: c.chain, hops: c.hops, observedHops: c.observedHops,
    observed: c.hopDetails.map((h) => {
      if (!h.observed) return -1;
      const key = `${h.file}:${h.line}:${h.column}:${h.caller}:${h.callee}:${h.via ?? ''}`;
      let i = index.get(key);
      if (i === undefined) {
        index.set(key, (i = hops.length));
        hops.push({
          caller: h.caller, callee: h.callee, file: h.file, line: h.line, column: h.column, observed: true,
          count: h.count, tasks: h.tasks, duration: h.duration, ...(h.via !== undefined ? { via: h.via } : {}),
        });
      }
      return i;
    }),
  }));
  return { chains, hops };
}

function observedCalls(graph: CallGraph, symbols: Symbolizer, evidence: EdgeEvidence): ObservedCall[] {
  const callees = new Map<string, CallEdge[]>();
  const out: ObservedCall[] = [];
  for (const e of evidence.all()) {
    if (e.count <= 0) continue;
    for (const node of symbols.nodesNamed(e.caller)) {
      let list = callees.get(node.key);
      if (list === undefined) callees.set(node.key, (list = calleesOf(graph, node.key)));
      for (const c of list) {
        if (c.callee.name !== e.callee) continue;
        out.push({ ...c.site, caller: e.caller, callee: e.callee, via: c.via, count: e.count, tasks: e.tasks, duration: e.duration });
      }
    }
  }
  return out.sort((a, b) => compare(a.file, b.file) || a.line - b.line || a.column - b.column);
}

interface FunctionTally {
  node: FunctionNode;
  count: number;
  tasks: Set<string>;
  duration: DurationStats | null;
  otherVersion: Set<string>;
}

function observedFunctions(symbols: Symbolizer, logs: readonly ParsedLog[]): Pick<TraceView, 'functions' | 'frames'> {
  const tallies = new Map<string, FunctionTally[]>();
  const frames = new Map<string, ObservedFrame>();
  const tally = (printed: string, task: string | null, durationUs: number | null): FunctionTally[] => {
    if (isAddressOnly(printed)) return [];
    const name = normalizeFunction(printed);
    let list = tallies.get(name);
    if (list === undefined) {
      list = symbols.nodesNamed(name).map((node) => ({ node, count: 0, tasks: new Set<string>(), duration: null, otherVersion: new Set<string>() }));
      tallies.set(name, list);
    }
    for (const t of list) {
      t.count++;
      if (task !== null && t.tasks.size < TASK_LIMIT) t.tasks.add(task);
      if (durationUs !== null) {
        t.duration ??= { calls: 0, totalUs: 0, maxUs: 0 };
        t.duration.calls++;
        t.duration.totalUs = Math.round((t.duration.totalUs + durationUs) * 1000) / 1000;
        t.duration.maxUs = Math.max(t.duration.maxUs, durationUs);
      }
    }
    return list;
  };
  const frame = (f: Frame, task: string | null): void => {
    const list = tally(f.function, task, null);
    if (f.file === undefined || f.line === undefined || list.length === 0) return;
    const printed = `${f.file}:${f.line}`;
    const inside = list.flatMap((t) => t.node.bodies).find((b) => sameSourceFile(b.file, f.file!) && f.line! >= b.fn.startLine && f.line! <= b.fn.endLine);
    if (inside === undefined) {
      for (const t of list) if (t.otherVersion.size < PRINTED_LIMIT) t.otherVersion.add(printed);
      return;
    }
    const key = `${inside.file}:${f.line}`;
    const cur = frames.get(key);
    if (cur !== undefined) cur.count++;
    else frames.set(key, { file: inside.file, line: f.line, function: normalizeFunction(f.function), count: 1 });
  };
  for (const log of logs) {
    for (const t of log.trees) walkNodes(t.roots, (n) => void tally(n.function, n.task, n.duration));
    for (const st of log.stackTraces) for (const f of st.frames) frame(f, st.task);
    for (const r of log.reports) for (const s of r.stacks) for (const f of s.frames) frame(f, r.task);
  }
  const functions: ObservedFunction[] = [];
  for (const [name, list] of tallies) {
    for (const t of list) {
      const body = definingBody(t.node);
      if (body === undefined) continue;
      functions.push({
        name, file: body.file, line: body.fn.nameLine, column: body.fn.nameColumn, count: t.count,
        tasks: [...t.tasks].sort(), duration: t.duration, otherVersion: [...t.otherVersion],
      });
    }
  }
  functions.sort((a, b) => compare(a.file, b.file) || a.line - b.line);
  return { functions, frames: [...frames.values()].sort((a, b) => compare(a.file, b.file) || a.line - b.line) };
}

/**
 * Where a function a log prints (`do_splice_to.isra.0`, `__x64_sys_sendfile64`) is defined: the
 * global one and every static of that name. Asked once per click on a link: one name does not
 * call for the index of every name (the graph scans its nodes for it, unless a trace view built that).
 */
export function definitionsOfPrinted(graph: CallGraph, printed: string): FunctionLocation[] {
  if (isAddressOnly(printed)) return [];
  return graph.nodesNamed(normalizeFunction(printed)).flatMap((n) => functionByKey(graph, n.key) ?? []);
}

/** Iterative: a capture that never closes its calls can nest deeper than the JS stack. */
function walkNodes(roots: readonly CallNode[], visit: (n: CallNode) => void): void {
  const stack = [...roots];
  for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
    visit(n);
    for (const c of n.children) stack.push(c);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
