// The one facade every caller uses: tree in, chains out.
import { homedir } from 'node:os';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { findChains } from './chains/findChains';
import { CallGraph, type PointerPolicy } from './graph/callGraph';
import { readManifest, unchangedHashes, type Manifest } from './index/factCache';
import { collectFacts } from './index/collectFacts';
import { readResult, resultKey, writeResult } from './index/resultCache';
import type { Chain, ScanResult } from './model/chain';
import type { PackedFileFacts } from './model/packedFacts';
import type { WasmPaths } from './parse/treeSitter';
import { buildRuleModel, type RuleModel } from './rules/summaries';
import type { RuleSpec } from './rules/ruleSpec';
import { DEFAULT_EXCLUDES, walkSources } from './sources/workspaceWalk';

export const LOCKPATH_VERSION = '0.1.0';

export interface AnalysisOptions {
  root: string;
  rules: readonly RuleSpec[];
  include: readonly string[];
  /** Sub-paths never scanned; DEFAULT_EXCLUDES when undefined. */
  exclude?: readonly string[];
  wasm: WasmPaths;
  /** undefined: no cache. */
  cacheDir: string | undefined;
  jobs: number;
  workerScript?: string;
  maxFileBytes: number;
  pointers?: PointerPolicy;
  /**
   * Only the ScanResult is wanted (the CLI): an unchanged tree may be answered from the result
   * cache, and the returned graph, models and facts are then empty.
   */
  resultOnly?: boolean;
}

export type ProgressPhase = 'walk' | 'parse' | 'graph' | 'rules' | 'chains';
export type ProgressListener = (phase: ProgressPhase, done: number, total: number) => void;

export interface Analysis {
  result: ScanResult;
  graph: CallGraph;
  models: RuleModel[];
  files: PackedFileFacts[];
}

export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;

/** `$XDG_CACHE_HOME/lockpath/<hash of the root path>`, like clangd's per-project index. */
export function defaultCacheDir(root: string): string {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'lockpath', createHash('sha1').update(resolve(root)).digest('hex').slice(0, 16));
}

export async function analyzeTree(options: AnalysisOptions, signal?: AbortSignal, onProgress?: ProgressListener): Promise<Analysis> {
  const started = performance.now();
  const root = resolve(options.root);
  onProgress?.('walk', 0, 0);
  const exclude = options.exclude ?? DEFAULT_EXCLUDES;
  const walk = await walkSources(root, { include: options.include, exclude, maxFileBytes: options.maxFileBytes, ...(signal ? { signal } : {}) });
  const notes = new Map<string, number>();
  let manifest: Manifest = new Map();
  if (options.cacheDir !== undefined) {
    const read = readManifest(options.cacheDir, root);
    manifest = read.manifest;
    if (read.problem !== undefined) notes.set(read.problem, 1);
  }
  const keyOf = (hashes: Map<string, string>): string => resultKey({
    toolVersion: LOCKPATH_VERSION, rules: options.rules, include: [...options.include, ...exclude.map((e) => `!${e}`)], pointers: options.pointers ?? 'typed',
    files: [...walk.skipped.map((s) => [s.file, `skipped:${s.reason}`] as const), ...[...hashes].sort((a, b) => (a[0] < b[0] ? -1 : 1))],
  });
  if (options.resultOnly === true && options.cacheDir !== undefined) {
    const hashes = unchangedHashes(walk.files, manifest);
    const cached = hashes === undefined ? undefined : readResult(options.cacheDir, keyOf(hashes));
    if (cached !== undefined) {
      const stats = { ...cached.stats, durationMs: Math.round(performance.now() - started), cachedFiles: cached.stats.files };
      return { result: { ...cached, root, stats }, graph: new CallGraph([]), models: [], files: [] };
    }
  }
  const collected = await collectFacts(walk.files, {
    root, wasm: options.wasm, cacheDir: options.cacheDir, manifest, jobs: options.jobs,
    ...(options.workerScript !== undefined ? { workerScript: options.workerScript } : {}),
    ...(signal ? { signal } : {}),
    onProgress: (done, total) => onProgress?.('parse', done, total),
  });
  for (const [n, count] of collected.notes) notes.set(n, (notes.get(n) ?? 0) + count);
  const facts = collected.files;
  const skipped = [...walk.skipped, ...collected.skipped];
  const { cachedFiles, manifest: nextManifest } = collected;

  signal?.throwIfAborted();
  onProgress?.('graph', 0, 0);
  const graph = new CallGraph(facts, options.pointers ?? 'typed', (f) => collected.detail.read(f));
  const models: RuleModel[] = [];
  const chains: Chain[] = [];
  let unresolvedPointerCalls = 0;
  let untypedFieldCalls = 0;
  options.rules.forEach((rule, i) => {
    signal?.throwIfAborted();
    onProgress?.('rules', i, options.rules.length);
    const model = buildRuleModel(graph, rule);
    models.push(model);
    onProgress?.('chains', i, options.rules.length);
    const found = findChains(model, signal);
    chains.push(...found.chains);
    unresolvedPointerCalls += found.stats.pointerCallsUnresolved;
    untypedFieldCalls += found.stats.untypedFieldCalls;
  });

  // Facts read back during the analysis may have needed repairs.
  for (const n of collected.detail.notes) notes.set(n, (notes.get(n) ?? 0) + 1);
  const notAnalysed: ScanResult['notAnalysed'] = [...notes].map(([what, count]) => ({ what, reason: 'see message', count }));
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
      what: `functions with control flow too large to follow completely: ${truncated.slice(0, 5).join(', ')}${truncated.length > 5 ? ', …' : ''}`,
      reason: 'the held-state analysis hit its state budget; chains through them may be missing',
      count: truncated.length,
    });
  }
  if (graph.detailMissing.size > 0) {
    const missing = [...graph.detailMissing].sort();
    notAnalysed.push({
      what: `control flow of functions whose facts could not be read again: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`,
      reason: 'the cache shard vanished or changed during the scan; chains through them may be missing (scan again)',
      count: missing.length,
    });
  }
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
  for (const f of facts) {
    functions += f.functions.length;
    for (const fn of f.functions) callSites += fn.callCount;
    if (f.errorNodes > 0) filesWithErrors++;
  }
  const result: ScanResult = {
    tool: 'lockpath',
    version: LOCKPATH_VERSION,
    root,
    rules: options.rules.map((r) => r.id),
    stats: {
      files: facts.length, functions, callSites, filesWithErrors,
      durationMs: Math.round(performance.now() - started), cachedFiles, skippedFiles: skipped.length,
    },
    chains,
    skipped,
    notAnalysed,
  };
  if (options.cacheDir !== undefined) {
    try {
      // Cache trouble belongs to this run, not to the result a later run replays.
      const replayable = { ...result, notAnalysed: result.notAnalysed.filter((n) => !n.what.startsWith('cache ')) };
      writeResult(options.cacheDir, keyOf(new Map([...nextManifest].map(([p, m]) => [p, m[2]]))), replayable);
    } catch {
      // a result cache that cannot be written only costs time next run
    }
  }
  return { result, graph, models, files: facts };
}
