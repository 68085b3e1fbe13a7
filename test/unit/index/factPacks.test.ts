import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { PackStore, type PackRead } from '../../../src/core/index/factPacks';

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'lockpath-packs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const hashOf = (i: number): string => createHash('sha1').update(`content ${i}`).digest('hex');
const payloadOf = (i: number): Buffer => Buffer.from(`facts of file ${i} `.repeat(10 + i));

/** Writes entries 0..count-1 with kind 0, flushing every `batch`. */
function fill(dir: string, count: number, batch: number): PackStore {
  const store = new PackStore(dir);
  for (let i = 0; i < count; i++) {
    store.add(hashOf(i), 0, payloadOf(i));
    if ((i + 1) % batch === 0) store.flush();
  }
  store.flush();
  return store;
}

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith(ext)).map((n) => join(dir, n));
}

function assertHit(read: PackRead, i: number): void {
  assert.equal(read.status, 'hit', `entry ${i}: ${JSON.stringify(read)}`);
  if (read.status === 'hit') assert.deepEqual(read.payload, payloadOf(i));
}

test('packs: entries written by one store are read by another, by hash and kind', (t) => {
  const dir = scratch(t);
  const writer = fill(dir, 20, 7);
  assertHit(writer.read(hashOf(3), 0), 3);
  const reader = new PackStore(dir);
  for (let i = 0; i < 20; i++) assertHit(reader.read(hashOf(i), 0), i);
  assert.equal(reader.read(hashOf(3), 1).status, 'miss');
  assert.equal(reader.read(hashOf(99), 0).status, 'miss');
  assert.deepEqual(reader.takeProblems(), []);
  assert.equal(files(dir, '.pack').length, 1);
});

test('packs: a queued entry is read before it is flushed', (t) => {
  const store = new PackStore(scratch(t));
  store.add(hashOf(1), 1, payloadOf(1));
  assertHit(store.read(hashOf(1), 1), 1);
});

test('packs: a pack cut short reports the entries past the cut as truncated, the rest still serve', (t) => {
  const dir = scratch(t);
  fill(dir, 10, 4);
  const pack = files(dir, '.pack')[0]!;
  truncateSync(pack, Math.floor(statSync(pack).size / 2));
  const reader = new PackStore(dir);
  const reads = Array.from({ length: 10 }, (_, i) => reader.read(hashOf(i), 0));
  assertHit(reads[0]!, 0);
  assert.deepEqual(reads[9], { status: 'corrupt', reason: 'truncated' });
  for (const [i, r] of reads.entries()) if (r.status === 'hit') assertHit(r, i);
});

/** Flips a bit in the pack's last entry, whose payload ends the file. */
function flipInLastEntry(pack: string): void {
  const bytes = readFileSync(pack);
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 3) ^ 0x20, bytes.length - 3);
  writeFileSync(pack, bytes);
}

test('packs: a flipped byte in an entry is a checksum mismatch, not data', (t) => {
  const dir = scratch(t);
  fill(dir, 5, 5);
  flipInLastEntry(files(dir, '.pack')[0]!);
  const reader = new PackStore(dir);
  assert.deepEqual(reader.read(hashOf(4), 0), { status: 'corrupt', reason: 'checksum mismatch' });
  for (let i = 0; i < 4; i++) assertHit(reader.read(hashOf(i), 0), i);
});

test('packs: an index that is gone is rebuilt from its pack, silently', (t) => {
  const dir = scratch(t);
  fill(dir, 12, 5);
  const idx = files(dir, '.idx')[0]!;
  unlinkSync(idx);
  const reader = new PackStore(dir);
  for (let i = 0; i < 12; i++) assertHit(reader.read(hashOf(i), 0), i);
  assert.deepEqual(reader.takeProblems(), []);
  // Written anew: the next reader does not walk the pack again.
  assert.ok(statSync(idx).size > 0);
  for (let i = 0; i < 12; i++) assertHit(new PackStore(dir).read(hashOf(i), 0), i);
});

test('packs: a damaged index is reported and rebuilt from its pack', (t) => {
  const dir = scratch(t);
  fill(dir, 12, 5);
  const idx = files(dir, '.idx')[0]!;
  const bytes = readFileSync(idx);
  bytes.writeUInt8(bytes.readUInt8(10) ^ 0xff, 10); // inside the first block's first record
  writeFileSync(idx, bytes);
  const reader = new PackStore(dir);
  for (let i = 0; i < 12; i++) assertHit(reader.read(hashOf(i), 0), i);
  assert.match(reader.takeProblems().join('\n'), /index damaged: rebuilt from its pack \(12 entries\)/);
  const again = new PackStore(dir);
  assertHit(again.read(hashOf(11), 0), 11);
  assert.deepEqual(again.takeProblems(), []);
});

test('packs: an index block cut short is a writer still appending: its entries are missed, not trusted', (t) => {
  const dir = scratch(t);
  fill(dir, 10, 5);
  const idx = files(dir, '.idx')[0]!;
  truncateSync(idx, statSync(idx).size - 7);
  const reader = new PackStore(dir);
  for (let i = 0; i < 5; i++) assertHit(reader.read(hashOf(i), 0), i);
  for (let i = 5; i < 10; i++) assert.equal(reader.read(hashOf(i), 0).status, 'miss');
  assert.deepEqual(reader.takeProblems(), []);
});

test('packs: two writers on one cache keep packs of their own; each sees the other\'s entries on refresh', (t) => {
  const dir = scratch(t);
  const a = new PackStore(dir, true);
  const b = new PackStore(dir, true);
  // Both load their (empty) index before the other writes.
  assert.equal(a.read(hashOf(1), 0).status, 'miss');
  assert.equal(b.read(hashOf(0), 0).status, 'miss');
  // Interleaved flushes, and one content both write.
  for (let i = 0; i < 30; i++) {
    (i % 2 === 0 ? a : b).add(hashOf(i), 0, payloadOf(i));
    if (i % 3 === 0) a.add(hashOf(100), 1, payloadOf(100));
    if (i % 4 === 0) b.add(hashOf(100), 1, payloadOf(100));
    if (i % 5 === 4) {
      a.flush();
      b.flush();
    }
  }
  a.flush();
  b.flush();
  assert.equal(files(dir, '.pack').length, 2);
  for (const store of [a, b, new PackStore(dir)]) {
    for (let i = 0; i < 30; i++) assertHit(store.read(hashOf(i), 0), i);
    assertHit(store.read(hashOf(100), 1), 100);
    assert.deepEqual(store.takeProblems(), []);
  }
});

test('packs: a content written again after its entry was damaged is read from the newer pack', (t) => {
  const dir = scratch(t);
  fill(dir, 3, 3);
  const pack = files(dir, '.pack')[0]!;
  flipInLastEntry(pack);
  utimesSync(pack, new Date(0), new Date(0));
  const first = new PackStore(dir);
  assert.equal(first.read(hashOf(2), 0).status, 'corrupt');
  first.add(hashOf(2), 0, payloadOf(2));
  first.flush();
  for (let i = 0; i < 3; i++) assertHit(new PackStore(dir).read(hashOf(i), 0), i);
});
