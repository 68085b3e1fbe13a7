// One reverse Dijkstra per sink over the call graph: for every function that can reach the sink
// with its caller's hold still in place, the cheapest next call towards it. Direct calls cost 1,
// calls through a function-pointer field cost POINTER_COST, so any direct path wins over one
// that needs a pointer hop. The searches cover most of a kernel, once per sink: the state lives
// in typed arrays, and a Step object is made only when a chain is built.
//
// Every node's step is canonical: among its cheapest options, the one whose target is nearest
// the sink, then the target ranked first (CallGraph.ranks), then the lowest call site. The step therefore depends
// on the graph alone, not on the order work was done in, which is what lets an edit update the
// search in place (updateSearch) and still agree with a search from scratch.
import type { CallGraph } from '../graph/callGraph';
import { packRef, refNode, type CallRef } from '../graph/callRefs';
import { isNodeList, type FunctionNode } from '../graph/functionNodes';
import { directCallee } from '../model/packedCalls';

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

/** One way on from a node: its cost, the cost of the node it reaches (0: the sink itself), that node, the call. */
export type StepOption = readonly [cost: number, targetCost: number, target: number, ref: CallRef];

/**
 * Does option `a` come before `b`? Cheaper first; then the target nearer the sink; then the
 * target a graph built from scratch ranks first; then the lower call site. Every search and
 * every update breaks ties this way, so that what they find does not depend on their order.
 */
export function comesFirst(ranks: Float64Array, a: StepOption, b: StepOption): boolean {
  return stepBefore(ranks, a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]);
}

/** comesFirst() of the option (cost, targetCost, target, ref), without making it. */
function precedes(ranks: Float64Array, cost: number, targetCost: number, target: number, ref: CallRef, b: StepOption): boolean {
  return stepBefore(ranks, cost, targetCost, target, ref, b[0], b[1], b[2], b[3]);
}

/** comesFirst() of two options given by their parts: asked of every offer a search makes, with no tuple made. */
function stepBefore(ranks: Float64Array, cost: number, targetCost: number, target: number, ref: CallRef, bCost: number, bTargetCost: number, bTarget: number, bRef: CallRef): boolean {
  if (cost !== bCost) return cost < bCost;
  if (targetCost !== bTargetCost) return targetCost < bTargetCost;
  if (target !== bTarget) return rankOf(ranks, target) < rankOf(ranks, bTarget);
  return ref < bRef;
}

function rankOf(ranks: Float64Array, target: number): number {
  return target === SINK_ITSELF ? -1 : ranks[target]!;
}

/** The result of one search: the cheapest step towards the sink from each node that has one. */
export class SinkPaths {
  private readonly cost: Int32Array;
  /** The cost of the step's target (0 for the sink itself): the first tie-breaker. */
  private readonly targetCost: Int32Array;
  private readonly ref: Float64Array;
  private readonly target: Int32Array;

  private readonly ranks: Float64Array;

  constructor(private readonly graph: CallGraph) {
    const n = graph.capacity;
    this.ranks = graph.ranks;
    this.cost = new Int32Array(n).fill(UNREACHED);
    this.targetCost = new Int32Array(n);
    this.ref = new Float64Array(n);
    this.target = new Int32Array(n);
  }

  get(index: number): Step | undefined {
    const cost = this.cost[index]!;
    if (cost === UNREACHED) return undefined;
    const t = this.target[index]!;
    return { ref: this.ref[index]!, target: t === SINK_ITSELF ? undefined : this.graph.nodes[t], cost };
  }

  costOf(index: number): number {
    return this.cost[index]!;
  }

  targetOf(index: number): number | undefined {
    return this.cost[index] === UNREACHED ? undefined : this.target[index]!;
  }

  /** Does the option (cost, target cost, target, call) come before the node's current step? */
  beats(index: number, cost: number, targetCost: number, target: number, ref: CallRef): boolean {
    const c = this.cost[index]!;
    // Cost alone decides most offers: no tuple for them.
    if (cost !== c) return cost < c;
    return stepBefore(this.ranks, cost, targetCost, target, ref, c, this.targetCost[index]!, this.target[index]!, this.ref[index]!);
  }

  set(index: number, cost: number, targetCost: number, target: number, ref: CallRef): void {
    this.cost[index] = cost;
    this.targetCost[index] = targetCost;
    this.target[index] = target;
    this.ref[index] = ref;
  }

  clear(index: number): void {
    this.cost[index] = UNREACHED;
  }

  /** The node's whole step, to tell afterwards whether an update changed it. */
  snapshot(index: number): [number, number, number] {
    return [this.cost[index]!, this.target[index]!, this.ref[index]!];
  }

  sameAs(index: number, s: readonly [number, number, number]): boolean {
    if (this.cost[index] !== s[0]) return false;
    return s[0] === UNREACHED || (this.target[index] === s[1] && this.ref[index] === s[2]);
  }
}

/** May the path use this call site? (It runs under the caller's hold and is not exempt.) */
export type CallFilter = (ref: CallRef) => boolean;

/** What a search needs besides the graph: the sink, which nodes stop paths, which calls count. */
export interface SearchSpec {
  graph: CallGraph;
  sink: string;
  /** 1 for nodes named as a sink: paths stop there (typed: read for every node of every search). */
  isSink: Uint8Array;
  usable: CallFilter;
}


/**
 * Offers `target` (reached at `targetCost`) to the caller at `ref`: taken when it beats the
 * caller's step. Returns the caller's index when its cost went down (it must expand again).
 */
function offer(
  spec: SearchSpec, paths: SinkPaths, ref: CallRef, target: number, targetCost: number, weight: number, touch?: (index: number) => void,
): number | undefined {
  const node = refNode(ref);
  const cost = targetCost + weight;
  // Cost first: the filter is dearer and most offers lose on cost.
  if (!paths.beats(node, cost, targetCost, target, ref) || !spec.usable(ref)) return undefined;
  const lowered = cost < paths.costOf(node);
  touch?.(node);
  paths.set(node, cost, targetCost, target, ref);
  return lowered ? node : undefined;
}

/**
 * Expands settled nodes in (cost, index) order until the heap is empty. An update passes
 * `touch`, called before any node's step is changed.
 */
function settle(spec: SearchSpec, paths: SinkPaths, heap: MinHeap, signal: AbortSignal | undefined, touch?: (index: number) => void): void {
  const { graph, isSink } = spec;
  const callers = graph.directCallerIndex();
  // In a search from scratch the first node to expand a group of field calls is its best
  // target, so later ones could only lose; an update expands them all and lets beats() decide.
  const expandedGroups = touch === undefined ? new Set<string>() : undefined;
  const push = (node: number | undefined): void => {
    if (node !== undefined) heap.push(paths.costOf(node), graph.ranks[node]!, node);
  };
  let popped = 0;
  while (heap.size > 0) {
    const cost = heap.topCost();
    const index = heap.pop();
    if (paths.costOf(index) !== cost) continue;
    if (++popped % 4096 === 0) signal?.throwIfAborted();
    // A path stops at the first sink it meets.
    if (isSink[index] === 1) continue;
    const own = callers.overrides.get(index);
    if (own !== undefined) for (const ref of own) push(offer(spec, paths, ref, index, cost, DIRECT_COST, touch));
    else for (let i = callers.start[index]!, end = callers.start[index + 1]!; i < end; i++) push(offer(spec, paths, callers.refs[i]!, index, cost, DIRECT_COST, touch));
    for (const group of graph.fieldCallerKeys(index)) {
      if (expandedGroups !== undefined) {
        if (expandedGroups.has(group)) continue;
        expandedGroups.add(group);
      }
      for (const ref of graph.fieldCallersIn(group)) push(offer(spec, paths, ref, index, cost, POINTER_COST, touch));
    }
  }
}

export function reverseSearch(spec: SearchSpec, signal: AbortSignal | undefined, heap = new MinHeap()): SinkPaths {
  const paths = new SinkPaths(spec.graph);
  heap.clear();
  for (const ref of spec.graph.directCallsTo(spec.sink)) {
    const node = offer(spec, paths, ref, SINK_ITSELF, 0, DIRECT_COST);
    if (node !== undefined) heap.push(DIRECT_COST, spec.graph.ranks[node]!, node);
  }
  settle(spec, paths, heap, signal);
  return paths;
}

/**
 * The node's best step from its own calls and the costs its targets have now (targets without
 * one are skipped): what a search from scratch would give it if every target were settled.
 */
function bestOwnStep(spec: SearchSpec, paths: SinkPaths, index: number): StepOption | undefined {
  const { graph, sink, isSink } = spec;
  const { ranks } = graph;
  const node = graph.nodes[index]!;
  let best: StepOption | undefined;
  // Asked for every function an update reaches, over every call it makes: an option is made
  // only when it wins, and a direct call's targets are neither wrapped nor put in an array.
  const consider = (cost: number, targetCost: number, target: number, ref: CallRef): void => {
    if ((best === undefined || precedes(ranks, cost, targetCost, target, ref, best)) && spec.usable(ref)) best = [cost, targetCost, target, ref];
  };
  const toward = (target: FunctionNode, step: number, ref: CallRef): void => {
    const at = target.index;
    const tc = paths.costOf(at);
    if (isSink[at] !== 1 && tc !== UNREACHED) consider(tc + step, tc, at, ref);
  };
  for (let b = 0; b < node.bodies.length; b++) {
    const body = node.bodies[b]!;
    for (let c = 0; c < body.fn.callCount; c++) {
      const ref = packRef(index, b, c);
      const callee = directCallee(body.facts, body.fn, c);
      if (callee !== undefined) {
        if (callee === sink) consider(DIRECT_COST, 0, SINK_ITSELF, ref);
        const found = graph.resolvedName(body.file, callee);
        if (found === undefined) continue;
        if (!isNodeList(found)) toward(found, DIRECT_COST, ref);
        else for (let i = 0; i < found.length; i++) toward(found[i]!, DIRECT_COST, ref);
        continue;
      }
      for (const t of graph.resolveCall(body.file, graph.call(body, c))) toward(t.node, t.via === 'direct' ? DIRECT_COST : POINTER_COST, ref);
    }
  }
  return best;
}

/** Nodes whose step leads through one of `roots` (the roots included): their costs rest on them. */
function dependents(spec: SearchSpec, paths: SinkPaths, roots: Iterable<number>): Set<number> {
  const { graph } = spec;
  const found = new Set<number>(roots);
  const queue = [...found];
  const visit = (ref: CallRef, target: number): void => {
    const w = refNode(ref);
    if (!found.has(w) && paths.targetOf(w) === target && paths.get(w)!.ref === ref) {
      found.add(w);
      queue.push(w);
    }
  };
  while (queue.length > 0) {
    const u = queue.pop()!;
    for (const ref of graph.directCallersOf(graph.nodes[u]!)) visit(ref, u);
    for (const group of graph.fieldCallerKeys(u)) for (const ref of graph.fieldCallersIn(group)) visit(ref, u);
  }
  return found;
}

/**
 * Brings a search up to date after the calls of `changed` (node indices) changed, in place,
 * as a search from scratch on the new graph would have it. Costs that can only go down spread
 * from the changed nodes as in Dijkstra; where a changed node's cost goes up, every node whose
 * path leads through it is cleared and found again (Ramalingam and Reps). Adds to `moved` the
 * nodes whose step differs.
 */
export function updateSearch(spec: SearchSpec, paths: SinkPaths, changed: readonly number[], moved: Set<number>, heap = new MinHeap()): void {
  heap.clear();
  const before = new Map<number, [number, number, number]>();
  const remember = (i: number): void => {
    if (!before.has(i)) before.set(i, paths.snapshot(i));
  };
  // Which changed nodes can no longer keep their cost, with the costs as they are? Their
  // dependents are cleared; clearing can make another changed node's best step go, so repeat.
  const cleared = new Set<number>();
  // A changed node's best step, found again only when the target it named was cleared since:
  // clearing only takes costs away, so no other option can beat it then, and the loop below
  // asks every changed node again after each round of clearing (149 changed nodes, a few
  // rounds, every sink: most of an update that turns a function into a releaser). Seeds can
  // lower the costs it was weighed against; settle() carries those to the callers.
  const found = new Map<number, StepOption | undefined>();
  const bestOf = (i: number): StepOption | undefined => {
    const known = found.get(i);
    if (known === undefined ? found.has(i) : !cleared.has(known[2])) return known;
    const best = bestOwnStep(spec, paths, i);
    found.set(i, best);
    return best;
  };
  for (let grew = true; grew;) {
    grew = false;
    const rising = changed.filter((i) => {
      if (cleared.has(i) || paths.costOf(i) === UNREACHED) return false;
      const best = bestOf(i);
      return best === undefined || best[0] > paths.costOf(i);
    });
    if (rising.length === 0) break;
    for (const u of dependents(spec, paths, rising)) {
      if (cleared.has(u)) continue;
      remember(u);
      paths.clear(u);
      cleared.add(u);
      grew = true;
    }
  }
  // A changed node takes its best step whatever it had: its old step may name a call that moved.
  const seed = (i: number): void => {
    const best = bestOf(i);
    remember(i);
    if (best === undefined) {
      paths.clear(i);
      return;
    }
    paths.set(i, ...best);
    heap.push(best[0], spec.graph.ranks[i]!, i);
  };
  for (const i of cleared) seed(i);
  for (const i of changed) if (!cleared.has(i)) seed(i);
  settle(spec, paths, heap, undefined, remember);
  for (const [i, s] of before) if (!paths.sameAs(i, s)) moved.add(i);
}

/**
 * Binary min-heap of values by (cost, rank): equal-cost nodes come out in the order a graph
 * built from scratch has them, which decides who expands a group of field calls first.
 * Reusable (clear).
 */
export class MinHeap {
  private readonly costs: number[] = [];
  private readonly ranks: number[] = [];
  private readonly values: number[] = [];
  get size(): number {
    return this.costs.length;
  }
  clear(): void {
    this.costs.length = 0;
    this.ranks.length = 0;
    this.values.length = 0;
  }
  topCost(): number {
    return this.costs[0]!;
  }
  push(cost: number, rank: number, value: number): void {
    const { costs, ranks, values } = this;
    let i = costs.length;
    costs.push(cost);
    ranks.push(rank);
    values.push(value);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pc = costs[p]!;
      if (pc < cost || (pc === cost && ranks[p]! <= rank)) break;
      costs[i] = pc;
      ranks[i] = ranks[p]!;
      values[i] = values[p]!;
      i = p;
    }
    costs[i] = cost;
    ranks[i] = rank;
    values[i] = value;
  }
  pop(): number {
    const { costs, ranks, values } = this;
    const top = values[0]!;
    const lastCost = costs.pop()!;
    const lastRank = ranks.pop()!;
    const lastValue = values.pop()!;
    const n = costs.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const m = r < n && (costs[r]! < costs[l]! || (costs[r] === costs[l] && ranks[r]! < ranks[l]!)) ? r : l;
        if (costs[m]! > lastCost || (costs[m] === lastCost && ranks[m]! >= lastRank)) break;
        costs[i] = costs[m]!;
        ranks[i] = ranks[m]!;
        values[i] = values[m]!;
        i = m;
      }
      costs[i] = lastCost;
      ranks[i] = lastRank;
      values[i] = lastValue;
    }
    return top;
  }
}
