// Which files get a full parse must not depend on their history: a file parsed once because it
// touched the held context is read from tokens again once it no longer does, as a scan from
// scratch would read it.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ScanResult } from '../../../src/core/model/chain';
import { analyzeFixture, FIXTURES } from '../../support/analyzeFixture';

function stable(r: ScanResult): string {
  return JSON.stringify({ ...r, stats: { ...r.stats, durationMs: 0, cachedFiles: 0 } });
}

test('flow needs: a file stops touching the held context and is read from tokens again, with the cache too', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'lockpath-flow-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const root = join(work, 'tree');
  cpSync(join(FIXTURES, 'kernel-like'), root, { recursive: true });
  const cacheDir = join(work, 'cache');
  const file = join(root, 'security/security.c');
  const original = readFileSync(file, 'utf8');
  const edit = (text: string, second: number): void => {
    writeFileSync(file, text);
    utimesSync(file, second, second);
  };
  const first = await analyzeFixture(root, { cacheDir });
  const tokenRead = first.result.stats.tokenReadFiles ?? 0;
  assert.ok(tokenRead > 0, 'some file is read from tokens');

  edit(`${original}\nvoid hold(struct super_block *sb)\n{\n\tsb_start_write(sb);\n}\n`, 1_000_000);
  const held = await analyzeFixture(root, { cacheDir });
  assert.equal(held.result.stats.tokenReadFiles, tokenRead - 1, 'the file calling a primitive is parsed');

  edit(original, 2_000_000);
  const back = await analyzeFixture(root, { cacheDir });
  assert.equal(back.result.stats.tokenReadFiles, tokenRead);
  assert.equal(stable(back.result), stable((await analyzeFixture(root)).result), 'the same as a scan without cache');
});
