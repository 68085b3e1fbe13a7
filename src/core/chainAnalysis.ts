// Everything after the index: the call graph, the rule models and the chain searches over
// packed facts, and the ScanResult they make. Shared by the one-shot scan and the live analysis.
import { createHash } from 'node:crypto';
import { assessChain, ChainReading, DispatchReader, dispatchFacts, type Assessment } from './chains/confidence';
import type { ChainJudge } from './chains/chainChoice';
import { ChainSearch } from './chains/chainSearch';
import { constantGuardReason } from './chains/constantArgs';
import { exportFlagReason } from './chains/exportFlags';
import { knownCallers } from './chains/knownCallers';
import { objectKindReason } from './chains/objectKinds';
import { repeatedCallReason } from './chains/repeatedCalls';
import type { CallSiteReader, Definition, DefinitionLookup, ReadTracking } from './model/callSites';
import { mergeHookPoints } from './chains/hookPoints';
import { shiftedLine, type LineShift } from './model/lineShift';
import { NotifierJudge, type WalkedLists } from './chains/notifierDispatch';
import { KeptNotifierLists } from './graph/notifierLists';
import { CallGraph, type DetailSource } from './graph/callGraph';
import type { PointerPolicy } from './graph/fieldIndex';
import { BODY_SLOTS, CALL_BITS } from './graph/callRefs';
import { definingBody, FUNCTIONS_PER_FILE, type GraphLimit, type LeftOut } from './graph/functionNodes';
import type { Chain, FoundChain, ScanResult, SkippedFile } from './model/chain';
import { sameItems } from './model/sameItems';
import { NOTE_CONSEQUENCES, type NoteCounts } from './model/noteCounts';
import type { NotifierKnowledge } from './model/ruleSpec';
import { CALL_STRIDE, type PackedFileFacts } from './model/packedFacts';
import { deriveExemptions, type ExemptionVerdict } from './rules/derivedExemptions';
import type { ExemptionInputs, ExemptionSources } from './rules/exemptionInputs';
import { buildRuleModel, type RuleModel } from './rules/summaries';
import type { RuleSpec } from './rules/ruleSpec';
import { LOCKPATH_VERSION } from './version';

export type ProgressPhase = 'walk' | 'parse' | 'graph' | 'rules' | 'chains';
export type ProgressListener = (phase: ProgressPhase, done: number, total: number) => void;

export interface ChainAnalysis {
  graph: CallGraph;
  models: RuleModel[];
  /** One per rule, in rule order. */
  searches: ChainSearch[];
  /** Per rule, what the tree says of each candidate exemption (the models hold those that hold). */
  exemptions: ExemptionVerdict[][];
  /** Per rule, what deciding its exemptions read of the tree (none when taken on the rule's word). */
  exemptionInputs: (ExemptionInputs | undefined)[];
  /** Notifier lists read by an earlier result of this graph, given out again while unchanged (composeResult). */
  notifierLists?: KeptNotifierLists;
  /** Verdict facts keys made for earlier results of this graph (composeResult). */
  factsKeys?: FactsKeys;
  /** Which lists each kept chain's hops walk, per rule's notifier specs (NotifierJudge): a chain's hops stay while it is kept. */
  walkedLists?: WeakMap<readonly NotifierKnowledge[], WalkedLists>;
  /** The chains the last result merged by hook point, and what it made of them (composeResult). */
  merged?: { found: readonly Chain[]; chains: readonly Chain[] };
}

/**
 * The facts keys of verdicts (see composeResult), kept while the tree-wide facts say the same:
 * per acquiring function while the calls naming it are those the key was made from, then per
 * notifier lists' key.
 */
interface FactsKeys {
  graph: CallGraph;
  facts: string;
  byFunction: Map<string, { callsVersion: number; byLists: Map<string, string> }>;
}

/** The call graph of the facts: built first, so that a call-site reader can place functions in it. */
export function buildGraph(files: readonly PackedFileFacts[], detail: DetailSource, pointers: PointerPolicy, signal?: AbortSignal, onProgress?: ProgressListener): CallGraph {
  signal?.throwIfAborted();
  onProgress?.('graph', 0, 0);
  return new CallGraph(files, pointers, detail);
}

/**
 * Searches the chains over the graph: per rule its model, and the reverse search from its
 * sinks (chains are assessed and built as composeResult asks). Exemptions are read from the
 * source through `callSites` (which should place functions in this graph, see functionSpans:
 * it then parses the functions it reads, not their files); without it they are taken on the
 * rules' word.
 */
export function searchChains(graph: CallGraph, rules: readonly RuleSpec[], signal?: AbortSignal, onProgress?: ProgressListener, callSites?: CallSiteReader): ChainAnalysis {
  const models: RuleModel[] = [];
  const searches: ChainSearch[] = [];
  const exemptions: ExemptionVerdict[][] = [];
  const exemptionInputs: (ExemptionInputs | undefined)[] = [];
  rules.forEach((rule, i) => {
    signal?.throwIfAborted();
    onProgress?.('rules', i, rules.length);
    const derived = deriveExemptions(rule, exemptionSources(graph, callSites));
    exemptions.push(derived.verdicts);
    exemptionInputs.push(derived.inputs);
    const model = buildRuleModel(graph, derived.rule);
    models.push(model);
    onProgress?.('chains', i, rules.length);
    searches.push(new ChainSearch(model, signal));
  });
  return { graph, models, searches, exemptions, exemptionInputs };
}

/**
 * Where exemptions are read from: the source, and every body a name may be (each `#ifdef` arm is
 * one). Called from nowhere in particular (a candidate of the rule), a name is every function so named.
 */
export function exemptionSources(graph: CallGraph, callSites: CallSiteReader | undefined): ExemptionSources | undefined {
  if (callSites === undefined) return undefined;
  return {
    reader: callSites,
    definitions: (file, name) => (file === '' ? graph.nodesNamed(name) : graph.resolveName(file, name))
      .flatMap((node) => node.bodies.map((b) => ({ file: b.file, line: b.fn.startLine }))),
    called: (name) => graph.directCallsTo(name).length > 0,
  };
}

/** What a result says besides the chains: where the facts came from and what went wrong. */
export interface ResultInputs {
  root: string;
  rules: readonly RuleSpec[];
  files: readonly PackedFileFacts[];
  skipped: SkippedFile[];
  /** Messages for the user, with how often each came up. */
  notes: NoteCounts;
  cachedFiles: number;
  /** performance.now() when the work began. */
  started: number;
  /** The source's call sites, to check constant arguments against guards; unchecked without. */
  callSites?: CallSiteReader & ReadTracking;
  /** fileTotals(files), when the caller keeps it up to date (a live analysis, after each edit). */
  totals?: FileTotals;
}

/** What the stats of a result count over the files. */
export interface FileTotals {
  functions: number;
  callSites: number;
  filesWithErrors: number;
  bracelessFiles: number;
  tokenReadFiles: number;
}

export function fileTotals(files: readonly PackedFileFacts[]): FileTotals {
  const totals: FileTotals = { functions: 0, callSites: 0, filesWithErrors: 0, bracelessFiles: 0, tokenReadFiles: 0 };
  for (const f of files) countFile(totals, f, 1);
  return totals;
}

/** Adds (`sign` 1) or takes away (-1) one file's share of the totals. */
export function countFile(totals: FileTotals, f: PackedFileFacts, sign: 1 | -1): void {
  totals.functions += sign * f.functions.length;
  totals.callSites += sign * (f.calls.length / CALL_STRIDE);
  if (f.errorNodes > 0) totals.filesWithErrors += sign;
  if (f.braceless === true) totals.bracelessFiles += sign;
  else if (f.reader === 'tokens') totals.tokenReadFiles += sign;
}

/** Where a called function is defined, as the graph resolves the name from the calling file. */
function definitions(graph: CallGraph): DefinitionLookup {
  return (file, name) => {
    const body = definingBody(graph.resolveName(file, name)[0]);
    return body === undefined ? undefined : { file: body.file, line: body.fn.startLine };
  };
}

function definedAt(def: Definition | undefined): string {
  return def === undefined ? '' : `${def.file}:${def.line}`;
}

/** Definitions found (`file:line`, see definedAt) at the lines `shifts` moved them to. */
function shiftedDefinitions(found: ReadonlyMap<string, string>, shifts: readonly LineShift[]): ReadonlyMap<string, string> {
  const moved = new Map<string, string>();
  for (const [key, at] of found) {
    const sep = at.lastIndexOf(':');
    const line = sep < 0 ? undefined : shiftedLine(shifts, at.slice(0, sep), Number(at.slice(sep + 1)));
    moved.set(key, line === undefined ? at : `${at.slice(0, sep)}:${line}`);
  }
  return moved;
}

/**
 * Are the functions a judge looked up still defined where it found them? `now` memoizes the
 * answers by `file\0name` for one result: every kept chain asks again at every live update.
 */
function sameDefinitions(found: ReadonlyMap<string, string>, definitionOf: DefinitionLookup, now: Map<string, string>): boolean {
  for (const [key, at] of found) {
    let current = now.get(key);
    if (current === undefined) {
      const sep = key.indexOf('\0');
      current = definedAt(definitionOf(key.slice(0, sep), key.slice(sep + 1)));
      now.set(key, current);
    }
    if (current !== at) return false;
  }
  return true;
}

/** Which lists each chain's hops walk, as judges of the analysis's earlier results with `specs` found. */
function walkedLists(analysis: ChainAnalysis, specs: readonly NotifierKnowledge[]): WalkedLists {
  analysis.walkedLists ??= new WeakMap();
  let walked = analysis.walkedLists.get(specs);
  if (walked === undefined) analysis.walkedLists.set(specs, walked = new WeakMap());
  return walked;
}

/** The analysis's kept notifier lists, read through `reader` (made on first use, and anew for another reader). */
function keptLists(analysis: ChainAnalysis, reader: CallSiteReader & ReadTracking): KeptNotifierLists {
  if (analysis.notifierLists?.reader !== reader || analysis.notifierLists.graph !== analysis.graph) analysis.notifierLists = new KeptNotifierLists(analysis.graph, reader);
  return analysis.notifierLists;
}

export function composeResult(analysis: ChainAnalysis, inputs: ResultInputs): ScanResult {
  const { graph, models } = analysis;
  const assessed: Chain[] = [];
  /** What each chain shares with those it merges with (mergeHookPoints). */
  const groups: string[] = [];
  let unresolvedPointerCalls = 0;
  let untypedFieldCalls = 0;
  const facts = dispatchFacts(graph);
  const reader = inputs.callSites;
  const definitionOf = definitions(graph);
  const callersOf = reader === undefined ? undefined : knownCallers(graph, reader);
  const definedNow = new Map<string, string>();
  let factsKeys = analysis.factsKeys;
  if (factsKeys?.graph !== graph || factsKeys.facts !== facts.key) analysis.factsKeys = factsKeys = { graph, facts: facts.key, byFunction: new Map() };
  for (const search of analysis.searches) {
    const rule = search.model.rule;
    const notifierSpecs = rule.dispatch?.notifiers ?? [];
    // Lists are read from the source: without a reader, notifier hops stay type-only guesses.
    const notifiers = reader === undefined || notifierSpecs.length === 0 ? undefined : new NotifierJudge(graph, reader, notifierSpecs, keptLists(analysis, reader), walkedLists(analysis, notifierSpecs));
    const dispatch = new DispatchReader(rule, facts, notifiers);
    const assess = (chain: FoundChain, definitionOf: DefinitionLookup): Assessment => {
      const assessment = assessChain(chain, dispatch);
      // Parsing is dear: only chains that would be shown by default are read again.
      if (assessment.confidence !== 'likely' || reader === undefined) return assessment;
      const ruledOut = constantGuardReason(chain, reader, definitionOf)
        ?? objectKindReason(chain, reader, rule.objectScopes ?? [], callersOf)
        ?? repeatedCallReason(chain, reader, rule.repeatedCalls ?? [])
        ?? (rule.perSuperblock === true ? exportFlagReason(chain, reader, facts) : undefined);
      return ruledOut === undefined ? assessment : { confidence: 'possible', reasons: [...assessment.reasons, ruledOut] };
    };
    // Besides its path and the source it read, a verdict rests on the tree-wide sets and on
    // who calls the acquiring function (library code called only from filesystems).
    // Asked again of every kept chain at every live update: one digest per acquiring function
    // and notifier lists, where a string naming every caller file, made per chain, was most of
    // an update's garbage on a whole kernel (hundreds of MiB over a few edits).
    // By function, then lists (no key joining the two: the lists' key can run to many KiB),
    // kept for the next result while the calls naming the function stay.
    const factsKey = (chain: FoundChain): string => {
      const lists = notifiers?.key(chain) ?? '';
      const fn = chain.acquire.function;
      const callsVersion = graph.directCallsVersion(fn);
      let entry = factsKeys.byFunction.get(fn);
      if (entry === undefined || entry.callsVersion !== callsVersion) factsKeys.byFunction.set(fn, entry = { callsVersion, byLists: new Map() });
      const { byLists } = entry;
      let key = byLists.get(lists);
      if (key === undefined) {
        key = createHash('sha1').update(`${facts.key}\n${facts.callerFiles(fn).join(',')}\n${lists}`).digest('base64');
        byLists.set(lists, key);
      }
      return key;
    };
    const judge: ChainJudge = {
      judge: (chain) => {
        // Where called functions are defined is the graph's word, not the source's: noted apart.
        const found = new Map<string, string>();
        const noting: DefinitionLookup = (file, name) => {
          const def = definitionOf(file, name);
          found.set(`${file}\0${name}`, definedAt(def));
          return def;
        };
        const { value, reads } = reader === undefined ? { value: assess(chain, noting), reads: new Map<string, string>() } : reader.recording(() => assess(chain, noting));
        return { verdict: value, basis: { facts: factsKey(chain), reads, definitions: found } };
      },
      holds: (chain, basis) => basis.facts === factsKey(chain) && sameDefinitions(basis.definitions, definitionOf, definedNow) && (reader?.unchanged(basis.reads) ?? true),
      // A verdict that holds read only unchanged source, found definitions where they were and
      // the same notifier registrations (their lines are in the lists' key): the lines it quotes
      // come from those reads, and stand unless a read cannot tell whether its text moved.
      keepsOnMove: (basis, files) => reader?.placedAsBefore(basis.reads, files) ?? true,
      shiftedBasis: (basis, shifts) => (reader === undefined ? undefined : {
        facts: basis.facts,
        reads: reader.shiftedReads(basis.reads, shifts),
        definitions: shiftedDefinitions(basis.definitions, shifts),
      }),
      targetsAt: (chain, hop) => notifiers?.registeredAt(chain, hop),
      // Only the dispatch reading can reject at one hop; the source's checks run on likely chains.
      rejectsAt: (chain, at) => {
        const hops = chain.hops.slice(0, at + 1);
        const probe: FoundChain = { ...chain, hops };
        const reading = new ChainReading(probe, dispatch);
        for (let i = 0; i < at; i++) reading.hop(probe, i);
        if (reading.lowered()) return () => true;
        const before = reading.save();
        return (hop) => {
          hops[at] = hop;
          reading.restore(before);
          reading.hop(probe, at);
          return reading.lowered();
        };
      },
    };
    const found = search.chains(judge);
    assessed.push(...found.chains);
    groups.push(...found.groups);
    unresolvedPointerCalls += found.stats.pointerCallsUnresolved;
    untypedFieldCalls += found.stats.untypedFieldCalls;
  }
  const sinkRank = (rule: string, sink: string): number => inputs.rules.find((r) => r.id === rule)?.sinks.indexOf(sink) ?? 0;
  // A live update that changed no chain finds the same objects: the merge stands.
  const last = analysis.merged;
  const same = last !== undefined && sameItems(last.found, assessed);
  if (!same) analysis.merged = { found: assessed, chains: mergeHookPoints(assessed, groups, sinkRank) };
  const chains = [...analysis.merged!.chains];
  const notAnalysed: ScanResult['notAnalysed'] = [...inputs.notes].map(([what, { kind, count }]) => ({ what, reason: NOTE_CONSEQUENCES[kind], count, kind }));
  if (unresolvedPointerCalls > 0) {
    notAnalysed.push({
      what: 'calls through function-pointer variables made while held',
      reason: 'the pointer is a local or parameter (e.g. splice actors); its targets are not tracked',
      count: unresolvedPointerCalls,
    });
  }
  notAnalysed.push(...assumedExemptions(analysis.exemptions.flat(), graph));
  const truncated = [...new Set(models.flatMap((m) => [...m.truncated]))].sort();
  if (truncated.length > 0) {
    notAnalysed.push({
      what: `functions with control flow too large to follow completely: ${listed(truncated)}`,
      reason: 'the held-state analysis hit its state budget; chains through them may be missing',
      count: truncated.length,
    });
  }
  if (graph.detailMissing.size > 0) {
    const missing = [...graph.detailMissing].sort();
    notAnalysed.push({
      what: `control flow of functions whose facts could not be read again: ${listed(missing)}`,
      reason: 'the cache shard vanished or changed during the scan; chains through them may be missing (scan again)',
      count: missing.length,
    });
  }
  notAnalysed.push(...leftOutNotes(graph.leftOut));
  if (untypedFieldCalls > 0) {
    notAnalysed.push({
      what: 'calls through struct fields of unknown type made while held',
      reason: 'the object type is not visible at the call (e.g. a function result); run with --pointers all to follow them to every function stored in such a field',
      count: untypedFieldCalls,
    });
  }
  // Walking every file's facts after each edit of a whole kernel costs more than the edit.
  const { functions, callSites, filesWithErrors, bracelessFiles, tokenReadFiles } = inputs.totals ?? fileTotals(inputs.files);
  return {
    tool: 'lockpath',
    version: LOCKPATH_VERSION,
    root: inputs.root,
    rules: inputs.rules.map((r) => r.id),
    stats: {
      files: inputs.files.length, functions, callSites, filesWithErrors, bracelessFiles, tokenReadFiles,
      durationMs: Math.round(performance.now() - inputs.started), cachedFiles: inputs.cachedFiles, skippedFiles: inputs.skipped.length,
    },
    chains,
    skipped: inputs.skipped,
    notAnalysed,
  };
}

/** Exemptions the tree could not decide, for calls it makes: one note per cause. */
function assumedExemptions(verdicts: readonly ExemptionVerdict[], graph: CallGraph): ScanResult['notAnalysed'] {
  const byCause = new Map<string, Map<string, string[]>>();
  for (const v of verdicts) {
    if (v.verdict !== 'assumed' || graph.directCallsTo(v.callee).length === 0) continue;
    const calls = byCause.get(v.why) ?? new Map<string, string[]>();
    const call = `${v.callee}() with argument ${v.arg + 1}`;
    calls.set(call, [...(calls.get(call) ?? []), v.value]);
    byCause.set(v.why, calls);
  }
  return [...byCause].map(([why, calls]) => ({
    what: `whether ${[...calls].map(([call, values]) => `${call} ${values.join(' or ')}`).join(', ')} reaches the rule's event calls`,
    reason: `${why}: the rule's exemption is kept, chains through such calls are not reported`,
    count: [...calls.values()].reduce((n, values) => n + values.length, 0),
  }));
}

/** What each limit of the packed graph leaves out, for the user. */
const LIMIT_NOTES: Record<GraphLimit, { what: string; reason: string }> = {
  alternatives: {
    what: `definitions of one function past the ${BODY_SLOTS}th (#ifdef alternatives, per-architecture copies)`,
    reason: `a function keeps ${BODY_SLOTS} bodies; calls made only in the others are not followed`,
  },
  calls: {
    what: `functions with more than ${CALL_BITS} calls`,
    reason: `a call site is numbered within its function up to ${CALL_BITS}; the function is left out of the call graph`,
  },
  functions: {
    what: `functions past the ${FUNCTIONS_PER_FILE}th of a file`,
    reason: `functions are numbered within their file up to ${FUNCTIONS_PER_FILE}; the rest of the file is left out of the call graph`,
  },
};

/** One not-analysed entry per limit that left something out, naming the first few bodies. */
function leftOutNotes(leftOut: readonly LeftOut[]): ScanResult['notAnalysed'] {
  return (Object.keys(LIMIT_NOTES) as GraphLimit[]).flatMap((limit) => {
    const labels = leftOut.filter((l) => l.limit === limit).map((l) => l.label).sort();
    if (labels.length === 0) return [];
    const { what, reason } = LIMIT_NOTES[limit];
    return [{ what: `${what}: ${listed(labels)}`, reason, count: labels.length }];
  });
}

function listed(items: readonly string[]): string {
  return `${items.slice(0, 5).join(', ')}${items.length > 5 ? ', …' : ''}`;
}
