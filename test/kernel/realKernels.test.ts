// Real kernels: Debian's linux-source-6.1 and 6.12, the ground truth of the v6.8
// "start-write-safe" change. CI installs the packages; elsewhere the test skips with a reason.
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { treeText, type Analysis } from '../../src/core/analyze';
import { exemptionSources } from '../../src/core/chainAnalysis';
import { ParsedCallSites } from '../../src/core/index/callSiteReader';
import { loadCLanguage, parserFor } from '../../src/core/parse/treeSitter';
import { locateWasm } from '../../src/core/parse/wasmLocation';
import { deriveExemptions } from '../../src/core/rules/derivedExemptions';
import { FREEZE_RULE } from '../../src/core/rules/ruleSpec';
import type { Chain } from '../../src/core/model/chain';
import { analyzeFixture } from '../support/analyzeFixture';
import { judgeResult } from '../support/judgedCorpus';
import { ensureKernelTree, kernelSkipMessage, type KernelVersion } from '../support/kernelTrees';

/** The subset issue 9 measures: the filesystems, and what takes or reaches their holds. */
const SUBDIRS = ['fs', 'include', 'ipc', 'mm', 'kernel', 'security', 'block', 'drivers/block', 'drivers/target'];

/** One scan per version for every test in this file. */
const scans = new Map<KernelVersion, Promise<Analysis | undefined>>();
function scanKernel(version: KernelVersion): Promise<Analysis | undefined> {
  let scan = scans.get(version);
  if (scan === undefined) {
    scan = scanTree(version);
    scans.set(version, scan);
  }
  return scan;
}

async function scanTree(version: KernelVersion): Promise<Analysis | undefined> {
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
  assert.equal(sendfile.confidence, 'likely');
  assert.equal(copy.confidence, 'likely');
  // Known overlayfs copy-up shape (syzbot: "possible deadlock in ovl_maybe_copy_up").
  assert.ok(result.chains.some((c) => c.acquire.function === 'ovl_maybe_copy_up' && c.acquire.call === 'ovl_want_write' && !c.indirect && c.confidence === 'likely'));
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

for (const version of ['6.1', '6.12'] as const) {
  test(`linux ${version}: the write-side exemptions are read from the tree, not assumed`, { timeout: 20 * 60_000 }, async (t) => {
    const analysis = await scanKernel(version);
    if (analysis === undefined) return t.skip(kernelSkipMessage(version));
    const exempt = analysis.models[0]!.rule.exempt ?? [];
    const hook = version === '6.1' ? 'fsnotify_perm' : 'fsnotify_file_area_perm';
    const rw = exempt.find((e) => e.callee === 'rw_verify_area');
    assert.deepEqual(rw?.equals, ['WRITE']);
    assert.match(rw!.why, new RegExp(`^rw_verify_area\\(WRITE\\) returns before any event: .*${hook}\\(\\) returns at include/linux/fsnotify\\.h:\\d+ before fsnotify_`));
    assert.deepEqual(analysis.result.notAnalysed.filter((n) => n.what.startsWith('whether ')), [], 'no exemption taken on the rule\'s word');
    // What deriving them costs from cold: the few bodies and headers on the way, parsed or read.
    const reader = new ParsedCallSites(parserFor(await loadCLanguage(locateWasm(__dirname))), treeText(analysis.result.root));
    const started = performance.now();
    const again = deriveExemptions(FREEZE_RULE, exemptionSources(analysis.graph, reader));
    const ms = performance.now() - started;
    reader.dispose();
    // Candidates the tree never calls (6.12 has no fsnotify_perm()) are moot.
    const called = again.verdicts.filter((v) => analysis.graph.directCallsTo(v.callee).length > 0);
    assert.ok(called.length >= 4 && called.every((v) => v.verdict === 'derived'), JSON.stringify(called));
    t.diagnostic(`${version}: derived in ${ms.toFixed(0)} ms from ${new Set(again.verdicts.flatMap((v) => v.files)).size} files; `
      + exempt.map((e) => `${e.callee}(${e.equals.join(', ')}): ${e.why}`).join('; '));
  });

  test(`linux ${version}: judged chains: the real ones are likely, the false ones are not`, { timeout: 20 * 60_000 }, async (t) => {
    const analysis = await scanKernel(version);
    if (analysis === undefined) return t.skip(kernelSkipMessage(version));
    const judged = judgeResult(version, analysis.result.chains);
    assert.ok(judged.verdicts >= 60, `${version}: the corpus has ${judged.verdicts} verdicts`);
    assert.deepEqual(judged.lostReal, [], 'real chains that left the default report');
    assert.deepEqual(judged.falseLikely, [], 'false chains in the default report');
    t.diagnostic(`${version}: ${judged.verdicts} verdicts, ${judged.real} real (all likely), ${judged.verdicts - judged.real} false`);
  });
}

test('linux 6.1 and 6.12: the default report is short, and still has the well-known chains', { timeout: 20 * 60_000 }, async (t) => {
  for (const version of ['6.1', '6.12'] as const) {
    const analysis = await scanKernel(version);
    if (analysis === undefined) return t.skip(kernelSkipMessage(version));
    const likely = analysis.result.chains.filter((c) => c.confidence === 'likely');
    assert.ok(likely.length > 10 && likely.length <= 150, `${version}: ${likely.length} likely chains`);
    const has = (fn: string, through?: string): boolean => likely.some((c) => c.acquire.function === fn && (through === undefined || c.hops.some((h) => h.callee === through)));
    assert.ok(has('do_open', 'vfs_open'), `${version}: open with O_TRUNC`);
    assert.ok(has('do_tmpfile'), `${version}: O_TMPFILE`);
    assert.ok(has('open_last_lookups', 'atomic_open'), `${version}: open with O_CREAT through ->atomic_open`);
    assert.ok(has('smb2_open', 'dentry_open'), `${version}: ksmbd open`);
    assert.ok(has('nfsd4_create_file', 'dentry_create'), `${version}: nfsd create`);
    assert.ok(has('ovl_make_workdir', 'ovl_dir_read'), `${version}: overlayfs mount`);
    if (version === '6.12') {
      assert.ok(has('ovl_tmpfile', 'finish_open'), 'ovl_tmpfile');
      assert.ok(has('ovl_copy_up_workdir', 'kernel_file_open'), 'overlayfs copy-up with verity');
      // IMA is an LSM in 6.9+: reached only through call_int_hook(file_post_open, ...)
      const ima = likely.find((c) => c.acquire.function === 'do_open' && c.hops.some((h) => h.callee === 'ima_file_check' && h.via === '->file_post_open'));
      assert.ok(ima?.hops.some((h) => h.callee === 'dentry_open'), 'open with O_TRUNC through the IMA post-open hook');
    }
    t.diagnostic(`${version}: ${likely.length} likely of ${analysis.result.chains.length} chains`);
  }
});
