// Which calls of a function still run under the hold its caller had: all of them, unless the
// function may release it (mnt_drop_write), in which case its flow decides call by call.
// Asked for every call a reverse search offers, so the common answer costs one byte.
import { functionLabel, someCall, type FunctionNode } from '../graph/functionNodes';
import { ENTRY, traceHolds } from '../rules/heldState';
import type { RuleModel } from '../rules/summaries';

type PerBody = (Set<number> | undefined)[];

export class HeldThrough {
  /** Per node: 0 = not analysed yet, 1 = no body releases anything, k + 2 = restricted[k]. */
  private readonly slot: Int32Array;
  private readonly restricted: PerBody[] = [];

  constructor(private readonly model: RuleModel) {
    this.slot = new Int32Array(model.graph.capacity);
  }

  has(node: FunctionNode, body: number, call: number): boolean {
    let s = this.slot[node.index]!;
    if (s === 0) s = this.store(node, this.analyse(node));
    if (s === 1) return true;
    const set = this.restricted[s - 2]![body];
    return set === undefined || set.has(call);
  }

  /** The node's facts changed: analyse it again when next asked. */
  forget(node: FunctionNode): void {
    this.slot[node.index] = 0;
  }

  private store(node: FunctionNode, perBody: PerBody): number {
    let s: number;
    if (perBody.every((set) => set === undefined)) s = 1;
    else {
      this.restricted.push(perBody);
      s = this.restricted.length + 1;
    }
    this.slot[node.index] = s;
    return s;
  }

  private analyse(node: FunctionNode): PerBody {
    const { model } = this;
    return node.bodies.map((body) => {
      const effectOf = (i: number) => model.effect(body, i);
      if (!someCall(body, (i) => effectOf(i)?.release !== undefined)) return undefined;
      // Unreadable detail: assume nothing is released rather than drop the function's paths.
      const fact = model.graph.detail(body);
      if (fact === undefined) return undefined;
      const flow = traceHolds(fact, effectOf, true);
      if (flow.truncated) model.truncated.add(functionLabel(body.file, body.fn));
      const held = new Set<number>();
      flow.heldBy.forEach((holders, i) => {
        if (holders?.has(ENTRY) === true) held.add(i);
      });
      return held;
    });
  }
}
