// A chain's hops as the call graph gives them, and the hops from a function on to a sink that
// every chain reaching that function shares.
import type { CallGraph } from '../graph/callGraph';
import type { CallRef } from '../graph/callRefs';
import type { CallTarget, FunctionBody, FunctionNode } from '../graph/functionNodes';
import type { ChainHop } from '../model/chain';
import type { CallHead } from '../model/packedFacts';
import type { SinkPaths } from './reverseSearch';

/** The hop of `call` made by `caller` to `target` (undefined: to the sink itself). */
export function hopOf(graph: CallGraph, caller: FunctionNode, body: FunctionBody, call: CallHead, target: FunctionNode | undefined, sink: string): ChainHop {
  const hop: ChainHop = {
    caller: caller.name, callee: target?.name ?? sink, file: body.file, line: call.line, column: call.column, via: 'direct',
  };
  if (call.kind === 'field' && target !== undefined) {
    const resolved = graph.resolveField(call.callee, call.receiverType);
    hop.via = `->${call.callee}`;
    hop.candidates = resolved.length;
    const t = resolved[0]?.structType;
    if (t !== undefined) hop.structType = t;
  }
  return hop;
}

/** The hops a sink's steps take from one function on, as a chain reaching it would make them. */
export interface PathTail {
  readonly hops: readonly ChainHop[];
  readonly refs: readonly CallRef[];
  /** The function making each hop. */
  readonly callers: readonly FunctionNode[];
  /** Where each hop goes, by node index (-1: the sink itself). */
  readonly targets: readonly number[];
}

/**
 * What the chains of one result share on their way to a sink: tails by first function, and the
 * targets of a call that lead on. A search builds thousands of chains and of variants tried for
 * them, most along the same few paths and through the same pointer calls. Hops are shared,
 * never changed once made (a chain moved to other lines gets new ones), so a tail is made once.
 */
export class PathTails {
  private readonly bySink = new Map<SinkPaths, Map<number, PathTail>>();
  private readonly onwardBySink = new Map<SinkPaths, Map<CallRef, readonly CallTarget[]>>();

  constructor(private readonly graph: CallGraph) {}

  /**
   * The targets `resolved` of the call at `ref` that lead on to the sink, cheapest first (then
   * in graph order; in the order given when both tie): a pointer call of an ops table can have
   * thousands, and every chain through it that is tried elsewhere asks again.
   */
  onward(steps: SinkPaths, ref: CallRef, resolved: readonly CallTarget[]): readonly CallTarget[] {
    let lists = this.onwardBySink.get(steps);
    if (lists === undefined) this.onwardBySink.set(steps, lists = new Map());
    let list = lists.get(ref);
    if (list === undefined) {
      const { ranks } = this.graph;
      list = resolved
        .filter((t) => steps.targetOf(t.node.index) !== undefined)
        .sort((a, b) => steps.costOf(a.node.index) - steps.costOf(b.node.index) || ranks[a.node.index]! - ranks[b.node.index]!);
      lists.set(ref, list);
    }
    return list;
  }

  /**
   * The hops from node `from` on. They stop where the steps reach the sink or come back to a
   * function the tail passed (`from` included): a chain that passed one of the tail's targets
   * before `from` stops earlier, and is not made from the tail.
   */
  from(steps: SinkPaths, sink: string, from: number): PathTail {
    let tails = this.bySink.get(steps);
    if (tails === undefined) this.bySink.set(steps, tails = new Map());
    let tail = tails.get(from);
    if (tail !== undefined) return tail;
    const hops: ChainHop[] = [];
    const refs: CallRef[] = [];
    const callers: FunctionNode[] = [];
    const targets: number[] = [];
    const seen = new Set<number>([from]);
    let step = steps.get(from);
    while (step !== undefined) {
      const at = this.graph.callAt(step.ref);
      hops.push(hopOf(this.graph, at.node, at.body, at.call, step.target, sink));
      refs.push(step.ref);
      callers.push(at.node);
      targets.push(step.target?.index ?? -1);
      if (step.target === undefined || seen.has(step.target.index)) break;
      seen.add(step.target.index);
      step = steps.get(step.target.index);
    }
    tail = { hops, refs, callers, targets };
    tails.set(from, tail);
    return tail;
  }
}
