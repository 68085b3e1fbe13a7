// The JSON report: the contract for scripts and CI that read `lockpath --format json`.
// Every object is built key by key so that the order of keys never depends on how the
// analysis happened to fill a ScanResult, and lists are sorted so that parallel scans give
// byte-identical output.
import type { Chain, ChainHop, ChainReason, Confidence, ScanResult, ScanStats, SkippedFile } from '../model/chain';
import { compareText } from '../model/compareText';

export interface JsonAcquire {
  function: string;
  call: string;
  file: string;
  line: number;
  column: number;
  condition?: string;
}

export interface JsonHop {
  caller: string;
  callee: string;
  file: string;
  line: number;
  column: number;
  /** `direct`, or `->field` for a call through a function pointer. */
  via: string;
  candidates?: number;
  structType?: string;
}

export interface JsonChain {
  id: string;
  rule: string;
  acquire: JsonAcquire;
  hops: JsonHop[];
  sink: string;
  alsoSinks?: string[];
  indirect: boolean;
  confidence: Confidence;
  reasons: ChainReason[];
}

export interface JsonReport {
  tool: 'lockpath';
  version: string;
  root: string;
  stats: ScanStats;
  chains: JsonChain[];
  rules: string[];
  skipped: { file: string; reason: string }[];
  notAnalysed: { what: string; reason: string; count: number }[];
}

/** Chains in report order (by id); shared by every writer so all formats list them alike. */
export function sortChains(chains: readonly Chain[]): Chain[] {
  return [...chains].sort((a, b) => compareText(a.id, b.id));
}

type NotAnalysed = ScanResult['notAnalysed'][number];

export function sortSkipped(skipped: readonly SkippedFile[]): SkippedFile[] {
  return [...skipped].sort((a, b) => compareText(a.file, b.file) || compareText(a.reason, b.reason));
}

export function sortNotAnalysed(items: readonly NotAnalysed[]): NotAnalysed[] {
  return [...items].sort((a, b) => compareText(a.what, b.what) || compareText(a.reason, b.reason));
}

function toJsonHop(hop: ChainHop): JsonHop {
  const out: JsonHop = {
    caller: hop.caller,
    callee: hop.callee,
    file: hop.file,
    line: hop.line,
    column: hop.column,
    via: hop.via,
  };
  if (hop.candidates !== undefined) out.candidates = hop.candidates;
  if (hop.structType !== undefined) out.structType = hop.structType;
  return out;
}

export function toJsonChain(chain: Chain): JsonChain {
  const a = chain.acquire;
  const acquire: JsonAcquire = { function: a.function, call: a.call, file: a.file, line: a.line, column: a.column };
  if (a.condition !== undefined) acquire.condition = a.condition;
  return {
    id: chain.id,
    rule: chain.rule,
    acquire,
    hops: chain.hops.map(toJsonHop),
    sink: chain.sink,
    ...(chain.alsoSinks !== undefined ? { alsoSinks: [...chain.alsoSinks] } : {}),
    indirect: chain.indirect,
    confidence: chain.confidence,
    reasons: chain.reasons.map((r) => ({ hop: r.hop, kind: r.kind, lowers: r.lowers, text: r.text })),
  };
}

function toJsonStats(s: ScanStats): ScanStats {
  return {
    files: s.files,
    functions: s.functions,
    callSites: s.callSites,
    filesWithErrors: s.filesWithErrors,
    durationMs: s.durationMs,
    cachedFiles: s.cachedFiles,
    skippedFiles: s.skippedFiles,
    ...(s.bracelessFiles !== undefined ? { bracelessFiles: s.bracelessFiles } : {}),
    ...(s.tokenReadFiles !== undefined ? { tokenReadFiles: s.tokenReadFiles } : {}),
    ...(s.possibleChains !== undefined ? { possibleChains: s.possibleChains } : {}),
    ...(s.hiddenChains !== undefined ? { hiddenChains: s.hiddenChains } : {}),
  };
}

/** The report as a plain object, keys in contract order. */
export function toJsonReport(result: ScanResult): JsonReport {
  return {
    tool: 'lockpath',
    version: result.version,
    root: result.root,
    stats: toJsonStats(result.stats),
    chains: sortChains(result.chains).map(toJsonChain),
    rules: [...result.rules],
    skipped: sortSkipped(result.skipped).map((s) => ({ file: s.file, reason: s.reason })),
    notAnalysed: sortNotAnalysed(result.notAnalysed).map((n) => ({ what: n.what, reason: n.reason, count: n.count })),
  };
}

/** The JSON document as written to stdout or a file: two-space indent, final newline. */
export function renderJson(result: ScanResult): string {
  return `${JSON.stringify(toJsonReport(result), null, 2)}\n`;
}
