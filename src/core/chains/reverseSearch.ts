// One reverse Dijkstra per sink over the call graph: for every function that can reach the sink
// with its caller's hold still in place, the cheapest next call towards it. Direct calls cost 1,
// calls through a function-pointer field cost POINTER_COST, so any direct path wins over one
// that needs a pointer hop. The searches cover most of a kernel, once per sink: the state lives
// in typed arrays, and a Step object is made only when a chain is built.
import { refNode, type CallGraph, type CallRef, type FunctionNode } from '../graph/callGraph';

export const DIRECT_COST = 1;
export const POINTER_COST = 1000;

export interface Step {
  /** The call taken from this node towards the sink. */
  ref: CallRef;
  /** The node it reaches, or undefined when the call is the sink itself. */
  target: FunctionNode | undefined;
  cost: number;
}

const SINK_ITSELF = -1;
/** Costs are sums of DIRECT_COST and POINTER_COST along a path: int32 with room to spare. */
const UNREACHED = 0x7fffffff;

/** The result of one search: the cheapest step towards the sink from each node that has one. */
export class SinkPaths {
  private readonly cost: Int32Array;
  private readonly ref: Float64Array;
  private readonly target: Int32Array;

  constructor(private readonly graph: CallGraph) {
    const n = graph.nodes.length;
    this.cost = new Int32Array(n).fill(UNREACHED);
    this.ref = new Float64Array(n);
    this.target = new Int32Array(n);
  }

  get(index: number): Step | undefined {
    const cost = this.cost[index]!;
    if (cost === UNREACHED) return undefined;
    const t = this.target[index]!;
    return { ref: this.ref[index]!, target: t === SINK_ITSELF ? undefined : this.graph.nodes[t], cost };
  }

  /** Records the step if it is cheaper than the one known; true when it was. */
  improve(index: number, ref: CallRef, target: number, cost: number): boolean {
    if (this.cost[index]! <= cost) return false;
    this.cost[index] = cost;
    this.ref[index] = ref;
    this.target[index] = target;
    return true;
  }

  costOf(index: number): number {
    return this.cost[index]!;
  }
}

/** May the path use this call site? (It runs under the caller's hold and is not exempt.) */
export type CallFilter = (ref: CallRef) => boolean;

/**
 * `isSink[i]` is 1 for nodes named as a sink: paths stop there. (Per-node flags live in typed
 * arrays because touching 680k node objects per search is what made it slow.)
 */
export function reverseSearch(
  graph: CallGraph, sink: string, isSink: Uint8Array, usable: CallFilter, signal: AbortSignal | undefined, heap = new MinHeap(),
): SinkPaths {
  const paths = new SinkPaths(graph);
  heap.clear();
  const offer = (ref: CallRef, target: number, cost: number): void => {
    const node = refNode(ref);
    // Cost first: the filter is dearer and most offers lose on cost.
    if (paths.costOf(node) <= cost || !usable(ref)) return;
    paths.improve(node, ref, target, cost);
    heap.push(cost, node);
  };
  for (const ref of graph.directCallsTo(sink)) offer(ref, SINK_ITSELF, DIRECT_COST);
  const done = new Uint8Array(graph.nodes.length);
  const callers = graph.directCallerIndex();
  // Nodes pop in cost order, so the first node to expand a group of field calls offers it
  // the lowest cost; later nodes of the same group could only offer more.
  const expandedGroups = new Set<string>();
  let popped = 0;
  while (heap.size > 0) {
    const cost = heap.topCost();
    const index = heap.pop();
    if (done[index] === 1 || paths.costOf(index) !== cost) continue;
    done[index] = 1;
    if (++popped % 4096 === 0) signal?.throwIfAborted();
    // A path stops at the first sink it meets.
    if (isSink[index] === 1) continue;
    for (let i = callers.start[index]!, end = callers.start[index + 1]!; i < end; i++) offer(callers.refs[i]!, index, cost + DIRECT_COST);
    for (const key of graph.fieldCallerKeys(index)) {
      if (expandedGroups.has(key)) continue;
      expandedGroups.add(key);
      for (const ref of graph.fieldCallersIn(key)) offer(ref, index, cost + POINTER_COST);
    }
  }
  return paths;
}

/** Binary min-heap of (cost, value) pairs; ties pop in no particular order. Reusable (clear). */
export class MinHeap {
  private readonly costs: number[] = [];
  private readonly values: number[] = [];
  get size(): number {
    return this.costs.length;
  }
  clear(): void {
    this.costs.length = 0;
    this.values.length = 0;
  }
  topCost(): number {
    return this.costs[0]!;
  }
  push(cost: number, value: number): void {
    const costs = this.costs;
    const values = this.values;
    let i = costs.length;
    costs.push(cost);
    values.push(value);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (costs[p]! <= cost) break;
      costs[i] = costs[p]!;
      values[i] = values[p]!;
      i = p;
    }
    costs[i] = cost;
    values[i] = value;
  }
  pop(): number {
    const costs = this.costs;
    const values = this.values;
    const top = values[0]!;
    const lastCost = costs.pop()!;
    const lastValue = values.pop()!;
    const n = costs.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const m = r < n && costs[r]! < costs[l]! ? r : l;
        if (costs[m]! >= lastCost) break;
        costs[i] = costs[m]!;
        values[i] = values[m]!;
        i = m;
      }
      costs[i] = lastCost;
      values[i] = lastValue;
    }
    return top;
  }
}
