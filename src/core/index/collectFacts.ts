// Packed facts for every walked file: from the snapshot when the manifest vouches that the file
// is unchanged, else from a cache shard or a fresh parse (scanFiles). The outcome keeps the
// walk's file order, since node order decides ties between equally short chains.
import type { PackedFileFacts } from '../model/packedFacts';
import type { SkippedFile } from '../model/chain';
import { loadCLanguage } from '../parse/treeSitter';
import type { SourceFile } from '../sources/workspaceWalk';
import { writeManifest, type Manifest } from './factCache';
import { FactDetail } from './factDetail';
import type { PackedOutcome } from './fileTask';
import { StringPool } from './internStrings';
import { readSnapshot, writeSnapshot } from './packedSnapshot';
import { scanFiles, type ScanFilesOptions } from './scanFiles';
import { addNote, type NoteCounts } from '../model/noteCounts';

/** How to scan the files that are not in the snapshot, and the tree they are in. */
export interface CollectOptions extends Omit<ScanFilesOptions, 'onFacts'> {
  root: string;
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
  const note = (n: string): void => addNote(notes, n);
  // Only while collecting: once every file is in, the pool itself would be a large Map.
  const strings = new StringPool();
  const byPath = new Map<string, PackedOutcome>();
  const toScan: SourceFile[] = [];
  const snapshot = options.cacheDir === undefined ? undefined : readSnapshot(options.cacheDir, options.root);
  if (snapshot?.problem !== undefined) note(snapshot.problem);
  for (const f of sources) {
    const m = options.manifest.get(f.rel);
    const packed = m !== undefined && m[0] === f.size && m[1] === f.mtimeMs ? snapshot?.files.get(f.rel) : undefined;
    if (packed !== undefined && packed.hash === m![2]) {
      strings.internFile(packed);
      byPath.set(f.rel, { rel: f.rel, hash: packed.hash, packed, cached: true, notes: [] });
    } else {
      toScan.push(f);
    }
  }
  const scanned = await scanFiles(toScan, { ...options, onFacts: (f) => strings.internFile(f) });
  for (const o of scanned) byPath.set(o.rel, o);

  // With a cache, full facts are read back from shards, and a lost shard is rebuilt from source.
  const rebuild = options.cacheDir === undefined ? undefined : { root: options.root, language: await loadCLanguage(options.wasm) };
  const out: CollectedFacts = { files: [], detail: new FactDetail(options.cacheDir, rebuild), skipped: [], notes, cachedFiles: 0, manifest: new Map() };
  for (const src of sources) {
    const o = byPath.get(src.rel)!;
    for (const n of o.notes) note(n);
    if (o.cached) out.cachedFiles++;
    if (o.hash !== undefined) out.manifest.set(o.rel, [src.size, src.mtimeMs, o.hash]);
    if (o.skipped !== undefined) out.skipped.push({ file: o.rel, reason: o.skipped });
    else if (o.packed !== undefined) {
      out.files.push(o.packed);
      if (o.detail !== undefined) out.detail.keep(o.packed.hash, o.detail);
    }
  }
  if (options.cacheDir !== undefined) {
    try {
      writeManifest(options.cacheDir, options.root, out.manifest);
      if (toScan.length > 0 || snapshot?.files.size !== out.files.length) writeSnapshot(options.cacheDir, options.root, out.files);
    } catch (e) {
      note(`cache not written: ${(e as Error).message}`);
    }
  }
  return out;
}
