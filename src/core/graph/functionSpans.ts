// Which function of a file spans a line, as the graph's facts place it: what the call-site
// reader parses. Asked for every call site a chain's judge reads, so each file's spans are
// indexed once per graph version instead of scanned per question.
import type { FunctionSpans, LineSpan } from '../model/callSites';
import type { CallGraph } from './callGraph';

/** A file's function spans, ordered by first line, with what a lookup needs to stop early. */
interface FileSpans {
  /** By startLine, then by the order the graph lists them (the tie-break of the smallest span). */
  spans: readonly (LineSpan & { order: number })[];
  /** Per position, the largest endLine up to it: no span before can reach a line past it. */
  reach: Int32Array;
}

/**
 * The smallest span of the graph's bodies in the file that holds the line (the first listed of
 * equal ones). None before the graph is built (the reader then parses whole files).
 */
export function functionSpans(graph: () => CallGraph | undefined): FunctionSpans {
  // Weakly: a graph being let go (a live analysis rebuilding) must not be kept by its index.
  const byGraph = new WeakMap<CallGraph, { version: number; files: Map<string, FileSpans> }>();
  return (file, line) => {
    const g = graph();
    if (g === undefined) return undefined;
    let indexed = byGraph.get(g);
    if (indexed === undefined || indexed.version !== g.version) byGraph.set(g, indexed = { version: g.version, files: new Map() });
    let spans = indexed.files.get(file);
    if (spans === undefined) {
      spans = fileSpans(g, file);
      indexed.files.set(file, spans);
    }
    return smallestHolding(spans, line);
  };
}

function fileSpans(graph: CallGraph, file: string): FileSpans {
  const spans: (LineSpan & { order: number })[] = [];
  for (const node of graph.nodesOf(file)) {
    for (const { file: f, fn } of node.bodies) if (f === file) spans.push({ startLine: fn.startLine, endLine: fn.endLine, order: spans.length });
  }
  spans.sort((a, b) => a.startLine - b.startLine || a.order - b.order);
  const reach = new Int32Array(spans.length);
  let most = 0;
  spans.forEach((s, i) => {
    most = Math.max(most, s.endLine);
    reach[i] = most;
  });
  return { spans, reach };
}

function smallestHolding({ spans, reach }: FileSpans, line: number): LineSpan | undefined {
  // The last span starting at or before the line; those before it are read while they can reach it.
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid]!.startLine <= line) lo = mid + 1;
    else hi = mid;
  }
  let best: (LineSpan & { order: number }) | undefined;
  for (let i = lo - 1; i >= 0 && reach[i]! >= line; i--) {
    const s = spans[i]!;
    if (s.endLine < line) continue;
    const size = s.endLine - s.startLine;
    const bestSize = best === undefined ? Infinity : best.endLine - best.startLine;
    if (size < bestSize || (size === bestSize && s.order < best!.order)) best = s;
  }
  return best === undefined ? undefined : { startLine: best.startLine, endLine: best.endLine };
}
