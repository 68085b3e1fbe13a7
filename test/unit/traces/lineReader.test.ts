import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { LineNote } from '../../../src/core/traces/parse/lineReader';
import { LineSplitter, pumpLines } from '../../../src/core/traces/parse/lineReader';

function split(chunks: (string | number[])[], max?: number): [string, LineNote | undefined][] {
  const got: [string, LineNote | undefined][] = [];
  const s = new LineSplitter({ line: (t, n) => got.push([t, n]) }, max);
  for (const c of chunks) s.push(typeof c === 'string' ? new TextEncoder().encode(c) : Uint8Array.from(c));
  s.finish();
  return got;
}

test('lines split across chunks, CRLF stripped, empty lines kept, no phantom last line', () => {
  assert.deepEqual(split(['ab', 'c\r\n\nd', 'e\n']), [['abc', undefined], ['', undefined], ['de', undefined]]);
  assert.deepEqual(split(['x']), [['x', undefined]]);
  assert.deepEqual(split(['']), []);
});

test('a UTF-8 sequence split across chunks decodes whole; bad bytes are flagged on their line only', () => {
  assert.deepEqual(split([[0x61, 0xc3], [0xa9, 0x0a, 0x62, 0x0a]]), [['aé', undefined], ['b', undefined]]);
  const got = split([[0x6f, 0x6b, 0x0a, 0xff, 0xfe, 0x0a, 0x6f, 0x6b, 0x0a]]);
  assert.deepEqual(got.map((g) => g[1]), [undefined, 'non-utf8', undefined]);
  assert.equal(got[2]![0], 'ok');
});

test('an overlong line is cut to the limit and flagged, memory stays bounded', () => {
  const got = split(['a'.repeat(50), 'b'.repeat(50), '\nnext\n'], 64);
  assert.equal(got[0]![0].length, 64);
  assert.equal(got[0]![1], 'overlong');
  assert.deepEqual(got[1], ['next', undefined]);
});

test('pumpLines reads a stream and stops when aborted', async () => {
  const got: string[] = [];
  const r = await pumpLines(Readable.from([Buffer.from('a\nb'), Buffer.from('\nc')]), { line: (t) => got.push(t) });
  assert.deepEqual(got, ['a', 'b', 'c']);
  assert.equal(r.aborted, false);
  const ac = new AbortController();
  ac.abort();
  const r2 = await pumpLines(Readable.from([Buffer.from('a\n')]), { line: () => assert.fail('no line after abort') }, { signal: ac.signal });
  assert.equal(r2.aborted, true);
});
