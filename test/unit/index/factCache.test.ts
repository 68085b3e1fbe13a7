import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderJson } from '../../../src/core/report/json';
import type { ScanResult } from '../../../src/core/model/chain';
import { analyzeFixture, FIXTURES } from '../../support/analyzeFixture';
import { FACTS_VERSION, readManifest, writeManifest, type Manifest } from '../../../src/core/index/factCache';

function stable(r: ScanResult): string {
  return renderJson({ ...r, stats: { ...r.stats, durationMs: 0, cachedFiles: 0 } });
}

function packs(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.pack')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

test('cache: a second scan reads every file from the cache and gives byte-identical output', async (t) => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'lockpath-cache-'));
  t.after(() => rmSync(cacheDir, { recursive: true, force: true }));
  const root = join(FIXTURES, 'kernel-like');
  const cold = await analyzeFixture(root, { cacheDir });
  const warm = await analyzeFixture(root, { cacheDir });
  assert.equal(cold.result.stats.cachedFiles, 0);
  assert.equal(warm.result.stats.cachedFiles, warm.result.stats.files);
  assert.equal(stable(warm.result), stable(cold.result));
});

test('cache: a changed file invalidates only itself; corrupt shards and manifest are rebuilt', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'lockpath-tree-'));
  const cacheDir = join(work, 'cache');
  const root = join(work, 'tree');
  t.after(() => rmSync(work, { recursive: true, force: true }));
  cpSync(join(FIXTURES, 'kernel-like'), root, { recursive: true });
  const cold = await analyzeFixture(root, { cacheDir });

  appendFileSync(join(root, 'fs/splice.c'), '\n/* edited */\n');
  const edited = await analyzeFixture(root, { cacheDir });
  assert.equal(edited.result.stats.cachedFiles, edited.result.stats.files - 1);
  assert.equal(stable(edited.result), stable(cold.result));

  // Unchanged files come from the snapshot; the cached facts are read back only for control
  // flow, and a corrupt entry is then rebuilt from the source.
  for (const p of packs(cacheDir)) writeFileSync(p, Buffer.alloc(statSync(p).size, 'garbage that is not a pack '));
  const afterCorruption = await analyzeFixture(root, { cacheDir });
  assert.equal(afterCorruption.result.stats.cachedFiles, afterCorruption.result.stats.files);
  assert.ok(afterCorruption.result.notAnalysed.some((n) => n.what.includes('cached facts corrupt')));
  assert.equal(stable({ ...afterCorruption.result, notAnalysed: [] }), stable({ ...cold.result, notAnalysed: [] }));

  // A snapshot cut short (a full disk) and one overwritten with garbage: reported, rebuilt.
  const snapshot = readdirSync(cacheDir).map((v) => join(cacheDir, v, 'facts.snapshot'))[0]!;
  for (const damage of [(b: Buffer) => b.subarray(0, Math.floor(b.length / 2)), (b: Buffer) => Buffer.alloc(b.length, 7)]) {
    writeFileSync(snapshot, damage(readFileSync(snapshot)));
    const afterSnapshot = await analyzeFixture(root, { cacheDir });
    assert.ok(afterSnapshot.result.notAnalysed.some((n) => n.what.includes('cache snapshot is corrupt')));
    assert.equal(stable({ ...afterSnapshot.result, notAnalysed: [] }), stable({ ...cold.result, notAnalysed: [] }));
  }

  const manifest = readdirSync(cacheDir).map((v) => join(cacheDir, v, 'manifest.json'))[0]!;
  writeFileSync(manifest, '{ truncated');
  const afterManifest = await analyzeFixture(root, { cacheDir });
  assert.ok(afterManifest.result.notAnalysed.some((n) => n.what.includes('manifest is corrupt')));
  assert.equal(afterManifest.result.chains.length, cold.result.chains.length);
});

test('cache: two scans writing one cache at once each keep their own pack, and a third reads both', async (t) => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'lockpath-cache-'));
  t.after(() => rmSync(cacheDir, { recursive: true, force: true }));
  const root = join(FIXTURES, 'kernel-like');
  const [a, b] = await Promise.all([analyzeFixture(root, { cacheDir }), analyzeFixture(root, { cacheDir })]);
  assert.equal(stable(a.result), stable(b.result));
  assert.ok(packs(cacheDir).length >= 2);
  // Without the result cache and the snapshot, the files' facts come from the packs (but those
  // whose tokens call a primitive, which are parsed at once).
  for (const v of readdirSync(cacheDir)) rmSync(join(cacheDir, v, 'results'), { recursive: true, force: true });
  for (const v of readdirSync(cacheDir)) rmSync(join(cacheDir, v, 'facts.snapshot'), { force: true });
  const third = await analyzeFixture(root, { cacheDir });
  assert.ok(third.result.stats.cachedFiles > 0);
  assert.ok(!third.result.notAnalysed.some((n) => n.what.includes('cache')), JSON.stringify(third.result.notAnalysed));
  assert.equal(stable(third.result), stable(a.result));
});

test('cache: the manifest is written flat, and one an older build wrote as an object is still read', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lockpath-manifest-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const manifest: Manifest = new Map([['fs/a.c', [10, 1.5, 'h1']], ['fs/b.c', [20, 2.5, 'h2']]]);
  writeManifest(dir, '/tree', manifest);
  const path = join(dir, `v${FACTS_VERSION}`, 'manifest.json');
  assert.deepEqual((JSON.parse(readFileSync(path, 'utf8')) as { entries: unknown[] }).entries, ['fs/a.c', 10, 1.5, 'h1', 'fs/b.c', 20, 2.5, 'h2']);
  assert.deepEqual(readManifest(dir, '/tree'), { manifest });
  writeFileSync(path, JSON.stringify({ version: FACTS_VERSION, root: '/tree', files: { 'fs/a.c': [10, 1.5, 'h1'], 'fs/b.c': [20, 2.5, 'h2'], 'fs/bad.c': [1, 'x'] } }));
  assert.deepEqual(readManifest(dir, '/tree'), { manifest });
  // Another tree's manifest vouches for nothing here.
  assert.equal(readManifest(dir, '/other').manifest.size, 0);
});
