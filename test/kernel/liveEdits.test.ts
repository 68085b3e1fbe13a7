// Live edits on a real kernel: a copy of Debian's 6.1 (fs include mm security kernel) is opened
// as the editor would, edited where the freeze chains pass (calls, arguments, a whole function
// removed and restored, a function-pointer store, a struct field type, a wrapper that stops
// being one, a new file), and after
// every patch the live result must equal a fresh scan of the edited tree, chain for chain.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_MAX_FILE_BYTES, type AnalysisOptions } from '../../src/core/analyze';
import { LiveAnalysis } from '../../src/core/live/liveAnalysis';
import type { ScanResult } from '../../src/core/model/chain';
import { FREEZE_RULE } from '../../src/core/rules/ruleSpec';
import { locateWasm } from '../../src/core/parse/wasmLocation';
import { analyzeFixture } from '../support/analyzeFixture';
import { ensureKernelTree, kernelSkipMessage } from '../support/kernelTrees';

const SUBDIRS = ['fs', 'include', 'mm', 'security', 'kernel'];

function stable(r: ScanResult): string {
  return JSON.stringify({ chains: r.chains, notAnalysed: r.notAnalysed, functions: r.stats.functions, callSites: r.stats.callSites });
}

test('linux 6.1, live: edits on the sendfile path are patched in and equal a fresh scan', { timeout: 20 * 60_000 }, async (t) => {
  const source = await ensureKernelTree('6.1', SUBDIRS);
  if (source === undefined) return t.skip(kernelSkipMessage('6.1'));
  const work = mkdtempSync(join(tmpdir(), 'lockpath-live-kernel-'));
  const root = join(work, 'tree');
  for (const d of SUBDIRS) cpSync(join(source, d), join(root, d), { recursive: true });
  const options: AnalysisOptions = {
    root, rules: [FREEZE_RULE], include: SUBDIRS, wasm: locateWasm(__dirname), cacheDir: join(work, 'cache'),
    jobs: availableParallelism(), workerScript: join(process.cwd(), 'dist', 'scanWorker.js'), maxFileBytes: DEFAULT_MAX_FILE_BYTES,
  };
  const live = await LiveAnalysis.open(options);
  t.after(() => {
    live.dispose();
    rmSync(work, { recursive: true, force: true });
  });
  const sendfile = 'freeze/do_sendfile/file_start_write/do_splice_direct/security_file_permission';
  const chains = live.result.chains.length;
  assert.ok(live.result.chains.some((c) => c.id === sendfile));

  const edit = async (rel: string, from: string | RegExp, to: string): Promise<number> => {
    const file = join(root, rel);
    const text = readFileSync(file, 'utf8');
    assert.ok(typeof from === 'string' ? text.includes(from) : from.test(text), `${rel} has ${from}`);
    writeFileSync(file, text.replace(from, to));
    const outcome = live.update(rel);
    assert.equal(outcome.kind, 'local', outcome.reason);
    const fresh = await analyzeFixture(root, options);
    assert.equal(stable(live.result), stable(fresh.result), `after editing ${rel}`);
    const what = (x: string | RegExp): string => (typeof x === 'string' ? JSON.stringify(x.trim()).slice(0, 60) : String(x).slice(0, 60));
    t.diagnostic(`${rel}: ${what(from)} -> ${what(to)}: patched in ${outcome.durationMs.toFixed(0)} ms, ${live.result.chains.length} chains`);
    return live.result.chains.length;
  };
  // rw_verify_area() stops reaching the hook: every path through it is cleared and found again.
  const without = await edit('fs/read_write.c', '\treturn security_file_permission(file,', '\treturn (file,');
  assert.ok(without < chains);
  const viaCheck = (c: ScanResult['chains'][number]): boolean => c.hops.some((h) => h.caller === 'rw_verify_area' && h.callee === 'security_file_permission');
  assert.ok(!live.result.chains.some(viaCheck));
  const back = await edit('fs/read_write.c', '\treturn (file,', '\treturn security_file_permission(file,');
  assert.equal(back, chains);
  assert.ok(live.result.chains.some((c) => c.id === sendfile && viaCheck(c)));
  // rw_verify_area() is deleted: its callers all over fs/ no longer resolve it. Then back.
  const verify = /\nint rw_verify_area\(int read_write,[^]*?\n\}\nEXPORT_SYMBOL\(rw_verify_area\);\n/;
  const definition = verify.exec(readFileSync(join(root, 'fs/read_write.c'), 'utf8'))![0];
  await edit('fs/read_write.c', verify, '\nEXPORT_SYMBOL(rw_verify_area);\n');
  assert.ok(!live.result.chains.some((c) => c.hops.some((h) => h.callee === 'rw_verify_area')));
  await edit('fs/read_write.c', '\nEXPORT_SYMBOL(rw_verify_area);\n', definition);
  assert.ok(live.result.chains.some((c) => c.id === sendfile && viaCheck(c)));
  // ext4's ->splice_read store is dropped: one candidate fewer behind every `->splice_read` hop.
  await edit('fs/ext4/file.c', '\t.splice_read\t= generic_file_splice_read,\n', '');
  // struct file's f_op declared with another type: no `->splice_read` hop resolves. Then back.
  await edit('include/linux/fs.h', '\tconst struct file_operations\t*f_op;', '\tconst struct lockpath_operations\t*f_op;');
  assert.ok(!live.result.chains.some((c) => c.hops.some((h) => h.structType === 'file_operations' && h.via === '->splice_read')));
  await edit('include/linux/fs.h', '\tconst struct lockpath_operations\t*f_op;', '\tconst struct file_operations\t*f_op;');
  // mnt_want_write() stops taking the protection: it and every wrapper above it stop being
  // acquirers, and so do the callers' acquisition sites. Then back.
  const want = '\tsb_start_write(m->mnt_sb);\n\tret = __mnt_want_write(m);';
  await edit('fs/namespace.c', want, '\tret = __mnt_want_write(m);');
  assert.ok(!live.result.chains.some((c) => c.acquire.call === 'mnt_want_write' || c.acquire.call === 'ovl_want_write'));
  await edit('fs/namespace.c', '\tret = __mnt_want_write(m);', want);
  assert.ok(live.result.chains.some((c) => c.acquire.function === 'ovl_maybe_copy_up' && c.acquire.call === 'ovl_want_write'));
  // A new file, sorted in among the others, with a chain of its own.
  writeFileSync(join(root, 'fs/lockpath_new.c'), 'long lockpath_copy(struct file *in, struct file *out)\n{\n\tlong ret;\n\n'
    + '\tfile_start_write(out);\n\tret = vfs_copy_file_range(in, 0, out, 0, 1, 0);\n\tfile_end_write(out);\n\treturn ret;\n}\n');
  const added = live.update('fs/lockpath_new.c');
  assert.equal(added.kind, 'local', added.reason);
  assert.equal(stable(live.result), stable((await analyzeFixture(root, options)).result));
  assert.ok(live.result.chains.some((c) => c.acquire.function === 'lockpath_copy'));
  t.diagnostic(`fs/lockpath_new.c added: patched in ${added.durationMs.toFixed(0)} ms`);
  // do_splice_direct()'s write-side check becomes a read-side one: no longer exempt.
  await edit('fs/splice.c', '\tret = rw_verify_area(WRITE, out, opos, len);', '\tret = rw_verify_area(READ, out, opos, len);');
  // do_splice_to() stops checking: the sendfile chain goes, or takes another way.
  await edit('fs/splice.c', '\tret = rw_verify_area(READ, in, ppos, len);', '\tret = 0;');
  assert.ok(!live.result.chains.some((c) => c.id === sendfile && c.hops.some((h) => h.caller === 'do_splice_to' && h.callee === 'rw_verify_area')));
});
