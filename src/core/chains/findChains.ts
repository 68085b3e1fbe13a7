// Chains: from each acquisition site, the calls made while held, and the cheapest path through
// callees to a sink with the hold still in place. Paths are found by one reverse search per
// sink over "held-through" call sites (calls a function makes before any release of what its
// caller holds), preferring direct calls: a pointer hop costs as much as many direct hops.
import type { CallGraph, CallRef, FunctionBody, FunctionNode } from '../graph/callGraph';
import { packRef, refNode, unpackRef } from '../graph/callGraph';
import { DIRECT_COST, POINTER_COST, reverseSearch, type SinkPaths, type Step } from './reverseSearch';
import type { Chain, ChainHop } from '../model/chain';
import type { CallHead } from '../model/packedFacts';
import { callKind } from '../index/packFacts';
import { analyzeFlow, ENTRY } from '../rules/heldState';
import type { RuleModel } from '../rules/summaries';


export interface ChainSearchStats {
  /** Held calls through local or parameter function pointers. */
  pointerCallsUnresolved: number;
  /** Held calls through struct fields of unknown type, left out by the `typed` policy. */
  untypedFieldCalls: number;
}

export function findChains(model: RuleModel, signal?: AbortSignal): { chains: Chain[]; stats: ChainSearchStats } {
  const { graph, sinks } = model;
  const heldThrough = heldThroughIndex(model);
  const restricted = mayRestrict(model);
  const usable = (ref: CallRef): boolean => {
    if (restricted[refNode(ref)] === 0) return true;
    const at = unpackRef(ref);
    const node = graph.nodes[at.node]!;
    return !model.exempt(node.bodies[at.body]!, at.call) && heldThrough(node, at.body, at.call);
  };
  const isSink = new Uint8Array(graph.nodes.length);
  graph.nodes.forEach((n) => {
    if (sinks.has(n.name)) isSink[n.index] = 1;
  });
  const stepsBySink = new Map<string, SinkPaths>();
  for (const sink of sinks) {
    signal?.throwIfAborted();
    stepsBySink.set(sink, reverseSearch(graph, sink, isSink, usable, signal));
  }

  // Candidates are cheap records; chains are built only for the winners. Direct chains are kept
  // per first callee; chains that need a pointer hop fan out through ops tables to hundreds of
  // first callees, so only the cheapest one per acquisition site and sink is kept.
  const best = new Map<string, Candidate>();
  const stats: ChainSearchStats = { pointerCallsUnresolved: 0, untypedFieldCalls: 0 };
  for (const node of graph.nodes) {
    if (model.sinks.has(node.name) || model.primitiveAcquire.has(node.name)) continue;
    node.bodies.forEach((body, b) => {
      const effectOf = (i: number) => model.effect(body, i);
      if (!someCall(body.fn.callCount, (i) => effectOf(i)?.acquire !== undefined)) return;
      signal?.throwIfAborted();
      const fact = graph.detail(body);
      if (fact === undefined) return;
      const flow = analyzeFlow(fact, effectOf, false);
      if (flow.truncated) model.truncated.add(`${body.file}:${body.fn.startLine} ${node.name}`);
      flow.heldBy.forEach((holders, c) => {
        if (holders === undefined) return;
        const call = graph.call(body, c);
        for (const acq of holders) {
          if (acq === ENTRY || acq < 0) continue;
          if (call.kind === 'pointer') stats.pointerCallsUnresolved++;
          if (graph.isUntypedField(call)) stats.untypedFieldCalls++;
          for (const sink of sinks) {
            const first = firstStep(model, node, b, body, c, call, sink, stepsBySink.get(sink)!);
            if (first === undefined) continue;
            const direct = first.cost < POINTER_COST;
            const firstCallee = first.target?.name ?? sink;
            const key = direct ? `d${node.index}:${b}:${acq}:${sink}:${firstCallee}` : `i${node.index}:${b}:${acq}:${sink}`;
            const candidate: Candidate = { node, body, acq, first, sink, cost: first.cost, line: call.line };
            const prev = best.get(key);
            if (prev === undefined || candidate.cost < prev.cost || (candidate.cost === prev.cost && candidate.line < prev.line)) best.set(key, candidate);
          }
        }
      });
    });
  }
  const onPaths = new Set<FunctionNode>();
  const chains = [...best.values()].map((cand) => buildChain(model, cand, stepsBySink.get(cand.sink)!, onPaths));
  // Calls through local function pointers (splice actors) in functions the chains pass through.
  for (const n of onPaths) {
    n.bodies.forEach((body, b) => {
      for (let c = 0; c < body.fn.callCount; c++) {
        if (callKind(body.facts, body.fn, c) === 'pointer' && heldThrough(n, b, c)) stats.pointerCallsUnresolved++;
      }
    });
  }
  return { chains: assignIds(chains), stats };
}

interface Candidate {
  node: FunctionNode;
  body: FunctionBody;
  acq: number;
  first: Step;
  sink: string;
  cost: number;
  line: number;
}

/** The cheapest way from held call `callIndex` towards `sink`, without building the chain. */
function firstStep(
  model: RuleModel, node: FunctionNode, bodyIndex: number, body: FunctionBody, callIndex: number,
  call: CallHead, sink: string, steps: SinkPaths,
): Step | undefined {
  if (model.exempt(body, callIndex)) return undefined;
  const ref = packRef(node.index, bodyIndex, callIndex);
  if (call.kind === 'direct' && call.callee === sink) return { ref, target: undefined, cost: DIRECT_COST };
  if (call.kind === 'direct' && model.sinks.has(call.callee)) return undefined;
  let first: Step | undefined;
  for (const t of model.graph.resolveCall(body.file, call)) {
    const rest = steps.get(t.node.index);
    if (rest === undefined) continue;
    const cost = rest.cost + (t.via === 'direct' ? DIRECT_COST : POINTER_COST);
    if (first === undefined || cost < first.cost) first = { ref, target: t.node, cost };
  }
  return first;
}

function buildChain(model: RuleModel, cand: Candidate, steps: SinkPaths, onPaths: Set<FunctionNode>): Chain {
  const { graph } = model;
  const { node, body, acq, sink } = cand;
  const acqCall = graph.call(body, acq);
  const hops: ChainHop[] = [];
  let step: Step | undefined = cand.first;
  const visited = new Set<number>();
  while (step !== undefined) {
    const at = graph.callAt(step.ref);
    if (at.node !== node) onPaths.add(at.node);
    hops.push(hopOf(graph, at.node, at.body, at.call, step.target, sink));
    if (step.target === undefined || visited.has(step.target.index)) break;
    visited.add(step.target.index);
    step = steps.get(step.target.index);
  }
  const acquireWhen = model.effect(body, acq)?.acquire;
  return {
    id: '',
    rule: model.rule.id,
    acquire: {
      function: node.name, call: acqCall.callee, file: body.file, line: acqCall.line, column: acqCall.column,
      ...(acquireWhen !== undefined && acquireWhen !== 'always' && !model.primitiveAcquire.has(acqCall.callee) ? { condition: `on ${acquireWhen} return` } : {}),
    },
    hops,
    sink,
    indirect: hops.some((h) => h.via !== 'direct'),
  };
}

function hopOf(graph: CallGraph, caller: FunctionNode, body: FunctionBody, call: CallHead, target: FunctionNode | undefined, sink: string): ChainHop {
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

/** Call indices of each body that still run under the caller's hold (undefined: all of them). */
function heldThroughIndex(model: RuleModel): (node: FunctionNode, body: number, call: number) => boolean {
  // Asked for every call the searches offer: per node, 0 = not analysed yet, 1 = no body releases
  // anything (the common case, no set needed), k + 2 = restricted[k].
  const slot = new Int32Array(model.graph.nodes.length);
  const restricted: (Set<number> | undefined)[][] = [];
  return (node, b, c) => {
    let s = slot[node.index]!;
    if (s === 0) {
      const perBody = node.bodies.map((body) => {
        const effectOf = (i: number) => model.effect(body, i);
        if (!someCall(body.fn.callCount, (i) => effectOf(i)?.release !== undefined)) return undefined;
        // Unreadable detail: assume nothing is released rather than drop the function's paths.
        const fact = model.graph.detail(body);
        if (fact === undefined) return undefined;
        const flow = analyzeFlow(fact, effectOf, true);
        if (flow.truncated) model.truncated.add(`${body.file}:${body.fn.startLine} ${node.name}`);
        const held = new Set<number>();
        flow.heldBy.forEach((holders, i) => {
          if (holders?.has(ENTRY) === true) held.add(i);
        });
        return held;
      });
      if (perBody.every((set) => set === undefined)) s = 1;
      else {
        restricted.push(perBody);
        s = restricted.length + 1;
      }
      slot[node.index] = s;
    }
    if (s === 1) return true;
    const set = restricted[s - 2]![b];
    return set === undefined || set.has(c);
  };
}

/**
 * Nodes with a call that may release the hold or that the rule may exempt: the only ones whose
 * calls need checking before a path uses them. Marked by callee name, a superset of both.
 */
function mayRestrict(model: RuleModel): Uint8Array {
  const { graph } = model;
  const names = new Set<string>([...model.primitiveRelease, ...(model.rule.exempt ?? []).map((e) => e.callee)]);
  for (const [index, summary] of model.summaries) if (summary.release !== undefined) names.add(graph.nodes[index]!.name);
  const marks = new Uint8Array(graph.nodes.length);
  for (const name of names) for (const ref of graph.directCallsTo(name)) marks[refNode(ref)] = 1;
  return marks;
}

function someCall(count: number, test: (call: number) => boolean): boolean {
  for (let i = 0; i < count; i++) if (test(i)) return true;
  return false;
}

/** Ids from names, not lines: stable while code moves; clashes get `#2`, `#3` in source order. */
function assignIds(chains: Chain[]): Chain[] {
  chains.sort((a, b) => a.acquire.file.localeCompare(b.acquire.file) || a.acquire.line - b.acquire.line || a.sink.localeCompare(b.sink) || a.hops[0]!.callee.localeCompare(b.hops[0]!.callee));
  const used = new Map<string, number>();
  for (const c of chains) {
    const base = [c.rule, c.acquire.function, c.acquire.call, c.hops[0]!.callee, c.sink].join('/');
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    c.id = n === 1 ? base : `${base}#${n}`;
  }
  return chains;
}
