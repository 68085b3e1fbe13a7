// The one facade every caller uses: tree in, chains out.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { buildGraph, composeResult, searchChains, type ChainAnalysis, type ProgressListener } from './chainAnalysis';
import { functionSpans } from './graph/functionSpans';
import { CallGraph } from './graph/callGraph';
import type { PointerPolicy } from './graph/fieldIndex';
import { contentHash, readManifest, vouchedHashes, type Manifest } from './index/factCache';
import { collectFacts, type CollectOptions } from './index/collectFacts';
import { readResult, resultKey, writeResult, type ResultKeyInput } from './index/resultCache';
import type { FactDetail } from './index/factDetail';
import type { Confidence, ScanResult, SkippedFile } from './model/chain';
import type { PackedFileFacts } from './model/packedFacts';
import type { WasmPaths } from './parse/treeSitter';
import type { RuleModel } from './rules/summaries';
import { effectfulNames, primitiveNames } from './rules/effectfulNames';
import type { FlowQuestion } from './index/flowNeeds';
import type { RuleSpec } from './rules/ruleSpec';
import { DEFAULT_EXCLUDES, walkSources, type SourceFile, type WalkResult } from './sources/workspaceWalk';
import { architecturesOnDisk, DEFAULT_ARCH, otherArchitectures } from './sources/architectures';
import { LOCKPATH_BUILD, LOCKPATH_VERSION } from './version';
import { addNotes, isCacheNote, type NoteCounts } from './model/noteCounts';
import { ParsedCallSites, type TextSource } from './index/callSiteReader';
import { loadCLanguage, parserFor } from './parse/treeSitter';
import { sourceText } from './sources/textDecode';

export { LOCKPATH_VERSION } from './version';
export type { ProgressListener, ProgressPhase } from './chainAnalysis';

export interface AnalysisOptions {
  root: string;
  rules: readonly RuleSpec[];
  include: readonly string[];
  /** Sub-paths never scanned; DEFAULT_EXCLUDES when undefined. */
  exclude?: readonly string[];
  /** The architecture whose arch/ directory is scanned (DEFAULT_ARCH when undefined; `all`: every one). */
  arch?: string;
  wasm: WasmPaths;
  /** undefined: no cache. */
  cacheDir: string | undefined;
  /**
   * Another tree's cache whose content-keyed parts this scan shares: fact shards are read and
   * written there, and results are looked up there too. For a checkout of a revision of that
   * tree (diff --git), whose files are mostly the tree's own contents at another path.
   */
  sharedCacheDir?: string;
  /**
   * The tree `sharedCacheDir` is the cache of. When this scan's own cache has no snapshot yet,
   * that tree's snapshot stands in: its facts are taken for each file whose content hash the
   * manifest vouches for (a checkout's manifest seeded from the revision's listing).
   */
  sharedRoot?: string;
  jobs: number;
  workerScript?: string;
  /** The parser threads' nice value; undefined: the process's own (see WorkerInit.nice). */
  parserNice?: number;
  maxFileBytes: number;
  pointers?: PointerPolicy;
  /** Parse every file fully, not only those whose control flow the rules need (for checking the token reader). */
  parseAll?: boolean;
  /**
   * Only the ScanResult is wanted (the CLI): an unchanged tree may be answered from the result
   * cache, and the returned graph, models and facts are then empty.
   */
  resultOnly?: boolean;
  /**
   * The least confidence the caller shows (all chains when absent): a result replayed from the
   * cache for `likely` leaves its possible chains unread, counted in stats.possibleChains.
   */
  shown?: Confidence;
}

export interface Analysis {
  result: ScanResult;
  graph: CallGraph;
  models: RuleModel[];
  files: PackedFileFacts[];
  /** The result's key in the result cache, when there is a cache. */
  resultKey?: string;
}

export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;

/** `$XDG_CACHE_HOME/lockpath/<hash of the root path>`, like clangd's per-project index. */
export function defaultCacheDir(root: string): string {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'lockpath', createHash('sha1').update(resolve(root)).digest('hex').slice(0, 16));
}

/** A tree's files as text, decoded as the scan decodes them; undefined when unreadable. */
export function treeText(root: string): TextSource {
  return (file) => {
    try {
      return sourceText(readFileSync(join(root, file)));
    } catch {
      return undefined;
    }
  };
}

/**
 * The sub-paths a scan leaves out: the excludes given (or the default ones) and the other
 * architectures' arch/ directories among `architectures` (those of the tree, or of a revision's listing).
 */
export function scanExcludes(options: Pick<AnalysisOptions, 'include' | 'exclude' | 'arch'>, architectures: readonly string[] | undefined): string[] {
  return [...givenExcludes(options), ...otherArchitectures(architectures, options.arch ?? DEFAULT_ARCH, options.include)];
}

/** The excludes the options give, or the default ones. */
function givenExcludes(options: Pick<AnalysisOptions, 'exclude'>): readonly string[] {
  return options.exclude ?? DEFAULT_EXCLUDES;
}

/** The walk and the cache manifest: where every scan starts. */
export interface PreparedScan {
  root: string;
  exclude: readonly string[];
  walk: WalkResult;
  manifest: Manifest;
  notes: NoteCounts;
}

export async function prepareScan(options: AnalysisOptions, signal?: AbortSignal): Promise<PreparedScan> {
  const root = resolve(options.root);
  const exclude = scanExcludes(options, architecturesOnDisk(root));
  const walk = await walkSources(root, { include: options.include, exclude, maxFileBytes: options.maxFileBytes, ...(signal ? { signal } : {}) });
  const notes: NoteCounts = new Map();
  let manifest: Manifest = new Map();
  if (options.cacheDir !== undefined) {
    const read = readManifest(options.cacheDir, root);
    manifest = read.manifest;
    if (read.problem !== undefined) notes.set(read.problem, { kind: 'cache-index', count: 1 });
  }
  return { root, exclude, walk, manifest, notes };
}

export function collectOptions(options: AnalysisOptions, prepared: PreparedScan, signal?: AbortSignal, onProgress?: ProgressListener): CollectOptions {
  return {
    root: prepared.root, wasm: options.wasm, cacheDir: options.cacheDir, manifest: prepared.manifest, jobs: options.jobs,
    ...(options.sharedCacheDir !== undefined ? { shardDir: options.sharedCacheDir } : {}),
    ...(options.sharedCacheDir !== undefined && options.sharedRoot !== undefined ? { seedSnapshot: { dir: options.sharedCacheDir, root: options.sharedRoot } } : {}),
    ...(options.parseAll === true ? {} : { flow: flowQuestion(options.rules) }),
    ...(options.workerScript !== undefined ? { workerScript: options.workerScript } : {}),
    ...(options.parserNice !== undefined ? { parserNice: options.parserNice } : {}),
    ...(signal ? { signal } : {}),
    onProgress: (done, total) => onProgress?.('parse', done, total),
  };
}

/** The index's question "which called names make control flow matter", answered by the rules' summaries. */
function flowQuestion(rules: readonly RuleSpec[]): FlowQuestion {
  return { primitives: [...primitiveNames(rules)], effectfulNames: (files, detail) => effectfulNames(files, detail, rules) };
}

/** Scans the tree: walk, facts (from the caches where they vouch), then the chain searches and the result. */
export async function scanTree(options: AnalysisOptions, signal?: AbortSignal, onProgress?: ProgressListener): Promise<Analysis> {
  const started = performance.now();
  const gathered = await gatherFacts(options, started, signal, onProgress);
  if ('replayed' in gathered) return gathered.replayed;
  const { root, files, detail, notes } = gathered;
  const language = await loadCLanguage(options.wasm);
  const graph = buildGraph(files, (f) => detail.read(f), options.pointers ?? 'typed', signal, onProgress);
  const callSites = new ParsedCallSites(parserFor(language), treeText(root), functionSpans(() => graph));
  let analysis: ChainAnalysis;
  let result: ScanResult;
  try {
    analysis = searchChains(graph, options.rules, signal, onProgress, callSites);
    // Facts read back during the analysis may have needed repairs.
    addNotes(notes, detail.notes);
    result = composeResult(analysis, { root, rules: options.rules, files, skipped: gathered.skipped, notes, cachedFiles: gathered.cachedFiles, started, callSites });
  } finally {
    // Parsed trees live in wasm memory: a process that analyses twice (diff) must give them back.
    callSites.dispose();
  }
  if (options.cacheDir !== undefined && gathered.resultKey !== undefined) rememberResult(options.cacheDir, gathered.resultKey, result);
  return { result, graph: analysis.graph, models: analysis.models, files, ...(gathered.resultKey !== undefined ? { resultKey: gathered.resultKey } : {}) };
}

/** What a result depends on besides the files: the build, the rules and the options. */
function resultOptions(options: AnalysisOptions): Omit<ResultKeyInput, 'files'> {
  return {
    toolVersion: `${LOCKPATH_VERSION}+${LOCKPATH_BUILD}${options.parseAll === true ? '+parse-all' : ''}`, rules: options.rules,
    // The architecture, not the directories it leaves out: a revision's key is made before
    // anything of it is on disk.
    include: [...options.include, ...givenExcludes(options).map((e) => `!${e}`), `arch=${options.arch ?? DEFAULT_ARCH}`], pointers: options.pointers ?? 'typed',
  };
}

/** A digest of resultOptions(): with the identity of a tree's content (a git tree id), it names one result. */
export function resultOptionsKey(options: AnalysisOptions): string {
  return resultKey({ ...resultOptions(options), files: [] });
}

/**
 * The result key of a tree: its walk's skips and each walked file's content hash (path ->
 * hash), under these options. From a git listing too: content hashes are blob ids.
 */
export function treeResultKey(options: AnalysisOptions, skipped: readonly { file: string; reason: string }[], hashes: ReadonlyMap<string, string>): string {
  return resultKey({
    ...resultOptions(options),
    files: [...skipped.map((s) => [s.file, `skipped:${s.reason}`] as const), ...inPathOrder([...hashes])],
  });
}

/** Sorted by path: the hashes come in walk order (sorted) unless some were read afterwards. */
function inPathOrder(entries: [string, string][]): [string, string][] {
  for (let i = 1; i < entries.length; i++) if (entries[i - 1]![0] > entries[i]![0]) return entries.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return entries;
}

/** A cached result as an analysis of `root` (no graph, models or facts), timed from `started`. */
export function replayedAnalysis(cached: ScanResult, root: string, started: number): Analysis {
  const stats = { ...cached.stats, durationMs: Math.round(performance.now() - started), cachedFiles: cached.stats.files };
  return { result: { ...cached, root, stats }, graph: new CallGraph([]), models: [], files: [] };
}

/** A result from the result cache: the scan's own, or the shared cache's. */
export function readCachedResult(options: AnalysisOptions, key: string): ScanResult | undefined {
  if (options.cacheDir === undefined) return undefined;
  const least = options.shown ?? 'possible';
  return readResult(options.cacheDir, key, least) ?? (options.sharedCacheDir === undefined ? undefined : readResult(options.sharedCacheDir, key, least));
}

/**
 * What the analysis starts from. The walk and the manifests (tens of MiB on a kernel) stay in
 * gatherFacts: the analysis, where memory peaks, holds only what it reads.
 */
export interface GatheredFacts {
  root: string;
  files: PackedFileFacts[];
  detail: FactDetail;
  skipped: SkippedFile[];
  notes: NoteCounts;
  cachedFiles: number;
  /** The result's key in the result cache, when there is a cache. */
  resultKey?: string;
}

/**
 * Content hashes of every file, for the result cache's key: from the manifest where it vouches,
 * else read. Reading pays when few files are new to the manifest (a checkout switched back, a
 * revision another tree saw) or when another cache may hold the result (`anyCount`); a tree the
 * manifest does not know at all is read by the scan itself, once.
 */
function currentHashes(files: readonly SourceFile[], manifest: Manifest, anyCount: boolean): Map<string, string> | undefined {
  const { hashes, unvouched } = vouchedHashes(files, manifest);
  if (!anyCount && unvouched.length > Math.max(FEW_FILES, files.length / 8)) return undefined;
  for (const f of unvouched) {
    try {
      hashes.set(f.rel, contentHash(readFileSync(f.abs)));
    } catch {
      return undefined; // the scan says what is wrong with it
    }
  }
  return hashes;
}

/**
 * The result cache's key of the tree as walked, when the manifest (the prepared scan's, or one
 * read since) vouches for its files' contents, or few need reading; undefined otherwise.
 */
export function manifestResultKey(options: AnalysisOptions, prepared: PreparedScan, manifest: Manifest = prepared.manifest): string | undefined {
  if (options.cacheDir === undefined) return undefined;
  const hashes = currentHashes(prepared.walk.files, manifest, options.sharedCacheDir !== undefined);
  return hashes === undefined ? undefined : treeResultKey(options, prepared.walk.skipped, hashes);
}

/** The result cache's answer for the tree as walked, with its key, found without reading any facts. */
export function cachedResultOf(options: AnalysisOptions, prepared: PreparedScan): { key: string; result: ScanResult } | undefined {
  const key = manifestResultKey(options, prepared);
  const result = key === undefined ? undefined : readCachedResult(options, key);
  return result === undefined ? undefined : { key: key!, result };
}

/** Keeps a result for later runs to replay; a result cache that cannot be written only costs time next run. */
export function rememberResult(cacheDir: string, key: string, result: ScanResult): void {
  try {
    // Cache trouble belongs to this run, not to the result a later run replays.
    writeResult(cacheDir, key, { ...result, notAnalysed: result.notAnalysed.filter((n) => !isCacheNote(n.kind)) });
  } catch {
    // the next run computes it again
  }
}

/** Files read just for a result key even when the tree is small: a few are cheap either way. */
const FEW_FILES = 64;

/** The walk and the facts of every file, or a result replayed from the result cache. */
async function gatherFacts(
  options: AnalysisOptions, started: number, signal?: AbortSignal, onProgress?: ProgressListener,
): Promise<GatheredFacts | { replayed: Analysis }> {
  onProgress?.('walk', 0, 0);
  const prepared = await prepareScan(options, signal);
  const { root, walk, notes } = prepared;
  if (options.resultOnly === true) {
    const cached = cachedResultOf(options, prepared);
    if (cached !== undefined) return { replayed: { ...replayedAnalysis(cached.result, root, started), resultKey: cached.key } };
  }
  const collected = await collectFacts(walk.files, collectOptions(options, prepared, signal, onProgress));
  addNotes(notes, collected.notes);
  const gathered: GatheredFacts = {
    root, files: collected.files, detail: collected.detail, skipped: [...walk.skipped, ...collected.skipped], notes, cachedFiles: collected.cachedFiles,
  };
  if (options.cacheDir !== undefined) gathered.resultKey = treeResultKey(options, walk.skipped, new Map([...collected.manifest].map(([p, m]) => [p, m[2]])));
  return gathered;
}
