import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FACTS_VERSION } from '../../../src/core/index/factCache';
import { readResult, RESULTS_KEPT, writeResult } from '../../../src/core/index/resultCache';
import { analyzeFixture, FIXTURES } from '../../support/analyzeFixture';

test('result cache: only the most recently written results are kept', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lockpath-results-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { result } = await analyzeFixture(join(FIXTURES, 'kernel-like'));
  const folder = join(dir, `v${FACTS_VERSION}`, 'results');
  const keys = Array.from({ length: RESULTS_KEPT + 3 }, (_, i) => `k${i}`);
  keys.forEach((key, i) => {
    writeResult(dir, key, result);
    // Distinct write times, oldest first, whatever the file system's timestamp resolution.
    const when = new Date(Date.UTC(2026, 0, 1, 0, i));
    utimesSync(join(folder, `${key}.json`), when, when);
  });
  writeResult(dir, 'last', result);
  const kept = readdirSync(folder).sort();
  assert.equal(kept.length, RESULTS_KEPT);
  assert.ok(kept.includes('last.json'));
  assert.ok(!kept.includes('k0.json') && !kept.includes('k3.json'), `the oldest go: ${kept.join(' ')}`);
  assert.equal(readResult(dir, 'last')?.chains.length, result.chains.length);
  assert.equal(readResult(dir, 'k0'), undefined);
});
