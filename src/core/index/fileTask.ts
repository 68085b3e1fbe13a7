// One file through sources -> facts, with the cache in front. Runs in a worker thread or
// in-process; either way the same code.
import { readFileSync } from 'node:fs';
import type { Parser } from 'web-tree-sitter';
import { readFileFacts } from '../facts/readFile';
import { callsAny, type FactReader, type FileFacts } from '../model/facts';
import { decodeSource } from '../sources/textDecode';
import { contentHash, type FactCache } from './factCache';
import { compressFacts } from './compressedFacts';
import { packFacts } from './packFacts';
import type { PackedFileFacts } from '../model/packedFacts';
import type { Note } from '../model/noteCounts';

export interface FileJob {
  rel: string;
  abs: string;
  /**
   * Hash the manifest had for this path, when its size and mtime still match; with `content`,
   * the hash of that content (the caller hashed it already).
   */
  knownHash?: string;
  /** 'tree' when not given. */
  reader?: FactReader;
  /** The file's bytes when the caller has them: an editor's unsaved buffer, or the disk's, already read. */
  content?: Uint8Array;
}

export interface FileOutcome {
  rel: string;
  hash?: string;
  facts?: FileFacts;
  cached: boolean;
  /** Why the file was not analysed. */
  skipped?: string;
  /** Things worth telling the user even though the file was analysed. */
  notes: Note[];
  /** The facts are in the cache (read from it, or written to it by the next flush). */
  stored?: boolean;
}

/** What the coordinator receives for a file: packed facts, and the full ones only when the cache does not have them. */
export interface PackedOutcome extends Omit<FileOutcome, 'facts' | 'stored'> {
  packed?: PackedFileFacts;
  /** compressFacts() of the full facts, when the cache does not have them. */
  detail?: Uint8Array;
}

export function packOutcome(o: FileOutcome): PackedOutcome {
  const { facts, stored, ...rest } = o;
  if (facts === undefined || o.hash === undefined) return rest;
  const out: PackedOutcome = { ...rest, packed: packFacts(facts, o.hash) };
  if (stored !== true) out.detail = compressFacts(facts);
  return out;
}

/**
 * `parseCalling`: a file read from tokens that calls one of these directly is parsed fully at
 * once, rather than in a later round of the flow-needs check (index/flowNeeds.ts).
 */
export function processFile(job: FileJob, parser: Parser, cache: FactCache | undefined, parseCalling?: ReadonlySet<string>): FileOutcome {
  const notes: Note[] = [];
  const reader = job.reader ?? 'tree';
  // Token facts that call one of `parseCalling`, cached or not, are not the answer.
  const enough = (facts: FileFacts): boolean => facts.reader !== 'tokens' || parseCalling === undefined || !callsAny(facts, parseCalling);
  // Cached facts of the content, by its hash: the job's reader's, or when those are token facts
  // that are not enough, a full parse's (a live edit that makes a wrapper release, undone and
  // made again, reads its callers' files so), as reading them anew would give.
  const cached = (from: FactCache, hash: string): FileFacts | undefined => {
    const shard = from.read(hash, job.rel, reader);
    if (shard.status === 'corrupt') notes.push({ kind: 'cache-shard', message: `cached facts corrupt (${shard.reason}): rebuilt` });
    if (shard.status !== 'hit') return undefined;
    if (enough(shard.facts)) return shard.facts;
    const full = from.read(hash, job.rel, 'tree');
    return full.status === 'hit' && full.facts.tokensDeclined !== true ? full.facts : undefined;
  };
  if (cache !== undefined && job.knownHash !== undefined) {
    const facts = cached(cache, job.knownHash);
    if (facts !== undefined) return { rel: job.rel, hash: job.knownHash, facts, cached: true, stored: true, notes };
  }
  let bytes: Uint8Array;
  try {
    bytes = job.content ?? readFileSync(job.abs);
  } catch (e) {
    return { rel: job.rel, cached: false, skipped: `unreadable: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, notes };
  }
  const hash = job.content !== undefined && job.knownHash !== undefined ? job.knownHash : contentHash(bytes);
  if (cache !== undefined && hash !== job.knownHash) {
    const facts = cached(cache, hash);
    if (facts !== undefined) return { rel: job.rel, hash, facts, cached: true, stored: true, notes };
  }
  const decoded = decodeSource(bytes);
  if (!decoded.ok) return { rel: job.rel, hash, cached: false, skipped: decoded.reason, notes };
  if (decoded.replaced) notes.push({ kind: 'encoding', message: 'non-UTF-8 bytes replaced with U+FFFD' });
  const read = readFileFacts(job.rel, decoded.text, reader, parser, enough, notes);
  if (!read.ok) return { rel: job.rel, hash, cached: false, skipped: read.reason, notes };
  return { rel: job.rel, hash, facts: read.facts, cached: false, stored: store(cache, hash, read.facts, notes), notes };
}

/**
 * Runs `jobs` through `run` (processFile) and writes what they queued for the cache in one go:
 * a pack append per batch, not a file per source file. When that fails the outcomes say so, and
 * their full facts travel with them instead.
 */
export function processFiles(jobs: readonly FileJob[], run: (job: FileJob) => FileOutcome, cache: FactCache | undefined): FileOutcome[] {
  const outcomes = jobs.map(run);
  if (cache === undefined) return outcomes;
  try {
    cache.flush();
  } catch (e) {
    for (const o of outcomes) {
      if (o.stored !== true || o.cached) continue;
      o.stored = false;
      o.notes.push({ kind: 'cache-write', message: `cache not written: ${(e as Error).message}` });
    }
  }
  outcomes[0]?.notes.push(...cache.takeNotes());
  return outcomes;
}

/** One file read outside a scan (a live edit, a lost entry read again), its cache entry written at once. */
export function processOne(job: FileJob, parser: Parser, cache: FactCache | undefined, parseCalling?: ReadonlySet<string>): FileOutcome {
  return processFiles([job], (j) => processFile(j, parser, cache, parseCalling), cache)[0]!;
}

/** Queues the facts for the cache when there is one; true when they are to be in it. */
function store(cache: FactCache | undefined, hash: string, facts: FileFacts, notes: Note[]): boolean {
  if (cache === undefined) return false;
  try {
    cache.write(hash, facts);
    return true;
  } catch (e) {
    notes.push({ kind: 'cache-write', message: `cache not written: ${(e as Error).message}` });
    return false;
  }
}
