// Real kernels: Debian's linux-source-6.1 and 6.12, the ground truth of the v6.8
// "start-write-safe" change. CI installs the packages; elsewhere the test skips with a reason.
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Analysis } from '../../src/core/analyze';
import type { Chain } from '../../src/core/model/chain';
import { analyzeFixture } from '../support/analyzeFixture';
import { ensureKernelTree, kernelSkipMessage, type KernelVersion } from '../support/kernelTrees';

const SUBDIRS = ['fs', 'include', 'mm', 'security', 'kernel'];

async function scanKernel(version: KernelVersion): Promise<Analysis | undefined> {
  const tree = await ensureKernelTree(version, SUBDIRS);
  if (tree === undefined) return undefined;
  return analyzeFixture(tree, {
    include: SUBDIRS,
    jobs: availableParallelism(),
    workerScript: join(process.cwd(), 'dist', 'scanWorker.js'),
  });
}

const hopsOf = (c: Chain): string[] => c.hops.map((h) => `${h.file}:${h.line} ${h.caller} -> ${h.callee}`);

test('linux 6.1: sendfile and copy_file_range hold freeze protection into the permission hook', { timeout: 20 * 60_000 }, async (t) => {
  const analysis = await scanKernel('6.1');
  if (analysis === undefined) return t.skip(kernelSkipMessage('6.1'));
  const { result } = analysis;
  const sendfile = result.chains.find((c) => c.id === 'freeze/do_sendfile/file_start_write/do_splice_direct/security_file_permission');
  assert.ok(sendfile, 'do_sendfile chain reported');
  assert.deepEqual({ ...sendfile.acquire, column: 0 }, { function: 'do_sendfile', call: 'file_start_write', file: 'fs/read_write.c', line: 1254, column: 0 });
  assert.deepEqual(hopsOf(sendfile), [
    'fs/read_write.c:1255 do_sendfile -> do_splice_direct',
    'fs/splice.c:1002 do_splice_direct -> splice_direct_to_actor',
    'fs/splice.c:875 splice_direct_to_actor -> do_splice_to',
    'fs/splice.c:794 do_splice_to -> rw_verify_area',
    'fs/read_write.c:374 rw_verify_area -> security_file_permission',
  ]);
  assert.equal(sendfile.indirect, false);
  const copy = result.chains.find((c) => c.acquire.function === 'vfs_copy_file_range' && c.hops.some((h) => h.callee === 'do_splice_direct'));
  assert.ok(copy, 'vfs_copy_file_range chain through do_splice_direct reported');
  assert.equal(copy.acquire.call, 'file_start_write');
  assert.equal(copy.sink, 'security_file_permission');
  // Known overlayfs copy-up shape (syzbot: "possible deadlock in ovl_maybe_copy_up").
  assert.ok(result.chains.some((c) => c.acquire.function === 'ovl_maybe_copy_up' && c.acquire.call === 'ovl_want_write' && !c.indirect));
  // Write-side checks are exempt: vfs_writev() only verifies the file it writes. (Pointer chains
  // through do_iter_readv_writev()'s READ branch remain: argument values are not propagated.)
  assert.ok(!result.chains.some((c) => c.acquire.function === 'vfs_writev' && !c.indirect));
  t.diagnostic(`6.1: ${result.chains.length} chains (${result.chains.filter((c) => !c.indirect).length} direct) in ${result.stats.files} files, ${result.stats.durationMs} ms`);
});

test('linux 6.12: after start-write-safe, neither chain is reported', { timeout: 20 * 60_000 }, async (t) => {
  const analysis = await scanKernel('6.12');
  if (analysis === undefined) return t.skip(kernelSkipMessage('6.12'));
  const { result } = analysis;
  assert.ok(result.stats.functions > 50_000, 'the tree was really scanned');
  assert.ok(!result.chains.some((c) => c.acquire.function === 'do_sendfile'), 'do_sendfile no longer holds freeze protection');
  assert.ok(!result.chains.some((c) => c.acquire.function === 'vfs_copy_file_range' && c.hops.some((h) => h.callee === 'do_splice_direct')),
    'vfs_copy_file_range no longer reaches do_splice_direct under the hold');
  t.diagnostic(`6.12: ${result.chains.length} chains (${result.chains.filter((c) => !c.indirect).length} direct) in ${result.stats.files} files, ${result.stats.durationMs} ms`);
});
