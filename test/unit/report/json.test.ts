import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderJson, toJsonReport } from '../../../src/core/report/json';
import { assertGolden } from '../../support/golden';
import { emptyResult, sampleResult } from './sampleResult';

test('top-level and stats keys come in contract order', () => {
  const doc = JSON.parse(renderJson(sampleResult())) as Record<string, unknown>;
  assert.deepEqual(Object.keys(doc), ['tool', 'version', 'root', 'stats', 'chains', 'rules', 'skipped', 'notAnalysed']);
  assert.equal(doc['tool'], 'lockpath');
  assert.equal(doc['version'], '0.1.0');
  assert.equal(doc['root'], '/src/linux-6.1');
  const stats = doc['stats'] as Record<string, unknown>;
  assert.deepEqual(Object.keys(stats).slice(0, 5), ['files', 'functions', 'callSites', 'filesWithErrors', 'durationMs']);
  assert.deepEqual(stats, {
    files: 31, functions: 1208, callSites: 9150, filesWithErrors: 1, durationMs: 1234, cachedFiles: 4, skippedFiles: 2,
  });
});

test('chains are sorted by id and keep the contract shape', () => {
  const report = toJsonReport(sampleResult());
  assert.deepEqual(
    report.chains.map((c) => c.id),
    [
      'freeze:do_sendfile>do_splice_direct>splice_direct_to_actor>do_splice_to>ovl_splice_read>rw_verify_area',
      'freeze:ksys_write>rw_verify_area',
      'freeze:ovl_copy_up_flags>"café"<x>',
    ],
  );
  const first = report.chains[0]!;
  assert.deepEqual(Object.keys(first), ['id', 'rule', 'acquire', 'hops', 'sink', 'indirect', 'confidence', 'reasons']);
  assert.deepEqual(first.acquire, { function: 'do_sendfile', call: 'file_start_write', file: 'fs/read_write.c', line: 1254, column: 2 });
  assert.deepEqual(first.hops[0], {
    caller: 'do_sendfile', callee: 'do_splice_direct', file: 'fs/read_write.c', line: 1255, column: 9, via: 'direct',
  });
  assert.deepEqual(first.hops[3], {
    caller: 'do_splice_to', callee: 'ovl_splice_read', file: 'fs/splice.c', line: 41, column: 9,
    via: '->splice_read', candidates: 12, structType: 'file_operations',
  });
  assert.deepEqual(first.hops.at(-1), {
    caller: 'rw_verify_area', callee: 'security_file_permission', file: 'fs/read_write.c', line: 0, column: 0, via: 'direct',
  });
  assert.equal(first.sink, 'security_file_permission');
  assert.deepEqual(Object.keys(report.chains[2]!.acquire), ['function', 'call', 'file', 'line', 'column', 'condition']);
});

test('quotes, < and non-ASCII survive a round trip', () => {
  const doc = JSON.parse(renderJson(sampleResult())) as ReturnType<typeof toJsonReport>;
  const odd = doc.chains[2]!;
  assert.equal(odd.id, 'freeze:ovl_copy_up_flags>"café"<x>');
  assert.equal(odd.acquire.file, 'fs/overlayfs/copy up "ünï" <x>.c');
  assert.equal(odd.hops[0]!.callee, 'café_<read>');
  assert.equal(doc.skipped[0]!.file, 'drivers/huge.c');
  assert.equal(doc.skipped[1]!.file, 'fs/bad\nname.c');
});

test('output does not depend on input order and does not mutate the input', () => {
  const a = sampleResult();
  const b = sampleResult();
  b.chains.reverse();
  b.skipped.reverse();
  const before = JSON.stringify(b);
  assert.equal(renderJson(a), renderJson(b));
  assert.equal(JSON.stringify(b), before);
});

test('empty result is a valid document with empty lists', () => {
  const doc = JSON.parse(renderJson(emptyResult())) as ReturnType<typeof toJsonReport>;
  assert.deepEqual(doc.chains, []);
  assert.deepEqual(doc.skipped, []);
  assert.ok(renderJson(emptyResult()).endsWith('}\n'));
});

test('golden: sample JSON report', () => {
  assertGolden('report/sample.json', renderJson(sampleResult()));
});
