// Exemptions as the scanned tree says them (issue 9, point 10): the same write-side check is
// exempt where the permission hook returns early without MAY_READ (6.1, 6.12) and reported where
// the hook emits a pre-content event for writes too. Fixture: test/fixtures/c/exemptions.
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scanTree, type Analysis } from '../../../src/core/analyze';
import { LiveAnalysis } from '../../../src/core/live/liveAnalysis';
import type { ScanResult } from '../../../src/core/model/chain';
import { FIXTURES } from '../../support/analyzeFixture';
import { copyFixture, fixtureOptions } from '../../support/fixtureCopy';

type Form = 'read-open-only' | 'pre-content';
const HEADER = join('include', 'linux', 'fsnotify.h');

/** The shared VFS code with one form of the permission hook, in a temporary tree. */
function treeWith(t: { after(fn: () => void): void }, form: Form): string {
  const copy = copyFixture(t, 'exemptions');
  const root = join(copy, 'shared');
  cpSync(join(copy, form), root, { recursive: true });
  return root;
}

function scan(root: string, include: string[] = []): Promise<Analysis> {
  return scanTree({ ...fixtureOptions(root), include });
}

const holders = (r: ScanResult): string[] => [...new Set(r.chains.map((c) => c.acquire.function))].sort();
const exemptNotes = (r: ScanResult): string[] => r.notAnalysed.filter((n) => n.what.startsWith('whether ')).map((n) => `${n.what}: ${n.reason}`);

test('exemptions: where the hook returns early without MAY_READ, the write-side check is exempt, read from the bodies', async (t) => {
  const { result, models } = await scan(treeWith(t, 'read-open-only'));
  assert.deepEqual(holders(result), ['copy_read_side']);
  assert.deepEqual(exemptNotes(result), []);
  const exempt = models[0]!.rule.exempt!.find((e) => e.callee === 'rw_verify_area');
  assert.deepEqual(exempt?.equals, ['WRITE']);
  assert.equal(exempt!.why, 'rw_verify_area(WRITE) returns before any event: fsnotify_file_area_perm() returns at include/linux/fsnotify.h:10 before fsnotify_path()');
  // security_file_permission() emits nothing itself here (the LSM side only): exempt for any mask.
  const lsm = models[0]!.rule.exempt!.find((e) => e.callee === 'security_file_permission');
  assert.deepEqual(lsm?.equals, ['MAY_WRITE', 'MAY_APPEND', 'MAY_WRITE | MAY_APPEND']);
  assert.match(lsm!.why, /^security_file_permission\(MAY_WRITE\) calls none of fsnotify, .* on any way through/);
});

test('exemptions: where the hook emits a pre-content event for writes, the write-side chain is reported', async (t) => {
  const { result, models } = await scan(treeWith(t, 'pre-content'));
  assert.deepEqual(holders(result), ['copy_read_side', 'vfs_write_like']);
  const write = result.chains.find((c) => c.acquire.function === 'vfs_write_like')!;
  assert.deepEqual(write.hops.map((h) => `${h.file}:${h.line} ${h.callee}`).slice(0, 1), ['fs/read_write.c:23 rw_verify_area']);
  assert.equal(models[0]!.rule.exempt!.some((e) => e.callee === 'rw_verify_area'), false, 'the candidate is dropped, not kept');
  assert.deepEqual(exemptNotes(result), []);
});

test('exemptions: a sink whose body is not scanned keeps the rule\'s exemption, and the result says so', async (t) => {
  const root = treeWith(t, 'read-open-only');
  const { result } = await scan(root, ['fs', 'include']);
  assert.deepEqual(holders(result), ['copy_read_side']);
  assert.deepEqual(exemptNotes(result), [
    'whether rw_verify_area() with argument 1 WRITE, security_file_permission() with argument 2 MAY_WRITE or MAY_APPEND or MAY_WRITE | MAY_APPEND '
    + 'reaches the rule\'s event calls: the body of security_file_permission is not in the scanned tree: '
    + 'the rule\'s exemption is kept, chains through such calls are not reported',
  ]);
});

test('exemptions: constants no header defines keep the rule\'s exemption, and the result says so', async (t) => {
  const root = treeWith(t, 'read-open-only');
  rmSync(join(root, 'include', 'linux', 'kernel.h'));
  const { result } = await scan(root);
  assert.deepEqual(holders(result), ['copy_read_side']);
  assert.deepEqual(exemptNotes(result), [
    'whether rw_verify_area() with argument 1 WRITE reaches the rule\'s event calls: READ, WRITE not defined in the headers the bodies include: '
    + 'the rule\'s exemption is kept, chains through such calls are not reported',
  ]);
});

test('exemptions: a live analysis derives them again when the hook\'s header changes', async (t) => {
  const root = treeWith(t, 'read-open-only');
  const live = await LiveAnalysis.open(fixtureOptions(root));
  t.after(() => live.dispose());
  assert.deepEqual(holders(live.result), ['copy_read_side']);
  copyFileSync(join(FIXTURES, 'exemptions', 'pre-content', HEADER), join(root, HEADER));
  const outcome = live.update(HEADER.split('\\').join('/'));
  assert.equal(outcome.kind, 'rebuilt');
  assert.match(outcome.reason ?? '', /exemption derived from include\/linux\/fsnotify.h changed/);
  assert.deepEqual(holders(live.result), ['copy_read_side', 'vfs_write_like']);
  // An edit of a file an exemption was read from that leaves every verdict as it was is patched in place.
  appendFileSync(join(root, 'include', 'linux', 'kernel.h'), '/* a comment */\n');
  assert.equal(live.update('include/linux/kernel.h').kind, 'local');
  assert.deepEqual(holders(live.result), ['copy_read_side', 'vfs_write_like']);
});

test('exemptions: a live analysis derives them again when a macro the sink\'s body tests changes, as a fresh scan does', async (t) => {
  const root = treeWith(t, 'read-open-only');
  const live = await LiveAnalysis.open(fixtureOptions(root));
  t.after(() => live.dispose());
  const same = async (): Promise<void> => {
    const fresh = await scan(root);
    assert.equal(JSON.stringify(live.result.chains), JSON.stringify(fresh.result.chains));
    assert.deepEqual(live.result.notAnalysed, fresh.result.notAnalysed);
  };
  // A comment in the file of the candidate leaves what the derivation read alone: kept, patched in.
  appendFileSync(join(root, 'fs', 'read_write.c'), '/* a comment */\n');
  assert.equal(live.update('fs/read_write.c').kind, 'local');
  assert.deepEqual(holders(live.result), ['copy_read_side']);
  await same();
  // WRITE now reads as READ does: rw_verify_area(WRITE) reaches the event, the write side is reported.
  const kernelH = join(root, 'include', 'linux', 'kernel.h');
  writeFileSync(kernelH, readFileSync(kernelH, 'utf8').replace(/#define WRITE\t+1/, '#define WRITE\t\t\t0'));
  const outcome = live.update('include/linux/kernel.h');
  assert.equal(outcome.kind, 'rebuilt');
  assert.deepEqual(holders(live.result), ['copy_read_side', 'vfs_write_like']);
  await same();
});
