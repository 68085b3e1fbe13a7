// Wrapper inference: a function that can return with the context held is itself an acquirer
// (mnt_want_write, ovl_want_write), one that drops what its caller holds is a releaser
// (mnt_drop_write). Summaries flow up the direct call graph until nothing changes.
import type { CallGraph } from '../graph/callGraph';
import { functionLabel, someCall, type FunctionBody, type FunctionNode } from '../graph/functionNodes';
import { traceHolds, type CallEffect, type ExitState } from './heldState';
import { directCallee } from '../model/packedCalls';
import { cannotPatch, patched, type Patched } from '../model/patched';
import { splitArguments } from './callArguments';
import type { AcquireWhen, RuleSpec } from './ruleSpec';

export interface Summary {
  acquire?: AcquireWhen;
  release?: 'always' | 'maybe';
  /** Wrapper levels above a primitive: mnt_want_write 1, ovl_want_write 2. */
  depth: number;
}

/**
 * Real wrappers are shallow (ovl_want_write -> mnt_want_write -> sb_start_write). A deeper
 * inference means a misread function upstream, and following it would make half the kernel
 * an "acquirer": stop there instead.
 */
export const MAX_WRAPPER_DEPTH = 4;

export interface RuleModel {
  rule: RuleSpec;
  graph: CallGraph;
  /** Inferred wrappers, by node index. */
  summaries: Map<number, Summary>;
  primitiveAcquire: Map<string, AcquireWhen>;
  primitiveRelease: Set<string>;
  sinks: Set<string>;
  /** True for call `call` of `body` when the rule exempts it by its arguments. */
  exempt(body: FunctionBody, call: number): boolean;
  /** Functions whose flow analysis ran out of budget (partial results). */
  truncated: Set<string>;
  /** Names a call to which may have an effect: the primitives, and every function that ever had a summary. */
  effectful: ReadonlySet<string>;
  /** Effect of call `call` of `body`, from primitives and inferred summaries. */
  effect(body: FunctionBody, call: number): CallEffect | undefined;
  /**
   * After an edit changed these functions (their facts, or what their calls resolve to):
   * summarizes them again, and their callers as far as summaries change. Returns the functions
   * whose summary changed: calls to them now have another effect. Says why instead when a
   * summary kept changing (the model must then be built again).
   */
  resummarize(nodes: readonly FunctionNode[]): Patched<FunctionNode[]>;
}

/** Re-analysing a function more often than this means its summary oscillates: keep the last. */
const MAX_VISITS = 8;

export function buildRuleModel(graph: CallGraph, rule: RuleSpec): RuleModel {
  const primitiveAcquire = new Map(rule.acquire.map((a) => [a.name, a.when]));
  const primitiveRelease = new Set(rule.release);
  const sinks = new Set(rule.sinks);
  // A handed-off hold is its caller's until the call returns, never its caller's callers'.
  const handoff = new Set(rule.acquire.filter((a) => a.handoff !== undefined).map((a) => a.name));
  const handoffMarkers = new Set((rule.handoffMarkers ?? []).map((m) => m.name));
  const opaque = new Set([...(rule.opaque ?? []), ...primitiveAcquire.keys(), ...primitiveRelease, ...sinks]);
  const summaries = new Map<number, Summary>();
  const truncated = new Set<string>();
  // Names that may have an effect: a quick no for the millions of calls to anything else.
  const effectful = new Set<string>([...primitiveAcquire.keys(), ...primitiveRelease]);

  const effect = (body: FunctionBody, index: number): CallEffect | undefined => {
    const callee = directCallee(body.facts, body.fn, index);
    if (callee === undefined || !effectful.has(callee)) return undefined;
    const when = primitiveAcquire.get(callee);
    if (when !== undefined) return { acquire: when };
    if (primitiveRelease.has(callee)) return { release: 'always' };
    const targets = graph.resolveName(body.file, callee);
    let merged: Summary | undefined;
    for (const t of targets) {
      const s = summaries.get(t.index);
      if (s !== undefined) merged = mergeSummaries(merged, s);
    }
    return merged;
  };

  /** The node's summary from its bodies and the summaries known now. */
  const summarize = (node: FunctionNode): Summary | undefined => {
    let next: Summary | undefined;
    // Said again below if it still holds: this analysis covers every body the others look at.
    for (const body of node.bodies) truncated.delete(functionLabel(body.file, body.fn));
    for (const body of node.bodies) {
      const effectOf = (i: number): CallEffect | undefined => effect(body, i);
      let depth = 0;
      let ownAcquires = false;
      for (let i = 0; i < body.fn.callCount; i++) {
        const e = effectOf(i);
        if (e !== undefined) depth = Math.max(depth, 1 + (e.depth ?? 0));
        if (e?.acquire !== undefined && !handoff.has(directCallee(body.facts, body.fn, i) ?? '')) ownAcquires = true;
      }
      if (someCall(body, (i) => handoffMarkers.has(directCallee(body.facts, body.fn, i) ?? ''))) ownAcquires = false;
      if (depth === 0 || depth > MAX_WRAPPER_DEPTH) continue;
      const fact = graph.detail(body);
      if (fact === undefined) continue;
      const entryFree = traceHolds(fact, effectOf, false);
      const entryHeld = traceHolds(fact, effectOf, true);
      if (entryFree.truncated || entryHeld.truncated) truncated.add(functionLabel(body.file, body.fn));
      // What a handed-off acquisition leaves held belongs to the request, not to the callers.
      const acquire = ownAcquires ? acquireSummary(entryFree.exits) : undefined;
      const release = releaseSummary(entryHeld.exits);
      const s: Summary = { depth };
      if (acquire !== undefined) s.acquire = acquire;
      if (release !== undefined) s.release = release;
      if (s.acquire !== undefined || s.release !== undefined) next = mergeSummaries(next, s);
    }
    return next;
  };

  const queue: FunctionNode[] = [];
  const queued = new Set<number>();
  const push = (node: FunctionNode): void => {
    if (opaque.has(node.name) || queued.has(node.index)) return;
    queued.add(node.index);
    queue.push(node);
  };
  const pushCallersOf = (name: string): void => {
    for (const ref of graph.directCallsTo(name)) push(graph.callAt(ref).node);
  };
  /**
   * Summarizes queued functions until nothing changes; adds to `changed` those whose summary did.
   * Returns a function that kept changing (recursion through a wrapper), if one did.
   */
  const settle = (changed?: Set<FunctionNode>): FunctionNode | undefined => {
    const visits = new Map<number, number>();
    let unsettled: FunctionNode | undefined;
    while (queue.length > 0) {
      const node = queue.shift()!;
      queued.delete(node.index);
      const count = (visits.get(node.index) ?? 0) + 1;
      visits.set(node.index, count);
      const next = summarize(node);
      const before = summaries.get(node.index);
      if (sameSummary(before, next)) continue;
      changed?.add(node);
      if (next === undefined) summaries.delete(node.index);
      else {
        summaries.set(node.index, next);
        effectful.add(node.name);
      }
      if (count < MAX_VISITS) pushCallersOf(node.name);
      else unsettled ??= node;
    }
    return unsettled;
  };
  for (const name of [...primitiveAcquire.keys(), ...primitiveRelease]) pushCallersOf(name);
  settle();
  const exemptions = new Map<string, { arg: number; equals: Set<string> }[]>();
  for (const e of rule.exempt ?? []) {
    const list = exemptions.get(e.callee) ?? [];
    list.push({ arg: e.arg, equals: new Set(e.equals) });
    exemptions.set(e.callee, list);
  }
  const exempt = (body: FunctionBody, index: number): boolean => {
    const callee = directCallee(body.facts, body.fn, index);
    const list = callee === undefined ? undefined : exemptions.get(callee);
    if (list === undefined) return false;
    const text = graph.detail(body)?.calls[index]?.args;
    if (text === undefined) return false;
    const args = splitArguments(text);
    return list.some((e) => { const a = args[e.arg]; return a !== undefined && e.equals.has(a); });
  };
  const resummarize = (nodes: readonly FunctionNode[]): Patched<FunctionNode[]> => {
    for (const n of nodes) push(n);
    const changed = new Set<FunctionNode>();
    // Where summaries oscillate, the last one depends on the order of visits: only a model
    // built from scratch has the order a fresh scan has.
    const unsettled = settle(changed);
    return unsettled === undefined ? patched([...changed]) : cannotPatch(`the summary of ${unsettled.name} does not settle`);
  };
  return { rule, graph, summaries, primitiveAcquire, primitiveRelease, sinks, effect, exempt, truncated, effectful, resummarize };
}

/** Does the function return with a hold it took, and under which return value? */
export function acquireSummary(exits: readonly ExitState[]): AcquireWhen | undefined {
  const held = new Set<AcquireWhen>();
  let freeZero = false;
  let freeNonzero = false;
  for (const e of exits) {
    if (e.pendingReturned !== undefined) {
      held.add(e.pendingReturned);
      continue;
    }
    const value = valueClass(e);
    if (e.held || e.pendingUnreturned === true) held.add(value ?? 'always');
    else if (value === 'zero') freeZero = true;
    else if (value === 'nonzero') freeNonzero = true;
  }
  if (held.size === 0) return undefined;
  if (held.size === 1) {
    const only = [...held][0]!;
    // A value that is returned both with and without the hold says nothing: assume held.
    if ((only === 'zero' && freeZero) || (only === 'nonzero' && freeNonzero)) return 'always';
    return only;
  }
  return 'always';
}

/** Does the function drop the hold its caller had? */
export function releaseSummary(exits: readonly ExitState[]): 'always' | 'maybe' | undefined {
  if (exits.length === 0) return undefined;
  const freed = exits.filter((e) => !e.held && e.pendingReturned === undefined && e.pendingUnreturned !== true).length;
  if (freed === 0) return undefined;
  return freed === exits.length ? 'always' : 'maybe';
}

function valueClass(e: ExitState): 'zero' | 'nonzero' | undefined {
  if (e.value.kind === 'const') return e.value.zero ? 'zero' : 'nonzero';
  return e.valueKnown;
}

export function mergeSummaries(a: Summary | undefined, b: Summary): Summary {
  if (a === undefined) return b;
  const out: Summary = { depth: Math.max(a.depth, b.depth) };
  const acquire = a.acquire === b.acquire ? a.acquire : a.acquire === undefined ? b.acquire : b.acquire === undefined ? a.acquire : 'always';
  if (acquire !== undefined) out.acquire = acquire;
  const release = a.release === b.release ? a.release : a.release !== undefined || b.release !== undefined ? 'maybe' : undefined;
  if (release !== undefined) out.release = release;
  return out;
}

function sameSummary(a: Summary | undefined, b: Summary | undefined): boolean {
  return a?.acquire === b?.acquire && a?.release === b?.release && a?.depth === b?.depth;
}
