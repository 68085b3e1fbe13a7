// Packed facts for every walked file: from the snapshot when the manifest vouches that the file
// is unchanged, else from the fact cache or a fresh parse (scanFiles). The outcome keeps the
// walk's file order, since node order decides ties between equally short chains.
import type { PackedFileFacts } from '../model/packedFacts';
import type { SkippedFile } from '../model/chain';
import { loadCLanguage } from '../parse/treeSitter';
import type { SourceFile } from '../sources/workspaceWalk';
import { writeManifest, type Manifest } from './factCache';
import { FactDetail } from './factDetail';
import type { PackedOutcome } from './fileTask';
import { StringPool } from './internStrings';
import { readSnapshot, type SnapshotLayout } from './packedSnapshot';
import { scanFiles, type ScanFilesOptions } from './scanFiles';
import { updateSnapshot, type SnapshotChanges } from './snapshotUpdate';
import { addNote, type NoteCounts } from '../model/noteCounts';
import { parsedFilesCallingNone, tokenFilesCalling, type FlowQuestion } from './flowNeeds';
import type { FileFacts } from '../model/facts';

/** How to scan the files that are not in the snapshot, and the tree they are in. */
export interface CollectOptions extends Omit<ScanFilesOptions, 'onFacts' | 'reader'> {
  root: string;
  /**
   * The rules' answer to which called names have an effect: files are read from tokens, and
   * parsed fully where that makes their control flow matter (flowNeeds.ts). Without it every
   * file is parsed fully.
   */
  flow?: FlowQuestion;
  /** Where cached facts are read and written, when not in `cacheDir` (they are keyed by content alone). */
  shardDir?: string;
  /** Another tree's snapshot, read when `cacheDir` has none: entries whose hash the manifest vouches for are taken. */
  seedSnapshot?: { dir: string; root: string };
}

export interface CollectedFacts {
  files: PackedFileFacts[];
  detail: FactDetail;
  skipped: SkippedFile[];
  /** Messages for the user, with how often each came up. */
  notes: NoteCounts;
  cachedFiles: number;
  /** The manifest as of this scan: path -> size, mtime, hash. */
  manifest: Manifest;
}

export async function collectFacts(sources: readonly SourceFile[], options: CollectOptions): Promise<CollectedFacts> {
  const notes: NoteCounts = new Map();
  // Only while collecting: once every file is in, the pool itself would be a large Map.
  const strings = new StringPool();
  const { byPath, toScan, previous } = reuseSnapshot(sources, options, strings);
  if (previous.problem !== undefined) addNote(notes, { kind: 'cache-index', message: previous.problem });
  const reader = options.flow === undefined ? 'tree' : 'tokens';
  const shardDir = options.shardDir ?? options.cacheDir;
  const scanOptions: ScanFilesOptions = { ...options, cacheDir: shardDir, onFacts: (f: PackedFileFacts) => strings.internFile(f) };
  /** Outcomes of this scan's reads, by path: what the snapshot lacks. */
  const fresh = new Map<string, PackedOutcome>();
  // A changed file that needed control flow most likely still does: parsed now, not a round later.
  const parseNow = reader === 'tokens' ? toScan.filter((f) => previous.parsed.has(f.rel)) : [];
  const readNow = parseNow.length === 0 ? toScan : toScan.filter((f) => !previous.parsed.has(f.rel));
  const parseCalling = options.flow?.primitives;
  for (const o of await scanFiles(readNow, { ...scanOptions, reader, ...(parseCalling !== undefined ? { parseCalling } : {}) })) fresh.set(o.rel, o);
  if (parseNow.length > 0) for (const o of await scanFiles(parseNow, { ...scanOptions, reader: 'tree' })) fresh.set(o.rel, o);
  for (const [rel, o] of fresh) byPath.set(rel, o);

  // With a cache, full facts are read back from it, and a lost entry is rebuilt from source.
  const rebuild = shardDir === undefined ? undefined : { root: options.root, language: await loadCLanguage(options.wasm) };
  const detail = new FactDetail(shardDir, rebuild);
  for (const o of fresh.values()) if (o.packed !== undefined && o.detail !== undefined) detail.keep(o.packed, o.detail);
  if (options.flow !== undefined) await parseWhereFlowMatters(sources, byPath, fresh, detail, options.flow, scanOptions);

  const out: CollectedFacts = { files: [], detail, skipped: [], notes, cachedFiles: 0, manifest: new Map() };
  for (const src of sources) {
    const o = byPath.get(src.rel)!;
    for (const n of o.notes) addNote(notes, n);
    if (o.cached) out.cachedFiles++;
    if (o.hash !== undefined) out.manifest.set(o.rel, [src.size, src.mtimeMs, o.hash]);
    if (o.skipped !== undefined) out.skipped.push({ file: o.rel, reason: o.skipped });
    else if (o.packed !== undefined) out.files.push(o.packed);
  }
  if (options.cacheDir !== undefined) {
    try {
      writeManifest(options.cacheDir, options.root, out.manifest);
      updateSnapshot(options.cacheDir, options.root, previous.layout, out.files, snapshotChanges(previous.superseded, [...fresh.values()]), strings);
    } catch (e) {
      addNote(notes, { kind: 'cache-write', message: `cache not written: ${(e as Error).message}` });
    }
  }
  return out;
}

/**
 * Parses fully the files read from tokens whose control flow the rules need (flowNeeds.ts),
 * round after round until no file is left; `byPath` and `fresh` take their new outcomes.
 */
async function parseWhereFlowMatters(
  sources: readonly SourceFile[], byPath: Map<string, PackedOutcome>, fresh: Map<string, PackedOutcome>, detail: FactDetail,
  flow: FlowQuestion, scanOptions: ScanFilesOptions,
): Promise<void> {
  const bySource = new Map(sources.map((s) => [s.rel, s]));
  const take = (o: PackedOutcome): void => {
    if (o.packed === undefined) return;
    fresh.set(o.rel, o);
    byPath.set(o.rel, o);
    if (o.detail !== undefined) detail.keep(o.packed, o.detail);
  };
  const packedNow = (): PackedFileFacts[] => [...byPath.values()].flatMap((o) => (o.packed === undefined ? [] : [o.packed]));
  /** Files the full parse gave up on: they keep their token facts. */
  const unparsable = new Set<string>();
  // Each round reads the control flow of the same files again: read once, for the rounds only.
  const read = new Map<PackedFileFacts, FileFacts | undefined>();
  const readOnce = (f: PackedFileFacts): FileFacts | undefined => {
    if (!read.has(f)) read.set(f, detail.read(f));
    return read.get(f);
  };
  for (;;) {
    const names = flow.effectfulNames(packedNow(), readOnce);
    const need = tokenFilesCalling(packedNow(), names).filter((f) => !unparsable.has(f.file));
    if (need.length === 0) {
      // Files parsed in an earlier scan that no longer need it: as a scan from scratch reads them.
      // They call nothing effectful, so they summarize to nothing: the names stay as they are.
      const spare = parsedFilesCallingNone(packedNow(), names);
      if (spare.length === 0) return;
      for (const o of await scanFiles(spare.map((f) => bySource.get(f.file)!), { ...scanOptions, reader: 'tokens' })) {
        // Tokens may show a call the parse missed: such a file needs its parse after all.
        if (o.packed !== undefined && tokenFilesCalling([o.packed], names).length === 0) take(o);
      }
      return;
    }
    const parsed = await scanFiles(need.map((f) => bySource.get(f.file)!), { ...scanOptions, reader: 'tree' });
    for (const o of parsed) {
      if (o.packed !== undefined) {
        take(o);
        continue;
      }
      unparsable.add(o.rel);
      byPath.get(o.rel)!.notes.push({ kind: 'reader', message: `control flow not read (${o.skipped ?? 'no facts'}): calls taken as made in source order` });
    }
  }
}

/** What the snapshot held before this scan, past the entries the scan took from it. */
interface PreviousSnapshot {
  layout?: SnapshotLayout;
  problem?: string;
  /** path -> content hash of every entry the scan did not take: changed, gone or not vouched for. */
  superseded: Map<string, string>;
  /** Paths among those whose facts were read with a full parse. */
  parsed: Set<string>;
}

/**
 * Takes the facts of every file the manifest vouches for from the snapshot; the rest are to be
 * scanned. The snapshot's map does not outlive this call: what the scan did not take would
 * otherwise be held, unused, through the whole analysis.
 */
function reuseSnapshot(sources: readonly SourceFile[], options: CollectOptions, strings: StringPool): { byPath: Map<string, PackedOutcome>; toScan: SourceFile[]; previous: PreviousSnapshot } {
  const byPath = new Map<string, PackedOutcome>();
  const toScan: SourceFile[] = [];
  const own = options.cacheDir === undefined ? undefined : readSnapshot(options.cacheDir, options.root, strings);
  // Borrowed facts are only a starting point: no layout, so this scan writes a snapshot of its own.
  const seed = own?.layout === undefined && options.seedSnapshot !== undefined
    ? readSnapshot(options.seedSnapshot.dir, options.seedSnapshot.root, strings).files : undefined;
  const read = seed === undefined ? own : { files: seed, ...(own?.problem !== undefined ? { problem: own.problem } : {}) };
  const held = read?.files ?? new Map<string, PackedFileFacts>();
  for (const f of sources) {
    const m = options.manifest.get(f.rel);
    const packed = m !== undefined && m[0] === f.size && m[1] === f.mtimeMs ? held.get(f.rel) : undefined;
    // Facts read from tokens will not do when every file is to be parsed.
    if (packed !== undefined && packed.hash === m![2] && (options.flow !== undefined || packed.reader === undefined)) {
      held.delete(f.rel);
      byPath.set(f.rel, { rel: f.rel, hash: packed.hash, packed, cached: true, notes: [] });
    } else {
      toScan.push(f);
    }
  }
  const previous: PreviousSnapshot = {
    superseded: new Map(Array.from(held, ([path, f]) => [path, f.hash])),
    parsed: new Set(Array.from(held.values()).filter((f) => f.reader === undefined && f.functions.length > 0).map((f) => f.file)),
  };
  if (read?.layout !== undefined) previous.layout = read.layout;
  if (read?.problem !== undefined) previous.problem = read.problem;
  return { byPath, toScan, previous };
}

/** The delta from the snapshot to this scan: files scanned anew with content it lacks, and paths it holds that are gone. */
function snapshotChanges(superseded: ReadonlyMap<string, string>, scanned: readonly PackedOutcome[]): SnapshotChanges {
  const changed: PackedFileFacts[] = [];
  const kept = new Set<string>();
  for (const o of scanned) {
    if (o.packed === undefined) continue;
    kept.add(o.rel);
    // Only touched (same content, new mtime): the snapshot's record is already this one.
    if (superseded.get(o.rel) !== o.packed.hash) changed.push(o.packed);
  }
  return { changed, removed: [...superseded.keys()].filter((path) => !kept.has(path)) };
}
