import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, renderText, summaryLine } from '../../../src/core/report/text';
import { assertGolden } from '../../support/golden';
import { emptyResult, sampleResult } from './sampleResult';

test('header names the tool, version, root and rules', () => {
  const lines = renderText(sampleResult()).split('\n');
  assert.equal(lines[0], 'lockpath 0.1.0  /src/linux-6.1');
  assert.equal(lines[1], 'rules: freeze');
});

test('chains are listed likely and shortest first, then by id, with their rendered lines indented', () => {
  const text = renderText(sampleResult());
  const heads = text.split('\n').filter((l) => l.startsWith('chain '));
  assert.deepEqual(heads, [
    'chain 1/3  freeze  freeze:ksys_write>rw_verify_area  [likely]',
    'chain 2/3  freeze  freeze:do_sendfile>do_splice_direct>splice_direct_to_actor>do_splice_to>ovl_splice_read>rw_verify_area  [likely]',
    'chain 3/3  freeze  freeze:ovl_copy_up_flags>"café"<x>  [possible]',
  ]);
  assert.ok(text.includes('\n  the same call also reaches fsnotify_file_area_perm\n'));
  assert.ok(text.includes('\n  possible: hop 2: ->read_iter: the struct type at the call is not known <"é">\n'));
  assert.ok(text.includes('\n  fs/read_write.c:1254:2  do_sendfile holds freeze via file_start_write\n'));
});

test('summary counts chains, indirect chains, scanned items, problems and time', () => {
  assert.equal(
    summaryLine(sampleResult()),
    '3 chains (2 through function pointers) in 31 files, 1208 functions, 9150 call sites; ' +
      '1 file with parse errors, 2 files skipped, 4 from cache; 1.2 s',
  );
  assert.equal(summaryLine(emptyResult()), '0 chains in 0 files, 0 functions, 0 call sites; 5 ms');
});

test('skipped files and not-analysed items are listed, one per line', () => {
  const text = renderText(sampleResult());
  assert.ok(text.includes('skipped files (2):\n  drivers/huge.c: larger than 2 MiB\n  fs/bad\\u000aname.c: not UTF-8 <binary?>\n'));
  assert.ok(text.includes('not analysed:\n  calls through ->iter_op (3): no assignment of the field was found\n'));
  assert.ok(!renderText(emptyResult()).includes('skipped'));
});

test('durations', () => {
  assert.equal(formatDuration(0), '0 ms');
  assert.equal(formatDuration(999.4), '999 ms');
  assert.equal(formatDuration(1000), '1.0 s');
  assert.equal(formatDuration(61_250), '61.3 s');
});

test('golden: sample text report', () => {
  assertGolden('report/sample.txt', renderText(sampleResult()));
});

test('golden: empty text report', () => {
  assertGolden('report/empty.txt', renderText(emptyResult()));
});
