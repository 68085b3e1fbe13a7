// A side of a diff backed by its analysis: the call graph and the rule model say for certain
// whether a function is defined, what it calls, and whether a call runs under the hold.
import { refNode } from '../graph/callRefs';
import type { FunctionBody, FunctionNode } from '../graph/functionNodes';
import { compareText } from '../model/compareText';
import { HeldThrough } from '../chains/heldThrough';
import { traceHolds } from '../rules/heldState';
import type { RuleModel } from '../rules/summaries';
import type { Answer, SideView } from './sideView';

/** A call of a body, by index. */
interface CallIn {
  node: FunctionNode;
  bodyIndex: number;
  body: FunctionBody;
  call: number;
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;

export function graphSideView(model: RuleModel): SideView {
  const { graph } = model;
  // Built on first use: listing acquirers needs neither. A diff asks of many names: the graph
  // indexes them all at once.
  let heldThrough: HeldThrough | undefined;
  const nodesNamed = (fn: string): readonly FunctionNode[] => {
    graph.indexNames();
    return graph.nodesNamed(fn);
  };

  /** Calls of `caller` that may go to `callee`. */
  const callsTo = (caller: string, callee: string): CallIn[] => {
    const out: CallIn[] = [];
    for (const node of nodesNamed(caller)) {
      node.bodies.forEach((body, bodyIndex) => {
        for (let i = 0; i < body.fn.callCount; i++) {
          const head = graph.call(body, i);
          // By name for direct calls: a sink or primitive need not be defined in the tree.
          const hit = head.kind === 'direct' ? head.callee === callee : graph.resolveCall(body.file, head).some((t) => t.node.name === callee);
          if (hit) out.push({ node, bodyIndex, body, call: i });
        }
      });
    }
    return out;
  };

  /** Whether `test` holds for some call; undefined when a call's answer is unknown and none holds. */
  const someOf = (calls: readonly CallIn[], test: (c: CallIn) => Answer): Answer => {
    let unknown = false;
    for (const c of calls) {
      const a = test(c);
      if (a === true) return true;
      if (a === undefined) unknown = true;
    }
    return unknown ? undefined : false;
  };

  return {
    defines: (fn) => nodesNamed(fn).length > 0,
    calls: (caller, callee) => callsTo(caller, callee).length > 0,
    acquires: (fn, call) => callsTo(fn, call).length > 0,
    heldAt: (fn, acquireCall, callee) => someOf(callsTo(fn, callee), (c) => {
      const fact = graph.detail(c.body);
      if (fact === undefined) return undefined;
      const holders = traceHolds(fact, (i) => model.effect(c.body, i), false).heldBy[c.call];
      return [...(holders ?? [])].some((a) => a >= 0 && graph.call(c.body, a).callee === acquireCall);
    }),
    keepsHold: (caller, callee) => someOf(callsTo(caller, callee), (c) => (heldThrough ??= new HeldThrough(model)).has(c.node, c.bodyIndex, c.call)),
    exempt: (caller, callee) => {
      const calls = callsTo(caller, callee);
      return calls.length > 0 && calls.every((c) => model.exempt(c.body, c.call));
    },
    isSink: (sink) => model.sinks.has(sink),
    acquirers: (call) => {
      const names = new Set<string>();
      for (const ref of graph.directCallsTo(call)) {
        const node = graph.nodes[refNode(ref)]!;
        if (node.bodies.length > 0) names.add(node.name);
      }
      return [...names].sort(compareText);
    },
    references: (fn) => {
      const names = new Set<string>();
      for (const node of nodesNamed(fn)) {
        for (const body of node.bodies) {
          const fact = graph.detail(body);
          for (let i = 0; i < body.fn.callCount; i++) {
            names.add(graph.call(body, i).callee);
            for (const id of fact?.calls[i]?.args.match(IDENTIFIER) ?? []) names.add(id);
          }
        }
      }
      return names;
    },
  };
}
