// Chains: from each acquisition site, the calls made while held, and the cheapest path through
// callees to a sink with the hold still in place. Paths are found by one reverse search per
// sink over "held-through" call sites (calls a function makes before any release of what its
// caller holds), preferring direct calls: a pointer hop costs as much as many direct hops.
import type { CallGraph } from '../graph/callGraph';
import type { CallRef } from '../graph/callRefs';
import type { FilePatch } from '../graph/filePatch';
import type { FunctionBody, FunctionNode } from '../graph/functionNodes';
import { BODY_SLOTS, bodyKeyOf, packRef, refNode, unpackRef } from '../graph/callRefs';
import { functionLabel, someCall } from '../graph/functionNodes';
import { comesFirst, DIRECT_COST, MinHeap, POINTER_COST, reverseSearch, updateSearch, type SearchSpec, type SinkPaths, type Step, type StepOption } from './reverseSearch';
import { fieldOfVia, type Chain, type ChainHop, type FoundChain } from '../model/chain';
import type { CallHead } from '../model/packedFacts';
import type { LineShift } from '../model/lineShift';
import { callKind } from '../model/packedCalls';
import { ENTRY, traceHolds } from '../rules/heldState';
import { BuiltChains, type BuiltChain } from './builtChains';
import { assignIds, type ShownChain } from './shownChains';
import { HeldThrough } from './heldThrough';
import { hopOf, SharedHops } from './chainHops';
import { chooseChain, type Candidate, type ChainJudge, type ChoiceReads } from './chainChoice';
import type { RuleModel } from '../rules/summaries';

export interface ChainSearchStats {
  /** Held calls through local or parameter function pointers. */
  pointerCallsUnresolved: number;
  /** Held calls through struct fields of unknown type, left out by the `typed` policy. */
  untypedFieldCalls: number;
}

/** What one acquiring body contributes: its candidate chains and the calls it cannot follow. */
interface BodyCandidates {
  node: FunctionNode;
  body: number;
  /**
   * Its winning candidates by key: per key, the cheapest (then the lowest line; then the first),
   * in the order the keys first came up. A key names its body, so these are the tree's winners.
   */
  winners: Map<string, Candidate>;
  pointerCalls: number;
  untypedFieldCalls: number;
}

/**
 * The searches of one rule and the candidates of every acquiring body. Kept by a live analysis,
 * so that an edit re-examines only the edited bodies and what their new paths touch.
 */
export class ChainSearch {
  private readonly heldThrough: HeldThrough;
  private readonly stepsBySink = new Map<string, SinkPaths>();
  /** By node index * BODY_SLOTS + body. */
  private readonly perBody = new Map<number, BodyCandidates>();
  private readonly built = new BuiltChains<Candidate>((cand) => cand.node);
  /** Kept chains through code that moved: their lines are read again before they are given out. */
  private readonly relined = new Set<Candidate>();
  /** The files whose code moved in the updates since the last result. */
  private readonly movedFiles = new Set<string>();
  /** How the updates since the last result moved lines, in order (see LineShift). */
  private readonly shifts: LineShift[] = [];
  /** The chains the last result was given, in order with their ids (see chains()). */
  private lastShown: { list: readonly Chain[]; members: ReadonlySet<Chain>; groups: readonly string[] } | undefined;
  /** perBody's keys in graph order, while no key came or went (see bodyOrder). */
  private order: number[] | undefined;
  /** Per function: its held calls through local function pointers (see chains()). */
  private readonly pointerCalls = new Map<FunctionNode, number>();
  /** The targets of calls that chains were chosen through, by sink, for this result (see ChoiceReads). */
  private readonly targetLists = new Map<string, Map<CallRef, Int32Array>>();

  /** Per node: 1 when a call of it may release the hold or be exempt (see mayRestrict). */
  private readonly restricted: Uint8Array;
  private readonly specs: SearchSpec[];
  /** 1 for nodes named as a sink (shared by the searches of every sink). */
  private readonly isSink: Uint8Array;
  /** 1 for nodes a path never passes through (the rule's stopAt: crash and debug reports). */
  private readonly stops: Uint8Array;
  /** Can a path take this call (the searches' test, shared by the other routes a chain tries)? */
  private readonly usable: (ref: CallRef) => boolean;

  constructor(readonly model: RuleModel, signal?: AbortSignal) {
    const { graph, sinks } = model;
    const heldThrough = new HeldThrough(model);
    this.heldThrough = heldThrough;
    const restricted = mayRestrict(model);
    this.restricted = restricted;
    const stopNames = new Set((model.rule.stopAt ?? []).map((s) => s.name));
    const stops = new Uint8Array(graph.capacity);
    graph.nodes.forEach((n) => {
      if (stopNames.has(n.name)) stops[n.index] = 1;
    });
    this.stops = stops;
    const usable = (ref: CallRef): boolean => {
      const index = refNode(ref);
      if (stops[index] === 1) return false;
      if (restricted[index] === 0) return true;
      const at = unpackRef(ref);
      const node = graph.nodes[at.node]!;
      const body = node.bodies[at.body]!;
      return !model.exempt(body, at.call) && !isGuarded(model, node, body, at.call) && heldThrough.has(node, at.body, at.call);
    };
    const isSink = new Uint8Array(graph.capacity);
    graph.nodes.forEach((n) => {
      if (sinks.has(n.name)) isSink[n.index] = 1;
    });
    this.isSink = isSink;
    this.usable = usable;
    this.specs = [...sinks].map((sink) => ({ graph, sink, isSink, usable }));
    // One heap for all searches: each grows to millions of entries.
    const heap = new MinHeap();
    for (const spec of this.specs) {
      signal?.throwIfAborted();
      this.stepsBySink.set(spec.sink, reverseSearch(spec, signal, heap));
    }
    for (const node of graph.nodes) {
      if (node.bodies.length > 0) signal?.throwIfAborted();
      node.bodies.forEach((_, b) => this.scanBody(node, b));
    }
  }

  /**
   * One file's functions have new facts, calls included (some may be new, some gone), the
   * graph has been patched to match (CallGraph.replaceFile), `touched` are the functions whose
   * content or resolution changed (not those that only moved), and the rule model has
   * summarized them again (`resummarized`: whose summary changed); `shifted` only moved to
   * other lines or columns. Updates the searches in place and finds the candidates again of
   * these functions, of callers whose calls act differently, and of every acquiring body whose
   * callees' paths moved.
   */
  update(patch: FilePatch, touched: readonly FunctionNode[], resummarized: readonly FunctionNode[], shifted: ReadonlySet<FunctionNode>, lineShift?: LineShift): void {
    const { graph, sinks } = this.model;
    if (lineShift !== undefined) this.shifts.push(lineShift);
    // Functions whose calls may have another effect now: the file's that changed more than
    // their position, callers whose calls resolve elsewhere (both in `touched`), and callers
    // of functions whose summary changed (a call to them may now acquire or release).
    const refreshed = new Set<FunctionNode>([...touched, ...patch.callers, ...resummarized]);
    for (const s of resummarized) for (const ref of graph.directCallsTo(s.name)) refreshed.add(graph.nodes[refNode(ref)]!);
    for (const n of refreshed) {
      this.heldThrough.forget(n);
      // Conservative: the new calls may release or be exempt.
      this.restricted[n.index] = 1;
      this.isSink[n.index] = sinks.has(n.name) ? 1 : 0;
      this.stops[n.index] = (this.model.rule.stopAt ?? []).some((s) => s.name === n.name) ? 1 : 0;
    }
    for (const n of patch.removed) for (let b = 0; b < BODY_SLOTS; b++) this.dropBody(n.index * BODY_SLOTS + b);
    const moved = new Set<number>();
    const changed = [...refreshed, ...patch.removed].map((n) => n.index);
    for (const spec of this.specs) updateSearch(spec, this.stepsBySink.get(spec.sink)!, changed, moved);
    // Chains through moved steps are built again (their path changed); with struct field types
    // changed, any pointer hop may count other candidates, and a hop through a field whose
    // stores changed has another candidate count. A function whose facts changed keeps a chain
    // through it when its step did not move and the hops made there name the same calls
    // (hopsStand); one refreshed only because what it calls summarizes differently keeps its
    // calls and lines. Chains through functions that only moved keep their hops, whose lines
    // are read again. A chain chosen among variants is built again when a function it weighed
    // moved (pruneWeighing) or one whose other calls it tried was refreshed (which of them are
    // usable may have changed).
    const changedNodes = new Set([...refreshed, ...patch.removed]);
    const rewritten = new Set([...touched, ...patch.removed].map((n) => n.index));
    const throughField = (via: string): boolean => {
      const field = fieldOfVia(via);
      return field !== undefined && patch.fields.has(field);
    };
    // Every kept chain is asked after every edit: the tests that cannot hold are not made.
    const fieldsChanged = patch.fields.size > 0;
    const anyShifted = shifted.size > 0;
    for (const n of shifted) for (const body of n.bodies) this.movedFiles.add(body.file);
    const anyStale = patch.typesChanged || changedNodes.size > 0 || moved.size > 0 || fieldsChanged;
    const changedIndexes = new Set(changed);
    const stale = (cand: Candidate, { chain, path, refs, choice }: BuiltChain): boolean => {
      const isStale = patch.typesChanged || changedNodes.has(cand.node) || path.some((n) => moved.has(n.index))
        || !hopsStand(graph, chain, refs, rewritten)
        || (fieldsChanged && chain.hops.some((h) => throughField(h.via)))
        || choice?.tried?.some((i) => changedIndexes.has(i)) === true;
      if (!isStale && anyShifted && (shifted.has(cand.node) || path.some((n) => shifted.has(n)))) this.relined.add(cand);
      return isStale;
    };
    // Only chains touching a changed, moved or shifted function or a changed field can be
    // stale or need new lines; a change of struct types can make any chain stale.
    if (patch.typesChanged) this.built.prune(stale);
    else if (anyStale || anyShifted) this.built.pruneTouching([...[...changedNodes, ...shifted].map((n) => n.index), ...moved], patch.fields, stale);
    if (!patch.typesChanged && moved.size > 0) this.built.pruneWeighing(moved, (cand, index) => this.stepsBySink.get(cand.sink)!.costOf(index));
    for (const n of [...refreshed, ...patch.removed]) this.pointerCalls.delete(n);
    // Candidates take their first step's cost from the callee: bodies calling a moved node.
    const bodies = new Set<number>();
    for (const n of refreshed) n.bodies.forEach((_, b) => bodies.add(n.index * BODY_SLOTS + b));
    const callerBody = (ref: CallRef): void => {
      const key = bodyKeyOf(ref);
      if (this.perBody.has(key)) bodies.add(key);
    };
    for (const m of moved) {
      for (const ref of graph.directCallersOf(graph.nodes[m]!)) callerBody(ref);
      for (const group of graph.fieldCallerKeys(m)) for (const ref of graph.fieldCallersIn(group)) callerBody(ref);
    }
    for (const key of bodies) this.scanBody(graph.nodes[Math.floor(key / BODY_SLOTS)]!, key % BODY_SLOTS);
  }

  /**
   * Candidates are cheap records; chains are built only for the winners, in graph order. With
   * a judge, a winner whose path it rejects is tried again through the other functions its
   * pointer hop can reach (see chainChoice.ts).
   */
  chains(judge: ChainJudge): { chains: Chain[]; groups: readonly string[]; stats: ChainSearchStats } {
    // Direct chains are kept per first callee; chains that need a pointer hop fan out through
    // ops tables to hundreds of first callees, so only the cheapest per acquisition site and sink.
    const stats: ChainSearchStats = { pointerCallsUnresolved: 0, untypedFieldCalls: 0 };
    // In graph order (by rank, as a graph built from scratch has it).
    const winners: Candidate[] = [];
    for (const k of this.bodyOrder()) {
      const entry = this.perBody.get(k)!;
      stats.pointerCallsUnresolved += entry.pointerCalls;
      stats.untypedFieldCalls += entry.untypedFieldCalls;
      for (const w of entry.winners.values()) winners.push(w);
    }
    const won = new Set(winners);
    this.built.prune((cand) => !won.has(cand));
    const shared = new SharedHops(this.model.graph);
    const shown = winners.map((cand): ShownChain => {
      let built = this.built.get(cand);
      let fresh = false;
      let relined = this.relined.has(cand);
      if (built !== undefined && !judge.holds(built.chain, built.basis)) {
        // Code the verdict read moved: read at its new lines, the same, its choice stands.
        built = this.movedVerdict(cand, built, judge, relined);
        fresh = built !== undefined;
        relined = false;
      }
      if (built === undefined) {
        built = chooseChain({ model: this.model, steps: this.stepsBySink.get(cand.sink)!, shared, judge, usable: this.usable, targetsOf: this.targetsOf(cand.sink) }, cand);
        this.built.set(cand, built);
        fresh = true;
      } else if (relined) {
        reline(this.model.graph, cand, built, this.movedFiles);
        // Reasons quote the lines of the guards they read: judged again when those moved.
        if (judge.keepsOnMove?.(built.basis, this.movedFiles) !== true) {
          const judged = judge.judge(built.chain);
          built.verdict = judged.verdict;
          built.basis = judged.basis;
        }
        fresh = true;
      }
      // A chain and verdict that stand are given out as the same object: a live update over a
      // whole kernel would otherwise copy every chain (and collect the copies) after each edit.
      if (!fresh && built.shown !== undefined) return { built, chain: built.shown, fresh };
      return { built, chain: { ...built.chain, confidence: built.verdict.confidence, reasons: built.verdict.reasons }, fresh: true };
    });
    this.relined.clear();
    this.movedFiles.clear();
    this.targetLists.clear();
    this.shifts.length = 0;
    // Calls through local function pointers (splice actors) in functions the chains pass through.
    for (const n of this.built.functions()) {
      let count = this.pointerCalls.get(n);
      if (count === undefined) {
        count = 0;
        n.bodies.forEach((body, b) => {
          for (let c = 0; c < body.fn.callCount; c++) if (callKind(body.facts, body.fn, c) === 'pointer' && this.heldThrough.has(n, b, c)) count!++;
        });
        this.pointerCalls.set(n, count);
      }
      stats.pointerCallsUnresolved += count;
    }
    // The same chains as the last result (an edit that changed none): their order and ids stand.
    const last = this.lastShown;
    const same = last !== undefined && last.list.length === shown.length && shown.every((s) => !s.fresh && last.members.has(s.chain));
    if (!same) {
      const list = assignIds(shown, last?.list);
      const builtOf = new Map(shown.map((s) => [s.built.shown!, s.built]));
      const rule = this.model.rule.id;
      this.lastShown = { list, members: new Set(list), groups: list.map((c) => hookPointKey(rule, builtOf.get(c)!)) };
    }
    return { chains: [...this.lastShown!.list], groups: this.lastShown!.groups, stats };
  }

  /** One array per sink and call: what it weighs is told by that sink's costs (BuiltChains.pruneWeighing). */
  private targetsOf(sink: string): ChoiceReads['targetsOf'] {
    let lists = this.targetLists.get(sink);
    if (lists === undefined) this.targetLists.set(sink, lists = new Map());
    const bySink = lists;
    return (ref, targets) => {
      let list = bySink.get(ref);
      if (list === undefined) {
        // An indexed loop: Int32Array.from() with a map function goes through the iterator
        // protocol, 3-4 ms per update for the hundreds of targets of ->read_iter calls.
        list = new Int32Array(targets.length);
        for (let i = 0; i < targets.length; i++) list[i] = targets[i]!.node.index;
        bySink.set(ref, list);
      }
      return list;
    };
  }

  /**
   * A kept chain whose verdict no longer holds as it was, after code moved: when what the
   * verdict read (its own and that of every variant tried for it) moved with the code and reads
   * the same at the new lines, the choice among the variants stands. The chain gets its new
   * lines (`relined`: its own code moved) and is judged again for the lines its reasons quote;
   * a verdict that says otherwise now (it should not) leaves the chain to be built anew.
   */
  private movedVerdict(cand: Candidate, built: BuiltChain, judge: ChainJudge, relined: boolean): BuiltChain | undefined {
    // Most edits move no function by whole lines: nothing to read elsewhere, and holds() again would say no again.
    if (!this.shifts.some((s) => s.spans.length > 0) || judge.shiftedBasis === undefined) return undefined;
    const basis = judge.shiftedBasis(built.basis, this.shifts);
    if (basis === undefined || !judge.holds(built.chain, basis)) return undefined;
    if (relined) reline(this.model.graph, cand, built, this.movedFiles);
    const judged = judge.judge(built.chain);
    if (judged.verdict.confidence !== built.verdict.confidence) return undefined;
    built.verdict = judged.verdict;
    built.basis = {
      facts: judged.basis.facts,
      reads: new Map([...basis.reads, ...judged.basis.reads]),
      definitions: new Map([...basis.definitions, ...judged.basis.definitions]),
    };
    return built;
  }

  /**
   * perBody's keys in graph order: sorted again when a key came or went, or when ranks moved
   * (a file inserted, a function's first body changed) and the kept order is no longer sorted.
   */
  private bodyOrder(): readonly number[] {
    const { ranks } = this.model.graph;
    const order = (k: number): number => ranks[Math.floor(k / BODY_SLOTS)]! * BODY_SLOTS + (k % BODY_SLOTS);
    const kept = this.order;
    if (kept !== undefined && kept.every((k, i) => i === 0 || order(kept[i - 1]!) < order(k))) return kept;
    this.order = [...this.perBody.keys()].sort((a, b) => order(a) - order(b));
    return this.order;
  }

  private dropBody(key: number): void {
    if (this.perBody.delete(key)) this.order = undefined;
  }

  private scanBody(node: FunctionNode, b: number): void {
    const key = node.index * BODY_SLOTS + b;
    const before = this.perBody.get(key);
    const had = this.perBody.delete(key);
    this.findCandidates(node, b, key, before?.winners);
    if (had !== this.perBody.has(key)) this.order = undefined;
  }

  /**
   * Sets the body's candidates at `key` of perBody, when it acquires. A candidate equal to one
   * of `before` (the body's last ones) is that one: the chain built for it stands unless the
   * update found it stale. A body is scanned again whenever a function it calls moved towards a
   * sink, which most of its candidates do not take.
   */
  private findCandidates(node: FunctionNode, b: number, key: number, before?: ReadonlyMap<string, Candidate>): void {
    const { model } = this;
    const { graph, sinks } = model;
    if (sinks.has(node.name) || model.primitiveAcquire.has(node.name)) return;
    const body = node.bodies[b]!;
    const effectOf = (i: number) => model.effect(body, i);
    if (!someCall(body, (i) => effectOf(i)?.acquire !== undefined)) return;
    const fact = graph.detail(body);
    if (fact === undefined) return;
    const flow = traceHolds(fact, effectOf, false);
    if (flow.truncated) model.truncated.add(functionLabel(body.file, body.fn));
    const entry: BodyCandidates = { node, body: b, winners: new Map(), pointerCalls: 0, untypedFieldCalls: 0 };
    const best = new Map<string, Candidate>();
    flow.heldBy.forEach((holders, c) => {
      if (holders === undefined) return;
      const call = graph.call(body, c);
      for (const acq of holders) {
        if (acq === ENTRY || acq < 0) continue;
        if (call.kind === 'pointer') entry.pointerCalls++;
        if (graph.isUntypedField(call)) entry.untypedFieldCalls++;
        for (const sink of sinks) {
          const first = firstStep(model, node, b, body, c, call, sink, this.stepsBySink.get(sink)!);
          if (first === undefined) continue;
          const direct = first.cost < POINTER_COST;
          const firstCallee = first.target?.name ?? sink;
          const k = direct ? `d${node.index}:${b}:${acq}:${sink}:${firstCallee}` : `i${node.index}:${b}:${acq}:${sink}`;
          const candidate: Candidate = { node, body, acq, first, sink, cost: first.cost, line: call.line };
          const prev = best.get(k);
          // Equal candidates keep the first.
          if (prev === undefined || candidate.cost < prev.cost || (candidate.cost === prev.cost && candidate.line < prev.line)) best.set(k, candidate);
        }
      }
    });
    if (before !== undefined) {
      for (const [k, cand] of best) {
        const was = before.get(k);
        if (was !== undefined && sameCandidate(was, cand)) best.set(k, was);
      }
    }
    entry.winners = best;
    this.perBody.set(key, entry);
  }
}


function sameCandidate(a: Candidate, b: Candidate): boolean {
  return a.node === b.node && a.body === b.body && a.acq === b.acq && a.sink === b.sink && a.cost === b.cost && a.line === b.line
    && a.first.ref === b.first.ref && a.first.target === b.first.target && a.first.cost === b.first.cost;
}

/** The cheapest way from held call `callIndex` towards `sink`, without building the chain. */
function firstStep(
  model: RuleModel, node: FunctionNode, bodyIndex: number, body: FunctionBody, callIndex: number,
  call: CallHead, sink: string, steps: SinkPaths,
): Step | undefined {
  if (model.exempt(body, callIndex) || isGuarded(model, node, body, callIndex)) return undefined;
  const ref = packRef(node.index, bodyIndex, callIndex);
  if (call.kind === 'direct' && call.callee === sink) return { ref, target: undefined, cost: DIRECT_COST };
  if (call.kind === 'direct' && model.sinks.has(call.callee)) return undefined;
  let first: Step | undefined;
  let firstOption: StepOption | undefined;
  for (const t of model.graph.resolveCall(body.file, call)) {
    const rest = steps.costOf(t.node.index);
    if (steps.targetOf(t.node.index) === undefined) continue;
    // Ties as the searches break them: not by the order targets happen to resolve in.
    const option: StepOption = [rest + (t.via === 'direct' ? DIRECT_COST : POINTER_COST), rest, t.node.index, ref];
    if (firstOption === undefined || comesFirst(model.graph.ranks, option, firstOption)) {
      first = { ref, target: t.node, cost: option[0] };
      firstOption = option;
    }
  }
  return first;
}

/**
 * Do the chain's hops made in `rewritten` functions (by index) still make the calls they were
 * built from, to the same functions? A function whose facts were read anew (an edit elsewhere
 * in it, or its file read from the tree instead of tokens) often keeps them all, and its step
 * towards the sink, so the chain through it stands.
 */
function hopsStand(graph: CallGraph, chain: FoundChain, refs: readonly number[], rewritten: ReadonlySet<number>): boolean {
  return chain.hops.every((hop, i) => {
    const ref = refs[i]!;
    if (!rewritten.has(refNode(ref))) return true;
    const at = unpackRef(ref);
    const node = graph.nodes[at.node];
    const body = node?.bodies[at.body];
    if (node === undefined || body === undefined || at.call >= body.fn.callCount) return false;
    const next = refs[i + 1];
    const target = next === undefined ? undefined : graph.nodes[refNode(next)];
    return sameHop(hopOf(graph, node, body, graph.call(body, at.call), target, chain.sink), hop);
  });
}

function sameHop(a: ChainHop, b: ChainHop): boolean {
  return a.caller === b.caller && a.callee === b.callee && a.file === b.file && a.line === b.line && a.column === b.column
    && a.via === b.via && a.candidates === b.candidates && a.structType === b.structType;
}

/**
 * What a chain shares with the chains that differ from it only in the sink their last function
 * calls (see chains/hookPoints.ts): its acquisition and its call sites but the last, and the
 * function making the last call. Call refs, not lines, so that it stands while code moves.
 */
function hookPointKey(rule: string, built: BuiltChain): string {
  if (built.hookPoint === undefined) {
    const { refs, acquisition } = built;
    const last = refs.length - 1;
    let key = `${rule}|${acquisition}|`;
    for (let i = 0; i < last; i++) key += `${refs[i]},`;
    built.hookPoint = `${key}|${refNode(refs[last]!)}`;
  }
  return built.hookPoint;
}

/**
 * A kept chain whose functions only moved: the same calls at new lines. Its acquisition and hops
 * take their lines and columns from the current facts, as new objects: earlier results share
 * the old ones. Only hops made in `movedFiles` (those of the functions that moved) can have
 * moved: an edit near the top of fs/read_write.c relines 1,400 chains, most of whose hops lie
 * in other files.
 */
function reline(graph: CallGraph, cand: Candidate, built: BuiltChain, movedFiles: ReadonlySet<string>): void {
  const { chain, refs } = built;
  const acq = graph.call(cand.body, cand.acq);
  chain.acquire = { ...chain.acquire, line: acq.line, column: acq.column };
  chain.hops = chain.hops.map((h, i) => {
    if (!movedFiles.has(h.file)) return h;
    const { call } = graph.callAt(refs[i]!);
    return call.line === h.line && call.column === h.column ? h : { ...h, line: call.line, column: call.column };
  });
}

/**
 * Nodes with a call that may release the hold, that the rule may exempt or that it says is
 * guarded: the only ones whose calls need checking before a path uses them. Marked by callee
 * name, a superset of all three.
 */
function mayRestrict(model: RuleModel): Uint8Array {
  const { graph } = model;
  const names = new Set<string>([
    ...model.primitiveRelease, ...(model.rule.exempt ?? []).map((e) => e.callee), ...(model.rule.guards ?? []).map((g) => g.callee),
  ]);
  for (const [index, summary] of model.summaries) if (summary.release !== undefined) names.add(graph.nodes[index]!.name);
  const marks = new Uint8Array(graph.capacity);
  for (const name of names) for (const ref of graph.directCallsTo(name)) marks[refNode(ref)] = 1;
  return marks;
}

/** Is call `call` of the body one the rule says the held context never reaches? */
function isGuarded(model: RuleModel, node: FunctionNode, body: FunctionBody, call: number): boolean {
  const guards = model.rule.guards;
  if (guards === undefined || guards.length === 0) return false;
  const head = model.graph.call(body, call);
  return guards.some((g) => g.caller === node.name && g.callee === head.callee);
}
