import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_MAX_FILE_BYTES } from '../../../src/core/analyze';
import { LiveAnalysis } from '../../../src/core/live/liveAnalysis';
import type { ScanResult } from '../../../src/core/model/chain';
import { FREEZE_RULE } from '../../../src/core/rules/ruleSpec';
import { locateWasm } from '../../../src/core/sources/wasmLocation';
import { analyzeFixture, FIXTURES } from '../../support/analyzeFixture';

/** Everything but timings and cache counts, which differ between a live update and a fresh scan. */
function stable(r: ScanResult): string {
  return JSON.stringify({ ...r, stats: { ...r.stats, durationMs: 0, cachedFiles: 0 } });
}

async function openCopy(t: { after(fn: () => void): void }): Promise<{ root: string; live: LiveAnalysis }> {
  const root = mkdtempSync(join(tmpdir(), 'lockpath-live-'));
  cpSync(join(FIXTURES, 'kernel-like'), root, { recursive: true });
  const live = await LiveAnalysis.open({
    root, rules: [FREEZE_RULE], include: [], wasm: locateWasm(__dirname), cacheDir: undefined, jobs: 0, maxFileBytes: DEFAULT_MAX_FILE_BYTES,
  });
  t.after(() => {
    live.dispose();
    rmSync(root, { recursive: true, force: true });
  });
  return { root, live };
}

async function assertSameAsFresh(live: LiveAnalysis, root: string): Promise<void> {
  const fresh = await analyzeFixture(root);
  assert.equal(stable(live.result), stable(fresh.result));
}

test('live analysis: opens with the same result as a scan', async (t) => {
  const { root, live } = await openCopy(t);
  await assertSameAsFresh(live, root);
  assert.equal(live.update('fs/read_write.c').kind, 'unchanged');
});

test('live analysis: an edit that keeps every call is local, and moves the hops with the lines', async (t) => {
  const { root, live } = await openCopy(t);
  const before = live.result.chains.find((c) => c.acquire.file === 'fs/read_write.c')!;
  const file = join(root, 'fs/read_write.c');
  writeFileSync(file, `/*\n * three lines\n */\n${readFileSync(file, 'utf8')}`);
  const outcome = live.update('fs/read_write.c');
  assert.equal(outcome.kind, 'local', outcome.reason);
  const after = live.result.chains.find((c) => c.id === before.id)!;
  assert.equal(after.acquire.line, before.acquire.line + 3);
  await assertSameAsFresh(live, root);
});

/** Edits `rel` with `edit`, updates, and checks a rebuild for `reason` that equals a fresh scan. */
async function expectRebuild(live: LiveAnalysis, root: string, rel: string, edit: (text: string) => string, reason: RegExp): Promise<void> {
  const file = join(root, rel);
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  const outcome = live.update(rel);
  assert.equal(outcome.kind, 'rebuilt');
  assert.match(outcome.reason ?? '', reason);
  await assertSameAsFresh(live, root);
}

test('live analysis: a changed wrapper summary, exempt argument, new call or deleted file each rebuild, with fresh results', async (t) => {
  const { root, live } = await openCopy(t);
  await expectRebuild(live, root, 'fs/namespace.c', (s) => s.replace('\tif (ret)\n\t\tsb_end_write', '\tif (!ret)\n\t\tsb_end_write'),
    /summary of mnt_want_write changed/);
  // The same calls, but an exempt write-side check becomes a read-side one.
  await expectRebuild(live, root, 'fs/read_write.c', (s) => s.replace('rw_verify_area(WRITE, file, count)', 'rw_verify_area(READ, file, count)'),
    /argument of rw_verify_area changed/);
  await expectRebuild(live, root, 'fs/read_write.c',
    (s) => `${s}\nlong extra_sendfile(struct file *f)\n{\n\tfile_start_write(f);\n\treturn rw_verify_area(0, f, 0, 0);\n}\n`, /functions were added/);
  assert.ok(live.result.chains.some((c) => c.acquire.function === 'extra_sendfile'));

  unlinkSync(join(root, 'fs/overlay/copy_up.c'));
  assert.equal(live.update('fs/overlay/copy_up.c').kind, 'rebuilt');
  await assertSameAsFresh(live, root);
});
