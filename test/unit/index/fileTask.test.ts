import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FactCache } from '../../../src/core/index/factCache';
import { processOne } from '../../../src/core/index/fileTask';
import { createCParser } from '../../../src/core/parse/treeSitter';
import { locateWasm } from '../../../src/core/parse/wasmLocation';

const SOURCE = [
  'int caller(struct file *file)',
  '{',
  '\tif (file)',
  '\t\treturn wrapper(file);',
  '\treturn 0;',
  '}',
  '',
].join('\n');

test('file task: token facts that are not enough are answered by a cached full parse of the same content', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lockpath-task-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const abs = join(dir, 'caller.c');
  writeFileSync(abs, SOURCE);
  const parser = await createCParser(locateWasm(__dirname));
  const cache = new FactCache(join(dir, 'cache'));
  const job = { rel: 'caller.c', abs, reader: 'tokens' as const };
  // Nothing calls a name with an effect: token facts, cached.
  const tokens = processOne(job, parser, cache, new Set());
  assert.equal(tokens.facts?.reader, 'tokens');
  // `wrapper` has an effect now: the file is parsed in full, and that parse cached too.
  const effect = new Set(['wrapper']);
  const parsed = processOne(job, parser, cache, effect);
  assert.equal(parsed.cached, false);
  assert.notEqual(parsed.facts?.reader, 'tokens');
  // Undone and made again: the token facts, then the full parse, each from the cache.
  assert.equal(processOne(job, parser, cache, new Set()).cached, true);
  const again = processOne(job, parser, cache, effect);
  assert.equal(again.cached, true);
  assert.deepEqual(again.facts, parsed.facts);
  // Without a cached full parse, token facts that are not enough are not the answer either.
  const other = new FactCache(join(dir, 'other'));
  processOne(job, parser, other, new Set());
  const fresh = processOne(job, parser, other, effect);
  assert.equal(fresh.cached, false);
  assert.deepEqual(fresh.facts, parsed.facts);
});
