// Everything after the index: the call graph, the rule models and the chain searches over
// packed facts, and the ScanResult they make. Shared by the one-shot scan and the live analysis.
import { assessChain, dispatchFacts, type Assessment } from './chains/confidence';
import { ChainSearch } from './chains/chainSearch';
import { constantGuardReason } from './chains/constantArgs';
import type { CallSiteReader, DefinitionLookup } from './model/callSites';
import { mergeHookPoints } from './chains/hookPoints';
import { CallGraph, type DetailSource } from './graph/callGraph';
import type { PointerPolicy } from './graph/fieldIndex';
import { BODY_SLOTS, CALL_BITS } from './graph/callRefs';
import { FUNCTIONS_PER_FILE, type GraphLimit, type LeftOut } from './graph/functionNodes';
import type { Chain, FoundChain, ScanResult, SkippedFile } from './model/chain';
import type { NoteCounts } from './model/noteCounts';
import { CALL_STRIDE, type PackedFileFacts } from './model/packedFacts';
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
}

export function analyzeFacts(
  files: readonly PackedFileFacts[], detail: DetailSource, rules: readonly RuleSpec[], pointers: PointerPolicy,
  signal?: AbortSignal, onProgress?: ProgressListener,
): ChainAnalysis {
  signal?.throwIfAborted();
  onProgress?.('graph', 0, 0);
  const graph = new CallGraph(files, pointers, detail);
  const models: RuleModel[] = [];
  const searches: ChainSearch[] = [];
  rules.forEach((rule, i) => {
    signal?.throwIfAborted();
    onProgress?.('rules', i, rules.length);
    const model = buildRuleModel(graph, rule);
    models.push(model);
    onProgress?.('chains', i, rules.length);
    searches.push(new ChainSearch(model, signal));
  });
  return { graph, models, searches };
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
  callSites?: CallSiteReader;
}

/** Where a called function is defined, as the graph resolves the name from the calling file. */
function definitions(graph: CallGraph): DefinitionLookup {
  return (file, name) => {
    const body = graph.resolveName(file, name)[0]?.bodies[0];
    return body === undefined ? undefined : { file: body.file, line: body.fn.startLine };
  };
}

export function composeResult(analysis: ChainAnalysis, inputs: ResultInputs): ScanResult {
  const { graph, models } = analysis;
  const assessed: Chain[] = [];
  let unresolvedPointerCalls = 0;
  let untypedFieldCalls = 0;
  const facts = dispatchFacts(graph);
  const reader = inputs.callSites;
  const definitionOf = definitions(graph);
  for (const search of analysis.searches) {
    const rule = search.model.rule;
    const assess = (chain: FoundChain): Assessment => {
      const assessment = assessChain(chain, rule, facts);
      // Parsing is dear: only chains that would be shown by default are read again.
      const guarded = assessment.confidence === 'likely' && reader !== undefined ? constantGuardReason(chain, reader, definitionOf) : undefined;
      return guarded === undefined ? assessment : { confidence: 'possible', reasons: [...assessment.reasons, guarded] };
    };
    const found = search.chains(assess);
    assessed.push(...found.chains);
    unresolvedPointerCalls += found.stats.pointerCallsUnresolved;
    untypedFieldCalls += found.stats.untypedFieldCalls;
  }
  const sinkRank = (rule: string, sink: string): number => inputs.rules.find((r) => r.id === rule)?.sinks.indexOf(sink) ?? 0;
  const chains = mergeHookPoints(assessed, sinkRank);
  const notAnalysed: ScanResult['notAnalysed'] = [...inputs.notes].map(([what, { kind, count }]) => ({ what, reason: 'see message', count, kind }));
  if (unresolvedPointerCalls > 0) {
    notAnalysed.push({
      what: 'calls through function-pointer variables made while held',
      reason: 'the pointer is a local or parameter (e.g. splice actors); its targets are not tracked',
      count: unresolvedPointerCalls,
    });
  }
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
  let functions = 0;
  let callSites = 0;
  let filesWithErrors = 0;
  let bracelessFiles = 0;
  let tokenReadFiles = 0;
  for (const f of inputs.files) {
    functions += f.functions.length;
    callSites += f.calls.length / CALL_STRIDE;
    if (f.errorNodes > 0) filesWithErrors++;
    if (f.braceless === true) bracelessFiles++;
    else if (f.reader === 'tokens') tokenReadFiles++;
  }
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
