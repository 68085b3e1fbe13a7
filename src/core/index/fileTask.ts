// One file through sources -> facts, with the cache in front. Runs in a worker thread or
// in-process; either way the same code.
import { readFileSync } from 'node:fs';
import type { Parser } from 'web-tree-sitter';
import { readFileFacts } from '../facts/readFile';
import { callsAny, type FactReader, type FileFacts } from '../model/facts';
import { decodeSource } from '../sources/textDecode';
import { contentHash, readShard, writeShard } from './factCache';
import { compressFacts } from './compressedFacts';
import { packFacts } from './packFacts';
import type { PackedFileFacts } from '../model/packedFacts';
import type { Note } from '../model/noteCounts';

export interface FileJob {
  rel: string;
  abs: string;
  /** Hash the manifest had for this path, when its size and mtime still match. */
  knownHash?: string;
  /** 'tree' when not given. */
  reader?: FactReader;
  /** The file's bytes when they are not those on disk (an editor's unsaved buffer). */
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
  /** The facts are in a cache shard (read from one or written to one). */
  stored?: boolean;
}

/** What the coordinator receives for a file: packed facts, and the full ones only when no shard has them. */
export interface PackedOutcome extends Omit<FileOutcome, 'facts' | 'stored'> {
  packed?: PackedFileFacts;
  /** compressFacts() of the full facts. */
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
export function processFile(job: FileJob, parser: Parser, cacheDir: string | undefined, parseCalling?: ReadonlySet<string>): FileOutcome {
  const notes: Note[] = [];
  const reader = job.reader ?? 'tree';
  // Token facts that call one of `parseCalling`, cached or not, are not the answer.
  const enough = (facts: FileFacts): boolean => facts.reader !== 'tokens' || parseCalling === undefined || !callsAny(facts, parseCalling);
  if (cacheDir !== undefined && job.knownHash !== undefined) {
    const shard = readShard(cacheDir, job.knownHash, job.rel, reader);
    if (shard.status === 'hit' && enough(shard.facts)) return { rel: job.rel, hash: job.knownHash, facts: shard.facts, cached: true, stored: true, notes };
    if (shard.status === 'corrupt') notes.push({ kind: 'cache-shard', message: `cache shard corrupt (${shard.reason}): rebuilt` });
  }
  let bytes: Uint8Array;
  try {
    bytes = job.content ?? readFileSync(job.abs);
  } catch (e) {
    return { rel: job.rel, cached: false, skipped: `unreadable: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, notes };
  }
  const hash = contentHash(bytes);
  if (cacheDir !== undefined && hash !== job.knownHash) {
    const shard = readShard(cacheDir, hash, job.rel, reader);
    if (shard.status === 'hit' && enough(shard.facts)) return { rel: job.rel, hash, facts: shard.facts, cached: true, stored: true, notes };
    if (shard.status === 'corrupt') notes.push({ kind: 'cache-shard', message: `cache shard corrupt (${shard.reason}): rebuilt` });
  }
  const decoded = decodeSource(bytes);
  if (!decoded.ok) return { rel: job.rel, hash, cached: false, skipped: decoded.reason, notes };
  if (decoded.replaced) notes.push({ kind: 'encoding', message: 'non-UTF-8 bytes replaced with U+FFFD' });
  const read = readFileFacts(job.rel, decoded.text, reader, parser, enough, notes);
  if (!read.ok) return { rel: job.rel, hash, cached: false, skipped: read.reason, notes };
  return { rel: job.rel, hash, facts: read.facts, cached: false, stored: store(cacheDir, hash, read.facts, notes), notes };
}

/** Writes the shard when there is a cache; true when the facts are now in one. */
function store(cacheDir: string | undefined, hash: string, facts: FileFacts, notes: Note[]): boolean {
  if (cacheDir === undefined) return false;
  try {
    writeShard(cacheDir, hash, facts);
    return true;
  } catch (e) {
    notes.push({ kind: 'cache-write', message: `cache not written: ${(e as Error).message}` });
    return false;
  }
}
