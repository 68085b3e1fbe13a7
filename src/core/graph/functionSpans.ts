// Which function of a file spans a line, as the graph's facts place it: what the call-site
// reader parses. Asked for every call site a chain's judge reads, and again for every read a
// kept verdict rests on after each live edit, so each file's spans are indexed once, by the
// graph's list of the file's functions: an edit gives its file a new list (and leaves the
// bodies of every other file alone), a rebuilt graph gives every file one.
import type { FunctionSpans, LineSpan } from '../model/callSites';
import type { CallGraph } from './callGraph';
import type { FunctionNode } from './functionNodes';

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
  // Weakly: the lists of a graph being let go (a live analysis rebuilding) go with it.
  const indexed = new WeakMap<readonly FunctionNode[], FileSpans>();
  return (file, line) => {
    const nodes = graph()?.nodesOf(file);
    if (nodes === undefined) return undefined;
    let spans = indexed.get(nodes);
    if (spans === undefined) {
      spans = fileSpans(nodes, file);
      indexed.set(nodes, spans);
    }
    return smallestHolding(spans, line);
  };
}

function fileSpans(nodes: readonly FunctionNode[], file: string): FileSpans {
  const spans: (LineSpan & { order: number })[] = [];
  for (const node of nodes) {
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
