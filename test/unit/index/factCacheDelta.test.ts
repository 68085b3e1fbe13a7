import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { FACTS_VERSION } from '../../../src/core/index/factCache';
import { encodeDelta, readSnapshot, writeSnapshot, type SnapshotLayout } from '../../../src/core/index/packedSnapshot';
import { COMPACT_FRACTION, compactionDue } from '../../../src/core/index/snapshotUpdate';
import { renderJson } from '../../../src/core/report/json';
import type { ScanResult } from '../../../src/core/model/chain';
import type { PackedFileFacts } from '../../../src/core/model/packedFacts';
import { analyzeFixture, FIXTURES } from '../../support/analyzeFixture';

/** Files besides the kernel-like fixture: enough that one changed file stays under a tenth of the snapshot. */
const FILLER = 40;

function stable(r: ScanResult): string {
  return renderJson({ ...r, stats: { ...r.stats, durationMs: 0, cachedFiles: 0 }, notAnalysed: r.notAnalysed.filter((n) => !n.what.startsWith('cache ')) });
}

/** The kernel-like fixture plus small filler files (and `extra` files by path), scanned once into a fresh cache. */
async function scannedTree(t: TestContext, extra: Record<string, string> = {}): Promise<{ root: string; cacheDir: string; snapshot: string; cold: ScanResult }> {
  const work = mkdtempSync(join(tmpdir(), 'lockpath-delta-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const root = join(work, 'tree');
  const cacheDir = join(work, 'cache');
  cpSync(join(FIXTURES, 'kernel-like'), root, { recursive: true });
  mkdirSync(join(root, 'lib'));
  for (let i = 0; i < FILLER; i++) writeFileSync(join(root, 'lib', `filler${i}.c`), `int filler${i}(int x)\n{\n\treturn helper${i}(x) + ${i};\n}\n`);
  for (const [path, text] of Object.entries(extra)) writeFileSync(join(root, path), text);
  const cold = await analyzeFixture(root, { cacheDir });
  return { root, cacheDir, snapshot: join(cacheDir, `v${FACTS_VERSION}`, 'facts.snapshot'), cold: cold.result };
}

/** The snapshot as a full rewrite of `files` reads back: what an appended one must equal. */
function rewritten(t: TestContext, root: string, files: readonly PackedFileFacts[]): Map<string, PackedFileFacts> {
  const dir = mkdtempSync(join(tmpdir(), 'lockpath-rewrite-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeSnapshot(dir, root, files);
  return readSnapshot(dir, root).files;
}

/** Asserts that the snapshot kept its old bytes and grew: a delta was appended, nothing rewritten. */
function assertAppended(path: string, before: Buffer): Buffer {
  const after = readFileSync(path);
  assert.ok(after.length > before.length, 'the snapshot grew');
  assert.ok(after.subarray(0, before.length).equals(before), 'the bytes before the delta are untouched');
  return after;
}

test('snapshot delta: a one-file edit is appended and reads back as a full rewrite would', async (t) => {
  const { root, cacheDir, snapshot, cold } = await scannedTree(t);
  const base = readFileSync(snapshot);
  appendFileSync(join(root, 'fs/splice.c'), '\nint added_after_edit(struct file *f)\n{\n\treturn vfs_fsync(f, 0);\n}\n');
  const edited = await analyzeFixture(root, { cacheDir });
  assert.equal(edited.result.stats.cachedFiles, edited.result.stats.files - 1);
  assertAppended(snapshot, base);

  const read = readSnapshot(cacheDir, root);
  assert.equal(read.problem, undefined);
  assert.equal(read.layout?.deltaEntries, 1);
  assert.deepEqual(read.files, rewritten(t, root, edited.files));
  assert.ok(read.files.get('fs/splice.c')!.functions.some((f) => f.name === 'added_after_edit'));
  // Another tree's snapshot is no problem, but neither read nor appended to.
  assert.deepEqual(readSnapshot(cacheDir, join(root, 'other')), { files: new Map() });

  // The next scan takes every file from base + delta, and reports what a scan without a cache does.
  const warm = await analyzeFixture(root, { cacheDir });
  assert.equal(warm.result.stats.cachedFiles, warm.result.stats.files);
  assert.equal(stable(warm.result), stable((await analyzeFixture(root)).result));
  assert.notEqual(stable(warm.result), stable(cold), 'the edit shows in the result');
});

test('snapshot delta: a removed file is a tombstone, an added one a record', async (t) => {
  const { root, cacheDir, snapshot } = await scannedTree(t);
  const base = readFileSync(snapshot);
  rmSync(join(root, 'lib/filler3.c'));
  const removed = await analyzeFixture(root, { cacheDir });
  const once = assertAppended(snapshot, base);
  let read = readSnapshot(cacheDir, root);
  assert.equal(read.files.has('lib/filler3.c'), false);
  assert.deepEqual(read.files, rewritten(t, root, removed.files));

  writeFileSync(join(root, 'lib/added.c'), 'int added(void)\n{\n\treturn filler1(2);\n}\n');
  const added = await analyzeFixture(root, { cacheDir });
  assertAppended(snapshot, once);
  read = readSnapshot(cacheDir, root);
  assert.equal(read.layout?.deltaEntries, 2);
  assert.deepEqual(read.files, rewritten(t, root, added.files));

  // A scan that changes nothing writes nothing.
  const size = statSync(snapshot).size;
  await analyzeFixture(root, { cacheDir });
  assert.equal(statSync(snapshot).size, size);
});

test('snapshot delta: deltas past a tenth of the base, in records or in bytes, compact it', async (t) => {
  // A base heavy enough in bytes that the records count first: each tiny delta carries its own
  // header and table of strings, so it weighs more than a filler's record in the base.
  const padding = Array.from({ length: 60 }, (_, i) => `int padding${i}(struct file *f)\n{\n\treturn filler${i % 8}(${i});\n}\n`).join('');
  const { root, cacheDir, snapshot } = await scannedTree(t, { 'lib/padding.c': padding });
  const baseFiles = readSnapshot(cacheDir, root).layout!.baseFiles;
  const limit = Math.floor(baseFiles * COMPACT_FRACTION);
  let last: PackedFileFacts[] = [];
  for (let i = 0; i <= limit; i++) {
    const before = readFileSync(snapshot);
    appendFileSync(join(root, 'lib', `filler${i}.c`), `int more${i}(void) { return ${i}; }\n`);
    last = (await analyzeFixture(root, { cacheDir })).files;
    if (i < limit) {
      assertAppended(snapshot, before);
      assert.equal(readSnapshot(cacheDir, root).layout?.deltaEntries, i + 1);
    }
  }
  // One entry past the tenth: rewritten as a lone base of the current files.
  let read = readSnapshot(cacheDir, root);
  assert.deepEqual(read.layout && { deltaEntries: read.layout.deltaEntries, deltaBytes: read.layout.deltaBytes }, { deltaEntries: 0, deltaBytes: 0 });
  assert.deepEqual(read.files, rewritten(t, root, last));

  // One file whose facts outweigh a tenth of the base's bytes: rewritten at once.
  const big = Array.from({ length: 400 }, (_, i) => `int big${i}(struct file *f)\n{\n\treturn vfs_fsync(f, ${i}) + filler1(${i});\n}\n`).join('');
  writeFileSync(join(root, 'lib/big.c'), big);
  const withBig = await analyzeFixture(root, { cacheDir });
  read = readSnapshot(cacheDir, root);
  assert.equal(read.layout?.deltaEntries, 0);
  assert.deepEqual(read.files, rewritten(t, root, withBig.files));
});

test('snapshot delta: compactionDue weighs records and bytes against the base', () => {
  const layout: SnapshotLayout = { baseFiles: 1000, baseBytes: 1_000_000, deltaEntries: 90, deltaBytes: 50_000 };
  assert.equal(compactionDue(layout, 10, 1000), false);
  assert.equal(compactionDue(layout, 11, 1000), true);
  assert.equal(compactionDue(layout, 1, 50_001), true);
  assert.equal(compactionDue({ ...layout, deltaEntries: 0, deltaBytes: 0 }, 100, 100_000), false);
});

test('snapshot delta: a damaged delta is dropped with a note, the base still serves, and the file is rewritten', async (t) => {
  const { root, cacheDir, snapshot } = await scannedTree(t);
  const base = readFileSync(snapshot);
  const baseFiles = readSnapshot(cacheDir, root).files;
  appendFileSync(join(root, 'fs/splice.c'), '\n/* edited */\n');
  const edited = await analyzeFixture(root, { cacheDir });
  const withDelta = assertAppended(snapshot, base);
  const clean = stable((await analyzeFixture(root)).result);

  // [which delta is damaged, why, damage]
  const damages: [number, string, () => void][] = [
    // The delta cut short: a crash or a full disk during the append.
    [1, 'truncated record', () => truncateSync(snapshot, withDelta.length - 7)],
    [1, 'truncated record', () => truncateSync(snapshot, base.length + 2)],
    // A flipped byte inside the delta's last record.
    [1, 'checksum mismatch', () => {
      const bytes = Buffer.from(withDelta);
      const at = bytes.length - 30;
      // readUInt8 throws on a bad offset where indexing would yield undefined.
      bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
      writeFileSync(snapshot, bytes);
    }],
    // Half of a second delta after a good one: only the second is dropped.
    [2, 'truncated record', () => {
      const second = encodeDelta([], ['lib/filler1.c']);
      writeFileSync(snapshot, Buffer.concat([withDelta, second.subarray(0, second.length >> 1)]));
    }],
    // A second delta that checks out but holds no facts (a bug, not a crash): refused all the same.
    [2, 'slice', () => writeFileSync(snapshot, Buffer.concat([withDelta, encodeDelta([{ file: 'lib/filler1.c', names: [], functions: [], fieldAssignments: [], structFields: [] } as unknown as PackedFileFacts], [])]))],
  ];
  for (const [i, [delta, why, damage]] of damages.entries()) {
    damage();
    const read = readSnapshot(cacheDir, root);
    assert.equal(read.layout, undefined, `case ${i}: no appending after damage`);
    assert.match(read.problem ?? '', new RegExp(`^cache snapshot is corrupt \\(delta ${delta}: .*${why}.*\\): rebuilt$`), `case ${i}`);
    // The base is not poisoned: its files are all there, and a good first delta still applies.
    assert.deepEqual(read.files, delta === 2 ? rewritten(t, root, edited.files) : baseFiles, `case ${i}`);

    const scan = await analyzeFixture(root, { cacheDir });
    assert.ok(scan.result.notAnalysed.some((n) => n.what === read.problem), `case ${i}: the note reaches the user`);
    assert.equal(stable(scan.result), clean, `case ${i}`);
    // Rewritten whole: one base segment, no problem, the same facts as a full rewrite.
    const after = readSnapshot(cacheDir, root);
    assert.equal(after.problem, undefined);
    assert.equal(after.layout?.deltaEntries, 0);
    assert.deepEqual(after.files, rewritten(t, root, scan.files));
    writeFileSync(snapshot, withDelta);
  }
});
