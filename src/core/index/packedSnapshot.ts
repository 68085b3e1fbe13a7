// The packed facts of a whole scan in one file beside the shards. After an edit, every
// unchanged file is taken from here: one read instead of tens of thousands of shard reads and
// decodes. Files are matched by content hash (from the manifest), so a stale entry is never used.
//
// Layout: SHA-1 of everything after it, then length-prefixed records (a header, then one per
// file), each a v8 structured clone. Written and read a record at a time, so that a whole
// kernel's snapshot (hundreds of MiB) is never held as one buffer, let alone copied.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { PackedFileFacts } from '../model/packedFacts';
import { FACTS_VERSION } from './factCache';

interface SnapshotHeader {
  version: number;
  root: string;
  files: number;
}

const SUM_BYTES = 20;
const LENGTH_BYTES = 4;
const CHUNK = 16 * 1024 * 1024;

function snapshotPath(dir: string): string {
  return join(dir, `v${FACTS_VERSION}`, 'facts.snapshot');
}

/** Packed facts by path; a problem (corrupt, other tree) is returned for the user, not thrown. */
export function readSnapshot(dir: string, root: string): { files: Map<string, PackedFileFacts>; problem?: string } {
  let fd: number;
  try {
    fd = openSync(snapshotPath(dir), 'r');
  } catch {
    return { files: new Map() };
  }
  const corrupt = (why: string) => ({ files: new Map<string, PackedFileFacts>(), problem: `cache snapshot is corrupt (${why}): rebuilt` });
  try {
    const reader = new RecordReader(fd);
    const sum = reader.exact(SUM_BYTES);
    if (sum === undefined) return corrupt('truncated');
    const hash = createHash('sha1');
    const next = (): Buffer | undefined => {
      const len = reader.exact(LENGTH_BYTES);
      if (len === undefined) return undefined;
      const body = reader.exact(len.readUInt32LE(0));
      if (body === undefined) throw new Error('truncated record');
      hash.update(len).update(body);
      return body;
    };
    const first = next();
    if (first === undefined) return corrupt('truncated');
    const header = deserialize(first) as SnapshotHeader;
    if (header.version !== FACTS_VERSION || header.root !== root) return { files: new Map() };
    const files = new Map<string, PackedFileFacts>();
    for (let rec = next(); rec !== undefined; rec = next()) {
      const f = deserialize(rec) as PackedFileFacts;
      // Typed arrays come back as views of the read buffer: copy, so the chunk can go.
      f.calls = f.calls.slice();
      files.set(f.file, f);
    }
    if (!hash.digest().equals(sum)) return corrupt('checksum mismatch');
    if (files.size !== header.files) return corrupt('truncated');
    return { files };
  } catch (e) {
    return corrupt((e as Error).message);
  } finally {
    closeSync(fd);
  }
}

export function writeSnapshot(dir: string, root: string, files: readonly PackedFileFacts[]): void {
  const path = snapshotPath(dir);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    const hash = createHash('sha1');
    // A placeholder, written in sequence (a positioned write would not move the file offset).
    writeSync(fd, Buffer.alloc(SUM_BYTES));
    const put = (record: Buffer): void => {
      const len = Buffer.alloc(LENGTH_BYTES);
      len.writeUInt32LE(record.length, 0);
      hash.update(len).update(record);
      writeSync(fd, len);
      writeSync(fd, record);
    };
    put(serialize({ version: FACTS_VERSION, root, files: files.length } satisfies SnapshotHeader));
    for (const f of files) put(serialize(f));
    writeSync(fd, hash.digest(), 0, SUM_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Reads a file in large chunks and hands out exact byte counts (copies only at chunk seams). */
class RecordReader {
  private buf = Buffer.alloc(0);
  private at = 0;
  private eof = false;

  constructor(private readonly fd: number) {}

  /** The next `n` bytes, or undefined at a clean end of file; throws if the file ends inside them. */
  exact(n: number): Buffer | undefined {
    while (this.buf.length - this.at < n && !this.eof) this.fill(n);
    if (this.buf.length - this.at < n) {
      if (this.buf.length === this.at) return undefined;
      throw new Error('truncated record');
    }
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  private fill(need: number): void {
    const rest = this.buf.subarray(this.at);
    const next = Buffer.allocUnsafe(Math.max(CHUNK, need) + rest.length);
    rest.copy(next, 0);
    const got = readSync(this.fd, next, rest.length, next.length - rest.length, null);
    if (got === 0) this.eof = true;
    this.buf = next.subarray(0, rest.length + got);
    this.at = 0;
  }
}
