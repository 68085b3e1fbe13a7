// Debian's 6.1 against 6.12 (the subset of the kernel tests) through `lockpath diff`: the v6.8
// start-write-safe series fixed the sendfile and copy_file_range chains, and the diff must say
// how; chains that did not change must pair up as unchanged. CI installs the trees; elsewhere
// the test skips with a reason.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import type { JsonDiffReport } from '../../src/core/diff/diffJson';
import { ensureKernelTree, kernelSkipMessage } from '../support/kernelTrees';

const SUBDIRS = ['fs', 'include', 'mm', 'security', 'kernel'];

test('linux 6.1 -> 6.12: sendfile and copy_file_range fixed, with the step that changed', { timeout: 30 * 60_000 }, async (t) => {
  const old = await ensureKernelTree('6.1', SUBDIRS);
  if (old === undefined) return t.skip(kernelSkipMessage('6.1'));
  const next = await ensureKernelTree('6.12', SUBDIRS);
  if (next === undefined) return t.skip(kernelSkipMessage('6.12'));
  const started = Date.now();
  const r = spawnSync(process.execPath, [join(process.cwd(), 'dist', 'cli.js'), 'diff', old, next, ...SUBDIRS.flatMap((s) => ['--include', s]), '--format', 'json',
    // The chains below include possible ones (nfsd3's create, do_open's truncate): compare all.
    '--confidence', 'possible'],
    { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  const d = JSON.parse(r.stdout) as JsonDiffReport;
  const removed = new Map(d.removed.map((x) => [x.chain.id, x.reason.text]));
  assert.equal(removed.get('freeze/do_sendfile/file_start_write/do_splice_direct/security_file_permission'),
    'file_start_write() moved from do_sendfile() into direct_splice_actor()');
  assert.equal(removed.get('freeze/vfs_copy_file_range/file_start_write/generic_copy_file_range/security_file_permission'),
    "vfs_copy_file_range() no longer calls generic_copy_file_range(); it calls do_splice_direct() itself, after file_start_write()'s hold is released");
  const unchanged = new Set(d.unchanged.map((p) => p.new));
  for (const id of [
    'freeze/do_open/mnt_want_write/vfs_open/security_file_open', // open with O_TRUNC
    'freeze/nfsd4_create_file/fh_want_write/nfsd4_vfs_create/security_file_open', // nfsd create
    'freeze/nfsd3_create_file/fh_want_write/vfs_create/security_file_open',
    'freeze/ovl_make_workdir/mnt_want_write/ovl_workdir_create/security_file_open', // overlayfs mount
  ]) assert.ok(unchanged.has(id), `${id} unchanged`);
  assert.ok(d.added.some((c) => c.acquire.function === 'ovl_tmpfile' && c.acquire.call === 'ovl_want_write'), 'ovl_tmpfile chains added');
  // 6.1 calls ima_file_check() from do_open(); 6.12 reaches it through the file_post_open LSM
  // hook: the same held call's path, changed (not the ecryptfs pointer chain it replaced as
  // do_open()'s cheapest pointer chain to security_file_open()).
  const ima = d.changed.find((c) => c.new.id === 'freeze/do_open/mnt_want_write/security_file_post_open/security_file_open');
  assert.equal(ima?.old.id, 'freeze/do_open/mnt_want_write/ima_file_check/security_file_open', 'IMA through the post-open hook is 6.1\'s IMA chain, changed');
  assert.equal(ima?.text, 'do_open() now reaches ima_file_check() through security_file_post_open() (hop 1 was do_open() -> ima_file_check())');
  // Every removed chain names a step, except where every step still holds.
  assert.ok(d.removed.every((x) => x.reason.kind !== 'not-seen'));
  t.diagnostic(`6.1 -> 6.12: ${JSON.stringify(d.counts)}; reasons ${JSON.stringify(countBy(d.removed.map((x) => x.reason.kind)))}; ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

function countBy(kinds: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of kinds) out[k] = (out[k] ?? 0) + 1;
  return out;
}
