import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WalkError } from '../../../src/core/sources/workspaceWalk';
import { analyzeFixture, FIXTURES } from '../../support/analyzeFixture';

test('bad input: binary, non-UTF-8, huge, unparsable files and symlink loops are reported, the rest is analysed', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'lockpath-bad-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'fs'));
  writeFileSync(join(root, 'fs/binary.c'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
  writeFileSync(join(root, 'fs/latin1.c'), Buffer.concat([
    Buffer.from('/* auteur: Ren'), Buffer.from([0xe9]), Buffer.from(' */\nvoid held(struct super_block *sb)\n{\n\tsb_start_write(sb);\n\tsecurity_file_open(0);\n\tsb_end_write(sb);\n}\n'),
  ]));
  writeFileSync(join(root, 'fs/huge.c'), `/* ${'x'.repeat(4096)} */\n`);
  writeFileSync(join(root, 'fs/garbage.c'), '}}}} int int ( ( ( @@@ ;\nstatic int 3x = ;\nvoid ok(void) { sb_start_write(s); security_file_open(f); sb_end_write(s); }\n');
  symlinkSync(root, join(root, 'fs/loop'));
  symlinkSync(join(root, 'missing.c'), join(root, 'fs/dangling.c'));

  const { result } = await analyzeFixture(root, { maxFileBytes: 1024 });
  const reasons = new Map(result.skipped.map((s) => [s.file, s.reason]));
  assert.match(reasons.get('fs/binary.c') ?? '', /binary/);
  assert.match(reasons.get('fs/huge.c') ?? '', /too large/);
  assert.match(reasons.get('fs/loop') ?? '', /symlink loop|already scanned/);
  assert.match(reasons.get('fs/dangling.c') ?? '', /dangling/);
  assert.ok(result.notAnalysed.some((n) => n.what.includes('non-UTF-8')));
  const holders = result.chains.map((c) => c.acquire.function).sort();
  assert.deepEqual(holders, ['held', 'ok'], 'the Latin-1 file and the function after the garbage are still analysed');
  assert.ok(result.stats.filesWithErrors >= 1);
});

test('bad input: a path that is not a directory, or does not exist, is a clear error', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lockpath-notdir-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'file.c');
  writeFileSync(file, 'int x;\n');
  await assert.rejects(analyzeFixture(file), (e: unknown) => e instanceof WalkError && /not a directory/.test(e.message));
  await assert.rejects(analyzeFixture(join(dir, 'nope')), (e: unknown) => e instanceof WalkError && /no such file/.test(e.message));
});

test('bad input: an empty tree gives an empty result, not an error', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lockpath-empty-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { result } = await analyzeFixture(dir);
  assert.equal(result.stats.files, 0);
  assert.deepEqual(result.chains, []);
});

test('cancellation: an aborted scan rejects and reports nothing', async () => {
  const controller = new AbortController();
  controller.abort(new Error('cancelled by test'));
  await assert.rejects(analyzeFixture(join(FIXTURES, 'kernel-like'), {}, controller.signal), /cancelled by test/);
});
