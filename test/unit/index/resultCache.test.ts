import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FACTS_VERSION } from '../../../src/core/index/factCache';
import { readResult, RESULTS_KEPT, writeResult } from '../../../src/core/index/resultCache';
import { atConfidence } from '../../../src/core/report/confidence';
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
  // Possible chains go with their result.
  assert.equal(readdirSync(folder).filter((n) => n.endsWith('.possible.json')).length, kept.filter((n) => existsSync(join(folder, n.replace(/\.json$/, '.possible.json')))).length);
});

test('result cache: a likely-only read leaves the possible chains unread and counted; a full read gives them back in order', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lockpath-results-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { result } = await analyzeFixture(join(FIXTURES, 'notifiers'));
  const possible = result.chains.filter((c) => c.confidence === 'possible');
  assert.ok(possible.length > 0 && possible.length < result.chains.length, 'the fixture has chains of both kinds');
  writeResult(dir, 'k', result);
  assert.deepEqual(readResult(dir, 'k'), result);
  const likely = readResult(dir, 'k', 'likely')!;
  assert.deepEqual(likely.chains, result.chains.filter((c) => c.confidence === 'likely'));
  assert.equal(likely.stats.possibleChains, possible.length);
  // Reports made from either read are the same.
  assert.deepEqual(atConfidence(likely, 'likely'), atConfidence(result, 'likely'));
  assert.throws(() => atConfidence(likely, 'possible'), /lists none of its/);
  // Without the file of possible chains beside it, the result is not given out whole.
  rmSync(join(dir, `v${FACTS_VERSION}`, 'results', 'k.possible.json'));
  assert.equal(readResult(dir, 'k'), undefined);
  assert.equal(readResult(dir, 'k', 'likely')?.chains.length, result.chains.length - possible.length);
});
