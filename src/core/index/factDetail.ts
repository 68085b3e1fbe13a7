// Where the full facts of a file are read again after the scan: its cache entry, or (without
// a cache) a compressed copy kept in memory. An entry that is gone or corrupt is rebuilt from the
// source, if the source still has the content the packed facts came from. Recently read files
// are kept, since the functions that need their control flow cluster in a few files.
import { join } from 'node:path';
import type { Language } from 'web-tree-sitter';
import { readerOf, type FactReader, type FileFacts } from '../model/facts';
import type { PackedFileFacts } from '../model/packedFacts';
import type { Note } from '../model/noteCounts';
import { parserFor } from '../parse/treeSitter';
import { decompressFacts } from './compressedFacts';
import { FactCache } from './factCache';
import { processOne } from './fileTask';

const RECENT_FILES = 64;

export class FactDetail {
  private readonly recent = new Map<string, FileFacts | null>();
  private readonly kept = new Map<string, Uint8Array>();
  private readonly cache: FactCache | undefined;

  /** Things that went wrong while reading facts again, for the user. */
  readonly notes: Note[] = [];

  /** `rebuild` is given when there is a cache: the root and grammar to re-extract a file with. */
  constructor(cacheDir: string | undefined, private readonly rebuild?: { root: string; language: Language }) {
    // Scans and live edits add entries after this opens the cache: a miss looks for them.
    this.cache = cacheDir === undefined ? undefined : new FactCache(cacheDir, true);
  }

  /** Keeps a compressed copy of a file's facts (used when the cache does not have them). */
  keep(file: PackedFileFacts, compressed: Uint8Array): void {
    this.kept.set(contentKey(file), compressed);
  }

  read(file: PackedFileFacts): FileFacts | undefined {
    const key = `${contentKey(file)}\0${file.file}`;
    let facts = this.recent.get(key);
    if (facts === undefined) facts = this.load(file) ?? null;
    this.remember(key, facts);
    return facts ?? undefined;
  }

  /**
   * Full facts of the content `hash` of `file` as `reader` read it, when read recently: a live
   * edit that reads a file the other way (a callee became a wrapper, or stopped being one) finds
   * the facts the last such switch replaced here, without loading them.
   */
  recentFacts(file: string, hash: string, reader: FactReader): FileFacts | undefined {
    return this.recent.get(`${readKey(reader, hash)}\0${file}`) ?? undefined;
  }

  /** Full facts just made for `file` (a live edit): the next reads need not load them. */
  seed(file: PackedFileFacts, facts: FileFacts): void {
    this.remember(`${contentKey(file)}\0${file.file}`, facts);
  }

  private remember(key: string, facts: FileFacts | null): void {
    this.recent.delete(key);
    if (this.recent.size >= RECENT_FILES) this.recent.delete(this.recent.keys().next().value!);
    this.recent.set(key, facts);
  }

  private load(file: PackedFileFacts): FileFacts | undefined {
    const kept = this.kept.get(contentKey(file));
    if (kept !== undefined) {
      try {
        return { ...decompressFacts(kept), file: file.file };
      } catch {
        return undefined;
      }
    }
    if (this.cache === undefined) return undefined;
    const reader = readerOf(file);
    const shard = this.cache.read(file.hash, file.file, reader);
    this.notes.push(...this.cache.takeNotes());
    if (shard.status === 'hit') return shard.facts;
    if (shard.status === 'corrupt') this.notes.push({ kind: 'cache-shard', message: `cached facts corrupt (${shard.reason}): rebuilt` });
    if (this.rebuild === undefined) return undefined;
    const parser = parserFor(this.rebuild.language);
    try {
      const o = processOne({ rel: file.file, abs: join(this.rebuild.root, file.file), reader }, parser, this.cache);
      this.notes.push(...o.notes.filter((n) => n.kind !== 'cache-shard'));
      return o.hash === file.hash ? o.facts : undefined;
    } finally {
      parser.delete();
    }
  }
}

/** The same content read two ways gives two sets of facts. */
function contentKey(file: PackedFileFacts): string {
  return readKey(readerOf(file), file.hash);
}

function readKey(reader: FactReader, hash: string): string {
  return `${reader}:${hash}`;
}
