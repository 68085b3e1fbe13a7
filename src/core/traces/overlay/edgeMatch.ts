// An observed caller -> callee edge against the static call graph: does some body of the caller
// have a call that resolves to the callee, directly or through calls the compiler hides?

import type { CallGraph } from '../../graph/callGraph';
import type { FunctionNode } from '../../graph/functionNodes';
import type { Symbolizer } from './symbolize';
import { hiddenLabel, type HiddenCalls } from './hiddenCalls';

export type EdgeMatch =
  /** A static call explains it; `via` is `direct`, `->field`, or the hidden hops it relied on. */
  | { kind: 'static'; via: string }
  /** Both ends are in the tree but no static call (even through hidden ones) explains it. */
  | { kind: 'observed' }
  /** One end is not defined in the scanned tree: nothing to compare with. */
  | { kind: 'unknown'; missing: 'caller' | 'callee' | 'both' };

/**
 * Hidden functions followed between caller and callee: file_start_write -> sb_start_write ->
 * __sb_start_write -> percpu_down_read is the deepest inline nest we know of.
 */
const MAX_HIDDEN = 3;

interface Step {
  node: FunctionNode;
  /** Labels of the hidden functions passed so far (`inline:x`). */
  hidden: string[];
}

export class EdgeMatcher {
  private readonly memo = new Map<string, EdgeMatch>();

  constructor(
    private readonly graph: CallGraph,
    private readonly symbols: Symbolizer,
    private readonly hidden: HiddenCalls,
  ) {}

  /** Names are normalized (as the parsers print edges). */
  match(caller: string, callee: string): EdgeMatch {
    const key = `${caller}\0${callee}`;
    let m = this.memo.get(key);
    if (m === undefined) {
      m = this.compute(caller, callee);
      this.memo.set(key, m);
    }
    return m;
  }

  private compute(caller: string, callee: string): EdgeMatch {
    const from = this.symbols.nodesNamed(caller);
    const calleeKnown = this.symbols.nodesNamed(callee).length > 0;
    if (from.length === 0) return { kind: 'unknown', missing: calleeKnown ? 'caller' : 'both' };
    // Breadth first, so that a direct call wins over a path through hidden functions.
    let frontier: Step[] = from.map((node) => ({ node, hidden: [] }));
    const visited = new Set<number>(from.map((n) => n.index));
    for (let depth = 0; depth <= MAX_HIDDEN && frontier.length > 0; depth++) {
      const next: Step[] = [];
      for (const step of frontier) {
        const found = this.callsFrom(step, callee, next, visited, depth < MAX_HIDDEN);
        if (found !== undefined) return { kind: 'static', via: found };
      }
      frontier = next;
    }
    // A name the tree only declares (an extern, a macro) can still be matched by name above;
    // past that, an unknown callee leaves nothing to compare.
    return calleeKnown ? { kind: 'observed' } : { kind: 'unknown', missing: 'callee' };
  }

  /** Looks for `callee` among the calls of step.node; queues hidden callees for the next depth. */
  private callsFrom(step: Step, callee: string, next: Step[], visited: Set<number>, extend: boolean): string | undefined {
    const node = step.node;
    // At depth > 0 step.node is a hidden candidate: an inlined one exposes all its calls, a
    // tail-calling one only the call it ends with.
    const inlined = step.hidden.length === 0 || this.hidden.isInlinable(node);
    const tails = inlined ? undefined : this.hidden.tailCallsOf(node);
    for (const body of node.bodies) {
      for (let c = 0; c < body.fn.callCount; c++) {
        const call = this.graph.call(body, c);
        const targets = this.graph.resolveCall(body.file, call);
        const names = targets.length > 0 ? targets.map((t) => t.node.name) : call.kind === 'direct' ? [call.callee] : [];
        for (const [i, name] of names.entries()) {
          if (tails !== undefined && !tails.has(name)) continue;
          const label = step.hidden.length === 0 ? undefined : step.hidden;
          if (name === callee) {
            const via = targets[i]?.via ?? 'direct';
            return label === undefined ? via : label.join(',');
          }
          const t = targets[i]?.node;
          if (!extend || t === undefined || visited.has(t.index)) continue;
          visited.add(t.index);
          const how = this.hidden.isInlinable(t) ? 'inline' : this.hidden.tailCallsOf(t).size > 0 ? 'tail-call' : undefined;
          if (how !== undefined) next.push({ node: t, hidden: [...step.hidden, hiddenLabel(how, t.name)] });
        }
      }
    }
    return undefined;
  }
}
