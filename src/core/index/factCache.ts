// On-disk fact cache, like clangd's index shards: facts per file content hash (in pack files,
// factPacks.ts), and a manifest that maps path + size + mtime to the hash so an unchanged tree
// is not even read. Every entry carries a checksum: a corrupt one is detected and rebuilt.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { writeAtomically } from './atomicFile';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { readerOf, type FactReader, type FileFacts } from '../model/facts';
import type { Note } from '../model/noteCounts';
import { PackStore } from './factPacks';

/**
 * Bump when facts change shape or meaning, the snapshot its layout, or content hashes their
 * form: old caches are then ignored.
 */
export const FACTS_VERSION = 21;

export type ShardRead =
  | { status: 'hit'; facts: FileFacts }
  | { status: 'miss' }
  | { status: 'corrupt'; reason: string };

/**
 * Git's blob id of the bytes (`git hash-object`): a revision's listing (`git ls-tree`) then
 * names the cache's entries for its files without a checkout (diff --git).
 */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** One content has an entry per reader: token facts do not stand in for a full parse. */
const READER_KINDS: Record<FactReader, number> = { tree: 0, tokens: 1 };

/** Facts by content hash and reader; written ones reach the disk at flush(). */
export class FactCache {
  private readonly packs: PackStore;

  /** `refreshOnMiss`: for readers that expect entries other writers made since they opened the cache. */
  constructor(dir: string, refreshOnMiss = false) {
    this.packs = new PackStore(join(dir, `v${FACTS_VERSION}`, 'packs'), refreshOnMiss);
  }

  /**
   * Reads the indexes of the cache's packs now: 160 ms on a whole kernel's cache, which a
   * long-lived reader (the live analysis) had paid at the first save.
   */
  prepare(): void {
    this.packs.prepare();
  }

  read(hash: string, file: string, reader: FactReader): ShardRead {
    const read = this.packs.read(hash, READER_KINDS[reader]);
    if (read.status !== 'hit') return read;
    try {
      const facts = deserialize(read.payload) as FileFacts;
      if (!Array.isArray(facts.functions) || !Array.isArray(facts.fieldAssignments)) return { status: 'corrupt', reason: 'unexpected shape' };
      return { status: 'hit', facts: { ...facts, file } };
    } catch (e) {
      return { status: 'corrupt', reason: (e as Error).message };
    }
  }

  write(hash: string, facts: FileFacts): void {
    this.packs.add(hash, READER_KINDS[readerOf(facts)], serialize(facts));
  }

  /** Writes what write() queued; throws when it could not. */
  flush(): void {
    this.packs.flush();
  }

  /** Damage found in the cache's indexes since the last call. */
  takeNotes(): Note[] {
    return this.packs.takeProblems().map((message) => ({ kind: 'cache-index', message }));
  }
}

/** path -> [size, mtimeMs, content hash] */
export type Manifest = Map<string, [number, number, string]>;

/**
 * The manifest on disk: `entries` is flat (path, size, mtime, hash, path, ...), which a warm scan
 * of a whole kernel parses in a third of the time an object with 55k keys took. `files`, that
 * object, is still read when an older build of this version wrote it.
 */
interface ManifestFile {
  version: number;
  root: string;
  entries?: unknown[];
  files?: Record<string, unknown>;
}

export function readManifest(dir: string, root: string): { manifest: Manifest; problem?: string } {
  const path = join(dir, `v${FACTS_VERSION}`, 'manifest.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { manifest: new Map() };
  }
  try {
    const doc = JSON.parse(text) as ManifestFile;
    const { entries, files } = doc;
    if (doc.version !== FACTS_VERSION || doc.root !== root || !(Array.isArray(entries) || (typeof files === 'object' && files !== null))) {
      return { manifest: new Map(), problem: 'cache manifest is for another version or tree: rebuilt' };
    }
    const manifest: Manifest = new Map();
    const add = (k: unknown, size: unknown, mtime: unknown, hash: unknown): void => {
      if (typeof k === 'string' && typeof size === 'number' && typeof mtime === 'number' && typeof hash === 'string') manifest.set(k, [size, mtime, hash]);
    };
    if (Array.isArray(entries)) {
      for (let i = 0; i + 3 < entries.length; i += 4) add(entries[i], entries[i + 1], entries[i + 2], entries[i + 3]);
    } else {
      for (const [k, v] of Object.entries(files!)) if (Array.isArray(v) && v.length === 3) add(k, v[0], v[1], v[2]);
    }
    return { manifest };
  } catch (e) {
    return { manifest: new Map(), problem: `cache manifest is corrupt (${(e as Error).message}): rebuilt` };
  }
}

export function writeManifest(dir: string, root: string, manifest: Manifest): void {
  const path = join(dir, `v${FACTS_VERSION}`, 'manifest.json');
  mkdirSync(dirname(path), { recursive: true });
  const entries: (string | number)[] = [];
  for (const [k, [size, mtime, hash]] of manifest) entries.push(k, size, mtime, hash);
  const doc: ManifestFile = { version: FACTS_VERSION, root, entries };
  writeAtomically(path, JSON.stringify(doc));
}

/** Adds entries to a cache's manifest: files whose content hash is known without reading them. */
export function vouchFor(dir: string, root: string, entries: Manifest): void {
  const { manifest } = readManifest(dir, root);
  for (const [path, entry] of entries) manifest.set(path, entry);
  writeManifest(dir, root, manifest);
}

/** Content hashes of the files the manifest vouches for (same size and mtime), and the files it does not. */
export function vouchedHashes<F extends { rel: string; size: number; mtimeMs: number }>(files: readonly F[], manifest: Manifest): { hashes: Map<string, string>; unvouched: F[] } {
  const hashes = new Map<string, string>();
  const unvouched: F[] = [];
  for (const f of files) {
    const m = manifest.get(f.rel);
    if (m === undefined || m[0] !== f.size || m[1] !== f.mtimeMs) unvouched.push(f);
    else hashes.set(f.rel, m[2]);
  }
  return { hashes, unvouched };
}
