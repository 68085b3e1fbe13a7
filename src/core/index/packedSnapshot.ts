// The packed facts of a whole scan in one file beside the fact packs. After an edit, every
// unchanged file is taken from here: one read instead of tens of thousands of entry reads and
// decodes. Files are matched by content hash (from the manifest), so a stale entry is never used.
//
// Layout: segments, each its own length-prefixed records (a header, the table of the strings its
// files use in parts, then one record per file naming them by index; each a v8 structured clone)
// followed by the SHA-1 of those records. The first segment is the base (every file); the
// others are deltas appended after scans that changed a few files: a delta's records
// replace earlier ones with the same path, and its header lists the paths removed. The checksum
// trails its segment so that appending never touches bytes already written, and an append cut
// short (a crash, a full disk) fails its own check without casting doubt on what precedes it.
// Records are written and read one at a time, so a kernel's base (hundreds of MiB) is never one buffer.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, constants, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { PackedFileFacts } from '../model/packedFacts';
import { FACTS_VERSION } from './factCache';
import { StringPool } from './internStrings';
import { RecordReader } from './recordReader';
import { decodeTabled, encodeTabled, SegmentStrings, type StringTable, type TabledFile } from './snapshotStrings';

type SegmentKind =
  | { kind: 'base'; version: number; root: string; files: number }
  | { kind: 'delta'; files: number; removed: string[] };

/** `tableParts`: the records the table of strings takes (see TABLE_PART) before the files' records. */
type SegmentHeader = SegmentKind & { tableParts: number };

/**
 * Strings per record of the table: a kernel's table (1.2 million strings, 23 MiB) in one record
 * was held two or three times over while written (the serializer's buffer, the record, the
 * batch), tens of MiB on top of the facts just before the graph is built.
 */
const TABLE_PART = 1 << 16;

/** How much the base and the deltas after it hold: what decides between appending and compacting. */
export interface SnapshotLayout {
  baseFiles: number;
  baseBytes: number;
  /** Records and removals in all deltas. */
  deltaEntries: number;
  deltaBytes: number;
}

export interface SnapshotRead {
  files: Map<string, PackedFileFacts>;
  /** For the user: what was wrong with the file. */
  problem?: string;
  /** Set when the file is whole and of this version and tree: only then may a delta follow it. */
  layout?: SnapshotLayout;
}

const SUM_BYTES = 20;
const LENGTH_BYTES = 4;
/** A base is written in pieces of about this size: two syscalls per record would be 110k on a kernel. */
const WRITE_BATCH = 1024 * 1024;

function snapshotPath(dir: string): string {
  return join(dir, `v${FACTS_VERSION}`, 'facts.snapshot');
}

/**
 * Packed facts by path; a problem (corrupt, other tree) is returned for the user, not thrown.
 * Their strings are shared through `strings` as each record is decoded: copies dropped then die
 * young, where dropped after the whole read they would first fill the old generation and size
 * the heap for what follows.
 */
export function readSnapshot(dir: string, root: string, strings: StringPool = new StringPool()): SnapshotRead {
  let fd: number;
  try {
    fd = openSync(snapshotPath(dir), 'r');
  } catch {
    return { files: new Map() };
  }
  try {
    const reader = new RecordReader(fd);
    const files = new Map<string, PackedFileFacts>();
    let base: SegmentRead | undefined;
    try {
      base = readSegment(reader, isOurBase(root), strings, (f) => files.set(f.file, f));
    } catch (e) {
      return { files: new Map(), problem: corrupt((e as Error).message) };
    }
    if (base === undefined) return { files: new Map() }; // another version or tree: rewritten, nothing wrong
    const layout: SnapshotLayout = { baseFiles: base.header.files, baseBytes: base.bytes, deltaEntries: 0, deltaBytes: 0 };
    for (let n = 1; !reader.atEnd; n++) {
      // A delta is applied only once its checksum holds. A damaged one is dropped with any after
      // it (they cannot be framed reliably); the base and the earlier deltas still count.
      const records: PackedFileFacts[] = [];
      try {
        const delta = readSegment(reader, isDelta, strings, (f) => records.push(f))!;
        const removed = delta.header.kind === 'delta' ? delta.header.removed : [];
        for (const f of records) files.set(f.file, f);
        for (const path of removed) files.delete(path);
        layout.deltaEntries += records.length + removed.length;
        layout.deltaBytes += delta.bytes;
      } catch (e) {
        // No layout: the next write rewrites the file rather than append after the damage.
        return { files, problem: corrupt(`delta ${n}: ${(e as Error).message}`) };
      }
    }
    return { files, layout };
  } finally {
    closeSync(fd);
  }
}

function corrupt(why: string): string {
  return `cache snapshot is corrupt (${why}): rebuilt`;
}

/** Whether to read the segment a header starts (false: skip the file); throws when the header cannot be right. */
type HeaderCheck = (header: SegmentHeader) => boolean;

function isOurBase(root: string): HeaderCheck {
  return (h) => {
    if (h.kind !== 'base') throw new Error('no base segment');
    return h.version === FACTS_VERSION && h.root === root;
  };
}

const isDelta: HeaderCheck = (h) => {
  if (h.kind !== 'delta' || !Array.isArray(h.removed)) throw new Error('unexpected header');
  return true;
};

interface SegmentRead {
  header: SegmentHeader;
  bytes: number;
}

/**
 * One segment, its file records handed to `onFile` as they come; undefined when `check` turns
 * the header down. Throws unless the whole segment checks out.
 */
function readSegment(reader: RecordReader, check: HeaderCheck, strings: StringPool, onFile: (f: PackedFileFacts) => void): SegmentRead | undefined {
  const start = reader.offset;
  const hash = createHash('sha1');
  const next = (): Buffer => {
    const len = reader.exact(LENGTH_BYTES);
    const body = reader.exact(len.readUInt32LE(0));
    hash.update(len).update(body);
    return body;
  };
  const header = deserialize(next()) as SegmentHeader;
  if (typeof header !== 'object' || header === null || !Number.isInteger(header.files)) throw new Error('unexpected header');
  if (!check(header)) return undefined;
  // A damaged record may not decode; the checksum, known only at the end, names the cause.
  let undecodable: Error | undefined;
  const table: string[] = [];
  if (!Number.isInteger(header.tableParts) || header.tableParts < 0) throw new Error('unexpected header');
  for (let p = 0; p < header.tableParts; p++) {
    const body = next();
    if (undecodable !== undefined) continue;
    try {
      const part = deserialize(body) as unknown;
      if (!Array.isArray(part) || !part.every((s) => typeof s === 'string')) throw new Error('the table of strings is not a list of strings');
      for (const s of part as string[]) table.push(strings.intern(s));
    } catch (e) {
      undecodable = e as Error;
    }
  }
  for (let i = 0; i < header.files; i++) {
    const body = next();
    if (undecodable !== undefined) continue;
    try {
      const record = deserialize(body) as TabledFile;
      // Typed arrays come back as views of the read buffer: copy, so the chunk can go (names are copied out).
      record.calls = record.calls.slice();
      onFile(decodeTabled(record, table));
    } catch (e) {
      undecodable = e as Error;
    }
  }
  if (!hash.digest().equals(reader.exact(SUM_BYTES))) throw new Error('checksum mismatch');
  if (undecodable !== undefined) throw undecodable;
  return { header, bytes: reader.offset - start };
}

/**
 * Replaces the snapshot with a base of `files` (tmp + rename: readers see the old file or the
 * new one). `strings`: a table holding every string of theirs (the pool they were interned in,
 * which saves gathering one: seconds on a kernel), else one is gathered.
 */
export function writeSnapshot(dir: string, root: string, files: readonly PackedFileFacts[], strings: StringTable = new SegmentStrings(files)): void {
  const path = snapshotPath(dir);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    const out = new SegmentWriter((bytes) => writeSync(fd, bytes), WRITE_BATCH);
    out.segment({ kind: 'base', version: FACTS_VERSION, root, files: files.length }, files, strings);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** A delta segment, encoded: appended as is, or measured and dropped when a rewrite is due. */
export function encodeDelta(files: readonly PackedFileFacts[], removed: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  const out = new SegmentWriter((bytes) => parts.push(bytes), Infinity);
  out.segment({ kind: 'delta', files: files.length, removed: [...removed] }, files, new SegmentStrings(files));
  return Buffer.concat(parts);
}

/**
 * Appends an encoded delta in one write. The file must exist (a delta alone is no snapshot).
 * Only the trailing checksum vouches for the write: a crash part way leaves a delta that the
 * next read finds damaged and drops.
 */
export function appendDelta(dir: string, delta: Buffer): void {
  const fd = openSync(snapshotPath(dir), constants.O_WRONLY | constants.O_APPEND);
  try {
    writeSync(fd, delta);
  } finally {
    closeSync(fd);
  }
}

/** Length-prefixes records under a running SHA-1, gathering them into writes of about `batch` bytes. */
class SegmentWriter {
  private readonly hash: Hash = createHash('sha1');
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly write: (bytes: Buffer) => void, private readonly batch: number) {}

  /** A whole segment: the header, the table of strings in parts, a record per file, the checksum. */
  segment(header: SegmentKind, files: readonly PackedFileFacts[], strings: StringTable): void {
    const { table } = strings;
    const tableParts = Math.ceil(table.length / TABLE_PART);
    this.record(serialize({ ...header, tableParts }));
    for (let p = 0; p < tableParts; p++) this.record(serialize(table.slice(p * TABLE_PART, (p + 1) * TABLE_PART)));
    // One file encoded at a time: tabled copies of every file at once would double the facts in memory.
    for (const f of files) this.record(serialize(encodeTabled(f, strings)));
    this.end();
  }

  private record(body: Buffer): void {
    const len = Buffer.alloc(LENGTH_BYTES);
    len.writeUInt32LE(body.length, 0);
    this.hash.update(len).update(body);
    this.pending.push(len, body);
    this.pendingBytes += LENGTH_BYTES + body.length;
    if (this.pendingBytes >= this.batch) this.flush();
  }

  private end(): void {
    this.pending.push(this.hash.digest());
    this.flush();
  }

  private flush(): void {
    this.write(Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }
}
