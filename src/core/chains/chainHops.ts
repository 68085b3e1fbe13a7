// A chain's hops as the call graph gives them, and the hops that every chain of a result
// passing a function shares.
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

/** The hop a sink's steps take from one function, and the function making it. */
export interface SharedHop {
  readonly hop: ChainHop;
  readonly caller: FunctionNode;
}

/**
 * What the chains of one result share on their way to a sink: the hop each function's step
 * makes, and the targets of a call that lead on. A search builds thousands of chains and of
 * variants tried for them, most along the same few paths and through the same pointer calls.
 * Hops are never changed once made (a chain moved to other lines gets new ones), so each is
 * made once and shared.
 */
export class SharedHops {
  private readonly bySink = new Map<SinkPaths, Map<number, SharedHop>>();
  private readonly onwardBySink = new Map<SinkPaths, Map<CallRef, readonly CallTarget[]>>();

  constructor(private readonly graph: CallGraph) {}

  /** The hop of node `from`'s step towards `sink` (it has one). */
  of(steps: SinkPaths, sink: string, from: number): SharedHop {
    let hops = this.bySink.get(steps);
    if (hops === undefined) this.bySink.set(steps, hops = new Map());
    let made = hops.get(from);
    if (made === undefined) {
      const step = steps.get(from)!;
      const at = this.graph.callAt(step.ref);
      made = { hop: hopOf(this.graph, at.node, at.body, at.call, step.target, sink), caller: at.node };
      hops.set(from, made);
    }
    return made;
  }

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
}
