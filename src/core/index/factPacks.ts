// Payloads keyed by content hash and kind, in append-only pack files (as git's packs): one file
// creation per pack rather than per source file, which had been half of a cold scan's cost of
// writing the cache. Each writer (a scan worker, a live analysis) appends to packs named for
// itself, so two processes sharing a cache never write one file. Beside each pack its index is
// appended a checksummed block at a time, after the entries it names; a reader loads the
// indexes once. Every entry carries a SHA-1 of its header and payload: damage is reported, not
// trusted, and an index that is damaged or gone is rebuilt by walking its pack.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, writeSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { writeAtomically } from './atomicFile';

export type PackRead =
  | { status: 'hit'; payload: Buffer }
  | { status: 'miss' }
  | { status: 'corrupt'; reason: string };

/** An entry: magic, payload length, key (content hash + kind), padding, SHA-1 of all before it and of the payload. */
const MAGIC = 0x3146504c; // 'LPF1'
const KEY_AT = 8;
const HASH_BYTES = 20;
const KEY_BYTES = HASH_BYTES + 1;
const SUM_AT = 32;
const HEADER = SUM_AT + 20;
/** An index record: key, padding, entry offset, payload length. A block: count, records, SHA-1 of both. */
const RECORD = 32;
const BLOCK_SUM = 20;
/** Past this size a writer starts a new pack: offsets stay 32-bit, and a lost index costs one pack's walk. */
const PACK_LIMIT = 64 * 1024 * 1024;
/** Entries of one flush per writev call (IOV_MAX is 1024 on Linux). */
const IOV_ENTRIES = 256;

interface Location {
  pack: string;
  offset: number;
  length: number;
}

interface Pending {
  key: Buffer;
  payload: Uint8Array;
}

export class PackStore {
  private index: Map<string, Location> | undefined;
  /** Index file -> bytes of it read so far. */
  private readonly consumed = new Map<string, number>();
  private readonly pending = new Map<string, Pending>();
  private pack: { name: string; size: number } | undefined;
  private readonly problems: string[] = [];

  /** `refreshOnMiss`: a key not in the index looks for what other writers added since (for reads that expect a hit). */
  constructor(private readonly dir: string, private readonly refreshOnMiss = false) {}

  /** Reads the packs' indexes now, not at the first lookup. */
  prepare(): void {
    this.loaded();
  }

  read(hash: string, kind: number): PackRead {
    const key = keyOf(hash, kind);
    const pending = this.pending.get(key);
    if (pending !== undefined) return { status: 'hit', payload: Buffer.from(pending.payload) };
    let at = this.loaded().get(key);
    if (at === undefined && this.refreshOnMiss) {
      this.refresh();
      at = this.loaded().get(key);
    }
    return at === undefined ? { status: 'miss' } : this.readEntry(at, key);
  }

  /** Queues an entry; it is written by the next flush(). */
  add(hash: string, kind: number, payload: Uint8Array): void {
    const key = keyOf(hash, kind);
    this.pending.set(key, { key: keyBytes(hash, kind), payload });
  }

  /** Appends the queued entries to this writer's pack, then their block to its index. Throws when they could not be written. */
  flush(): void {
    if (this.pending.size === 0) return;
    const entries = [...this.pending.values()];
    this.pending.clear();
    if (this.pack === undefined || this.pack.size >= PACK_LIMIT) {
      mkdirSync(this.dir, { recursive: true });
      this.pack = { name: `${process.pid}-${threadId}-${randomBytes(4).toString('hex')}`, size: 0 };
    }
    const pack = this.pack;
    const fd = openSync(join(this.dir, `${pack.name}.pack`), 'a');
    const records = Buffer.alloc(4 + entries.length * RECORD + BLOCK_SUM);
    records.writeUInt32LE(entries.length, 0);
    try {
      let offset = fstatSync(fd).size;
      for (let i = 0; i < entries.length; i += IOV_ENTRIES) {
        const chunk = entries.slice(i, i + IOV_ENTRIES);
        const buffers: Uint8Array[] = [];
        let bytes = 0;
        chunk.forEach((e, j) => {
          buffers.push(header(e.key, e.payload), e.payload);
          const r = 4 + (i + j) * RECORD;
          e.key.copy(records, r);
          records.writeUInt32LE(offset + bytes, r + 24);
          records.writeUInt32LE(e.payload.length, r + 28);
          bytes += HEADER + e.payload.length;
        });
        if (writevSync(fd, buffers) !== bytes) throw new Error('short write to a fact pack');
        offset += bytes;
      }
      pack.size = offset;
    } catch (e) {
      // What follows a torn entry could not be found by walking the pack: start a new one.
      this.pack = undefined;
      throw e;
    } finally {
      closeSync(fd);
    }
    const body = records.subarray(0, records.length - BLOCK_SUM);
    createHash('sha1').update(body).digest().copy(records, body.length);
    const idx = openSync(join(this.dir, `${pack.name}.idx`), 'a');
    try {
      if (writeSync(idx, records) !== records.length) throw new Error('short write to a fact pack index');
    } finally {
      closeSync(idx);
    }
    if (this.index !== undefined) addRecords(this.index, pack.name, records);
  }

  /** What went wrong loading the indexes since the last call, for the user. */
  takeProblems(): string[] {
    return this.problems.splice(0);
  }

  private loaded(): Map<string, Location> {
    if (this.index === undefined) {
      this.index = new Map();
      this.refresh();
    }
    return this.index;
  }

  /** Reads what the indexes gained since last time, and indexes packs whose index is gone or damaged by walking them. */
  private refresh(): void {
    const index = this.index!;
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return; // no packs yet
    }
    for (const pack of byAge(this.dir, names)) {
      const idx = `${pack}.idx`;
      const from = this.consumed.get(idx) ?? 0;
      const tail = readFrom(join(this.dir, idx), from);
      if (tail === undefined) {
        this.rebuildIndex(pack, false);
        continue;
      }
      const read = addRecords(index, pack, tail);
      if (read === undefined) this.rebuildIndex(pack, true);
      else this.consumed.set(idx, from + read);
    }
  }

  /**
   * Indexes a pack by walking its entries, and writes its index anew. A writer still appending
   * to the pack may lose a block to the rename: those entries are then only missed, never wrong.
   */
  private rebuildIndex(pack: string, damaged: boolean): void {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(this.dir, `${pack}.pack`));
    } catch {
      return;
    }
    const records: Buffer[] = [];
    let at = 0;
    while (at + HEADER <= bytes.length) {
      const entryLength = bytes.readUInt32LE(at + 4);
      if (bytes.readUInt32LE(at) !== MAGIC || at + HEADER + entryLength > bytes.length) break;
      const entry = bytes.subarray(at, at + HEADER + entryLength);
      if (!checksumOk(entry)) break;
      const r = Buffer.alloc(RECORD);
      entry.copy(r, 0, KEY_AT, KEY_AT + KEY_BYTES);
      r.writeUInt32LE(at, 24);
      r.writeUInt32LE(entryLength, 28);
      records.push(r);
      at += HEADER + entryLength;
    }
    if (damaged) this.problems.push(`cache pack index damaged: rebuilt from its pack (${records.length} entries)`);
    if (records.length === 0) return;
    const block = Buffer.concat([Buffer.alloc(4), ...records, Buffer.alloc(BLOCK_SUM)]);
    block.writeUInt32LE(records.length, 0);
    createHash('sha1').update(block.subarray(0, block.length - BLOCK_SUM)).digest().copy(block, block.length - BLOCK_SUM);
    addRecords(this.index!, pack, block);
    const idx = join(this.dir, `${pack}.idx`);
    try {
      writeAtomically(idx, block);
      this.consumed.set(`${pack}.idx`, block.length);
    } catch {
      // Read-only cache: the walk serves this reader, and the next walks again.
    }
  }

  private readEntry(at: Location, key: string): PackRead {
    let fd: number;
    try {
      fd = openSync(join(this.dir, `${at.pack}.pack`), 'r');
    } catch {
      return { status: 'miss' }; // the cache was cleared under us
    }
    const entry = Buffer.allocUnsafe(HEADER + at.length);
    let got: number;
    try {
      got = readSync(fd, entry, 0, entry.length, at.offset);
    } finally {
      closeSync(fd);
    }
    if (got < entry.length) return { status: 'corrupt', reason: 'truncated' };
    if (entry.readUInt32LE(0) !== MAGIC || entry.readUInt32LE(4) !== at.length || keyOf(entry.toString('hex', KEY_AT, KEY_AT + HASH_BYTES), entry[KEY_AT + HASH_BYTES]!) !== key) {
      return { status: 'corrupt', reason: 'not the indexed entry' };
    }
    if (!checksumOk(entry)) return { status: 'corrupt', reason: 'checksum mismatch' };
    return { status: 'hit', payload: entry.subarray(HEADER) };
  }
}

function keyOf(hash: string, kind: number): string {
  return `${kind}:${hash}`;
}

function keyBytes(hash: string, kind: number): Buffer {
  const key = Buffer.alloc(KEY_BYTES);
  if (key.write(hash, 'hex') !== HASH_BYTES) throw new Error(`not a content hash: ${hash}`);
  key[HASH_BYTES] = kind;
  return key;
}

function header(key: Buffer, payload: Uint8Array): Buffer {
  const h = Buffer.alloc(HEADER);
  h.writeUInt32LE(MAGIC, 0);
  h.writeUInt32LE(payload.length, 4);
  key.copy(h, KEY_AT);
  createHash('sha1').update(h.subarray(0, SUM_AT)).update(payload).digest().copy(h, SUM_AT);
  return h;
}

function checksumOk(entry: Buffer): boolean {
  const sum = createHash('sha1').update(entry.subarray(0, SUM_AT)).update(entry.subarray(HEADER)).digest();
  return sum.equals(entry.subarray(SUM_AT, HEADER));
}

/**
 * Adds the whole blocks in `bytes` to the index; returns the bytes they took (an incomplete
 * last block is a writer's append in progress, read next time), or undefined when a block is
 * damaged.
 */
function addRecords(index: Map<string, Location>, pack: string, bytes: Buffer): number | undefined {
  let at = 0;
  while (at + 4 <= bytes.length) {
    const count = bytes.readUInt32LE(at);
    const end = at + 4 + count * RECORD + BLOCK_SUM;
    if (count === 0 || count > PACK_LIMIT / HEADER) return undefined;
    if (end > bytes.length) break;
    const sum = createHash('sha1').update(bytes.subarray(at, end - BLOCK_SUM)).digest();
    if (!sum.equals(bytes.subarray(end - BLOCK_SUM, end))) return undefined;
    for (let r = at + 4; r < end - BLOCK_SUM; r += RECORD) {
      const key = keyOf(bytes.toString('hex', r, r + HASH_BYTES), bytes[r + HASH_BYTES]!);
      index.set(key, { pack, offset: bytes.readUInt32LE(r + 24), length: bytes.readUInt32LE(r + 28) });
    }
    at = end;
  }
  return at;
}

/**
 * The packs among `names`, oldest first: a content written again after its entry was found
 * damaged is in a newer pack, and the later record of a key wins.
 */
function byAge(dir: string, names: readonly string[]): string[] {
  const packs: { pack: string; mtime: number }[] = [];
  for (const name of names) {
    if (!name.endsWith('.pack')) continue;
    try {
      packs.push({ pack: name.slice(0, -'.pack'.length), mtime: statSync(join(dir, name)).mtimeMs });
    } catch {
      // removed since the listing
    }
  }
  return packs.sort((a, b) => a.mtime - b.mtime || (a.pack < b.pack ? -1 : 1)).map((p) => p.pack);
}

/** The bytes of a file from `offset` on; undefined when it does not exist. */
function readFrom(path: string, offset: number): Buffer | undefined {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return undefined;
  }
  if (size <= offset) return Buffer.alloc(0);
  const fd = openSync(path, 'r');
  try {
    const out = Buffer.allocUnsafe(size - offset);
    const got = readSync(fd, out, 0, out.length, offset);
    return out.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
