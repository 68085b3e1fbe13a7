// Choosing a candidate's chain: built along its cheapest path and judged; when the judge rejects
// it, variants through other targets of its pointer hops and other calls of the functions before
// are built and judged in turn, and the first it accepts is kept, with what the choice read.
import type { CallRef } from '../graph/callRefs';
import type { FunctionBody, FunctionNode } from '../graph/functionNodes';
import { packRef, refNode, unpackRef } from '../graph/callRefs';
import type { SinkPaths, Step } from './reverseSearch';
import { CALL_SITE_REASONS, type ChainHop, type ChainReason, type FoundChain } from '../model/chain';
import type { LineShift } from '../model/lineShift';
import type { BuiltChain, Verdict, VerdictBasis } from './builtChains';
import { hopOf, type SharedHop, type SharedHops } from './chainHops';
import type { RuleModel } from '../rules/summaries';

/** A winning candidate: an acquiring call and the first step of its cheapest way to the sink. */
export interface Candidate {
  node: FunctionNode;
  body: FunctionBody;
  acq: number;
  first: Step;
  sink: string;
  cost: number;
  line: number;
}

/**
 * How sure a chain is, and why (chains/confidence.ts and the checks composeResult adds). A
 * reason that lowers it names the first hop that does not hold (-1: the acquisition).
 */
export interface ChainJudge {
  judge(chain: FoundChain): { verdict: Verdict; basis: VerdictBasis };
  /** The only callees hop `hop` can pass with, when the judge knows them (a notifier list's blocks). */
  targetsAt?(chain: FoundChain, hop: number): ReadonlySet<string> | undefined;
  /**
   * For trying other callees at hop `at` of `chain`: whether the judge rejects any chain whose
   * hops up to `at` are the chain's, with `hop` at `at`, whatever follows. The hops before `at`
   * are read once; a variant rejected there is neither built nor judged.
   */
  rejectsAt?(chain: FoundChain, at: number): (hop: ChainHop) => boolean;
  /** Does a verdict given on this chain before still hold: is what it rested on unchanged? */
  holds(chain: FoundChain, basis: VerdictBasis): boolean;
  /**
   * Does a verdict that holds (see holds) still hold word for word when code in `files` only
   * moved to other lines: are the lines it quotes where they were?
   */
  keepsOnMove?(basis: VerdictBasis, files: ReadonlySet<string>): boolean;
  /** What a basis read, at the lines `shifts` moved it to; undefined when that cannot be said. */
  shiftedBasis?(basis: VerdictBasis, shifts: readonly LineShift[]): VerdictBasis | undefined;
}

/** What choosing reads of the search: the same for every candidate of one sink and result. */
export interface ChoiceContext {
  model: RuleModel;
  steps: SinkPaths;
  shared: SharedHops;
  judge: ChainJudge;
  /** Whether a call may start another route (held through, neither exempt nor guarded). */
  usable: (ref: CallRef) => boolean;
  targetsOf: ChoiceReads['targetsOf'];
}

/**
 * What choosing a chain among its variants read besides their paths: the functions whose ways
 * to the sink it weighed (one by one, or as the targets a call resolves to, shared by every
 * chain tried through that call) and the functions whose other calls it tried.
 */
export interface ChoiceReads {
  weighed: Set<number>;
  /**
   * Each call's targets with the cost up to which a target that was not tried would be tried
   * before the choice made (Infinity: any newcomer would be; the targets tried are in `weighed`).
   */
  lists: Map<Int32Array, number>;
  tried: Set<number>;
  /** The targets of the call at `ref`, as indexes: one array per call and result. */
  targetsOf(ref: CallRef, targets: readonly { node: FunctionNode }[]): Int32Array;
}

/** The first reason a verdict rejects the chain for, if it does. */
function rejection(verdict: Verdict): ChainReason | undefined {
  return verdict.reasons.find((r) => r.lowers);
}

/** Other functions a rejected pointer hop is tried with, cheapest first. */
const ALTERNATIVES_PER_HOP = 32;
/** Other calls tried per function, and in all, when a guard rules out the way a function takes. */
const ROUTES_PER_HOP = 4;
const ROUTES_PER_CHAIN = 16;
/**
 * Reasons that rule out the call a function makes, not the function: another of its calls may
 * lead on. A notifier list without the block is such a call too (the list was chosen before it).
 */
const ROUTE_REASONS: ReadonlySet<ChainReason['kind']> = new Set(['constant-guard', 'object-kind', 'repeated-call', 'foreign-notifier']);

/**
 * The cheapest path is found per function, whatever object the code works on, so its pointer
 * hop may land in a filesystem the object cannot belong to while another candidate of the same
 * call leads on to the sink as well. When the judge rejects the chain, the last pointer hop at
 * or before the rejected one is tried with each other candidate that reaches the sink. When a
 * guard rules out the call a function makes (gfs2_create() passes a NULL file), the functions
 * before it are tried with their other calls that lead to the sink (lookup_open() also calls
 * atomic_open()), each with its own pointer alternatives.
 */
export function chooseChain(context: ChoiceContext, cand: Candidate): BuiltChain {
  return new ChainChoice(context, cand).choose();
}

class ChainChoice {
  // The choice rests on the verdicts of every variant tried, so the kept one's basis holds them all.
  private readonly reads = new Map<string, string>();
  private readonly definitions = new Map<string, string>();
  // So does it rest on the paths of every function it weighed and the calls of every function it
  // tried other routes through: a live update asks these again (see ChainSearch.update).
  private readonly read: ChoiceReads;

  constructor(private readonly context: ChoiceContext, private readonly cand: Candidate) {
    this.read = { weighed: new Set(), lists: new Map(), tried: new Set(), targetsOf: context.targetsOf };
  }

  choose(): BuiltChain {
    const { model, steps, usable } = this.context;
    const { cand, read } = this;
    const built = this.make([])!;
    const reason = rejection(built.verdict);
    if (reason === undefined || reason.hop < 0) return this.chosen(built);
    const retargeted = this.otherTargets(built, reason, []);
    if (retargeted !== undefined) return this.chosen(retargeted);
    if (!ROUTE_REASONS.has(reason.kind)) return this.chosen(built);
    const { graph } = model;
    let budget = ROUTES_PER_CHAIN;
    // The acquiring function's other calls are candidates of their own.
    for (let at = Math.min(reason.hop, built.chain.hops.length - 1); at >= 1 && budget > 0; at--) {
      const taken = unpackRef(built.refs[at]!);
      const { node, body } = graph.callAt(built.refs[at]!);
      read.tried.add(node.index);
      const routes: { ref: CallRef; target: FunctionNode | undefined; cost: number }[] = [];
      for (let c = 0; c < body.fn.callCount; c++) {
        const ref = packRef(taken.node, taken.body, c);
        if (c === taken.call || !usable(ref)) continue;
        const targets = graph.resolveCall(body.file, graph.call(body, c));
        // Another route coming in anywhere can take the budget of the routes after it: any target counts.
        this.noteTargets(read.targetsOf(ref, targets), Infinity);
        for (const t of targets) {
          if (t.node.name === cand.sink) routes.push({ ref, target: undefined, cost: 0 });
          else if (steps.targetOf(t.node.index) !== undefined && t.node !== node) routes.push({ ref, target: t.node, cost: steps.costOf(t.node.index) });
        }
      }
      routes.sort((a, b) => a.cost - b.cost || a.ref - b.ref);
      for (const route of routes.slice(0, Math.min(budget, ROUTES_PER_HOP))) {
        budget--;
        const overrides = [{ at, ref: route.ref, target: route.target }];
        const variant = this.make(overrides, built);
        if (variant === undefined) continue;
        const why = rejection(variant.verdict);
        if (why === undefined) return this.chosen(variant);
        const further = why.hop > at ? this.otherTargets(variant, why, overrides) : undefined;
        if (further !== undefined) return this.chosen(further);
      }
    }
    return this.chosen(built);
  }

  /** `parent`: the chain the variant differs from only at and after its last override. */
  private make(overrides: readonly HopOverride[], parent?: BuiltChain): BuiltChain | undefined {
    const { cand, reads, definitions } = this;
    const path = new Set<FunctionNode>();
    const refs: number[] = [];
    const chain = buildChain(this.context, cand, path, refs, overrides, parent);
    for (const n of path) this.read.weighed.add(n.index);
    // An alternative's own path may lead back through the hop (evict -> iput -> evict): no chain.
    if (overrides.length > 0 && (chain.hops.at(-1)?.callee !== cand.sink || new Set(chain.hops.map((h) => h.caller)).size !== chain.hops.length)) return undefined;
    const { verdict, basis } = this.context.judge.judge(chain);
    for (const [key, read] of basis.reads) reads.set(key, read);
    for (const [key, found] of basis.definitions) definitions.set(key, found);
    // Every field present from the start: kept chains are walked after every live edit, and
    // fields added later would give them a dozen shapes.
    return {
      chain, verdict, basis: { facts: basis.facts, reads, definitions }, path: [...path], refs, acquisition: cand.acq,
      choice: undefined, shown: undefined, idBase: undefined, hookPoint: undefined,
    };
  }

  /** The kept chain, with what choosing it weighed beside its own path. */
  private chosen(built: BuiltChain): BuiltChain {
    const { weighed, lists, tried } = this.read;
    for (const n of built.path) weighed.delete(n.index);
    weighed.delete(this.cand.node.index);
    if (weighed.size === 0 && lists.size === 0 && tried.size === 0) return built;
    built.choice = {
      ...(weighed.size > 0 ? { functions: Int32Array.from(weighed) } : {}),
      ...(lists.size > 0 ? { targets: [...lists].map(([targets, below]) => ({ targets, below })) } : {}),
      ...(tried.size > 0 ? { tried: Int32Array.from(tried) } : {}),
    };
    return built;
  }

  /**
   * The first variant the judge accepts of `built`, rejected for `reason`, with the last pointer
   * hop at or before the rejected one (and after the overridden ones) going to another target.
   */
  private otherTargets(built: BuiltChain, reason: ChainReason, overrides: readonly HopOverride[]): BuiltChain | undefined {
    const { model, steps, shared, judge } = this.context;
    const floor = overrides.reduce((m, o) => Math.max(m, o.at), -1);
    let at = Math.min(reason.hop, built.chain.hops.length - 1);
    while (at > floor && built.chain.hops[at]!.via === 'direct') at--;
    // A call whose struct type rules it out rules out every other target too.
    if (at <= floor || (at === reason.hop && CALL_SITE_REASONS.has(reason.kind))) return undefined;
    const { graph } = model;
    const { node, body, call } = graph.callAt(built.refs[at]!);
    const taken = built.chain.hops[at]!.callee;
    const allowed = judge.targetsAt?.(built.chain, at);
    const resolved = graph.resolveCall(body.file, call);
    const list = this.read.targetsOf(built.refs[at]!, resolved);
    const others = shared.onward(steps, built.refs[at]!, resolved)
      .filter((t) => t.node.name !== taken && (allowed === undefined || allowed.has(t.node.name)))
      .slice(0, ALTERNATIVES_PER_HOP);
    const rejects = others.length === 0 ? undefined : judge.rejectsAt?.(built.chain, at);
    for (const t of others) {
      // Rejected at the hop itself: the variant could only be possible, which is not taken.
      if (rejects?.(hopOf(graph, node, body, call, t.node, built.chain.sink)) === true) continue;
      const variant = this.make([...overrides, { at, target: t.node }], built);
      if (variant?.verdict.confidence === 'likely') {
        this.noteTargets(list, steps.costOf(t.node.index));
        return variant;
      }
    }
    // Every target was tried: one coming in would be too, unless the cap keeps it out.
    this.noteTargets(list, others.length < ALTERNATIVES_PER_HOP ? Infinity : steps.costOf(others.at(-1)!.node.index));
    return undefined;
  }

  /** The targets of a call the choice was made through, up to cost `below` (the highest noted stands). */
  private noteTargets(targets: Int32Array, below: number): void {
    const { lists } = this.read;
    lists.set(targets, Math.max(below, lists.get(targets) ?? -Infinity));
  }
}

/** Hop `at` goes to `target` instead of the step's own target, through call `ref` when given. */
interface HopOverride {
  at: number;
  ref?: CallRef;
  target: FunctionNode | undefined;
}

/**
 * `onPaths` and `refs` get the functions the chain passes through and its hops' call sites.
 * A hop its steps take from a function is the one every chain of the result makes there
 * (`shared`); before its last override, it makes the hops of `parent`, when given (a chain
 * differing only from there on).
 */
function buildChain(
  { model, steps, shared }: ChoiceContext, cand: Candidate, onPaths: Set<FunctionNode>, refs: number[], overrides: readonly HopOverride[], parent?: BuiltChain,
): FoundChain {
  const { graph } = model;
  const { node, body, acq, sink } = cand;
  const acqCall = graph.call(body, acq);
  const hops: ChainHop[] = [];
  const lastOverride = overrides.reduce((m, o) => Math.max(m, o.at), -1);
  let step: Step | undefined = cand.first;
  /** The function whose step `step` is (-1: the acquiring call's, or an override's). */
  let from = -1;
  const visited = new Set<number>();
  if (parent !== undefined && lastOverride > 0) {
    // Its steps up to there: each hop goes to the function making the next one.
    for (let i = 0; i < lastOverride; i++) {
      const ref = parent.refs[i]!;
      const caller = graph.nodes[refNode(ref)]!;
      if (caller !== node) onPaths.add(caller);
      refs.push(ref);
      hops.push(parent.chain.hops[i]!);
      visited.add(refNode(parent.refs[i + 1]!));
    }
    step = { ref: parent.refs[lastOverride]!, target: undefined, cost: 0 };
  }
  while (step !== undefined) {
    const override = overrides.find((o) => o.at === hops.length);
    if (override !== undefined) {
      step = { ...step, ref: override.ref ?? step.ref, target: override.target };
      from = -1;
    }
    let made: SharedHop;
    if (from >= 0) made = shared.of(steps, sink, from);
    else {
      const at = graph.callAt(step.ref);
      made = { hop: hopOf(graph, at.node, at.body, at.call, step.target, sink), caller: at.node };
    }
    if (made.caller !== node) onPaths.add(made.caller);
    refs.push(step.ref);
    hops.push(made.hop);
    if (step.target === undefined || visited.has(step.target.index)) break;
    from = step.target.index;
    visited.add(from);
    step = steps.get(from);
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

