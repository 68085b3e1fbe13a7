// Invariant: splitting the same bytes into chunks of 1, 7 or 4096 bytes gives identical records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedLog } from '../../../src/core/model/trace';
import { LineSplitter } from '../../../src/core/traces/parse/lineReader';
import { LogParser } from '../../../src/core/traces/parse/parseLog';

function parseInChunks(bytes: Uint8Array, size: number): ParsedLog {
  const parser = new LogParser('x');
  const splitter = new LineSplitter(parser);
  for (let i = 0; i < bytes.length; i += size) splitter.push(bytes.subarray(i, i + size));
  splitter.finish();
  return parser.finish();
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

const files = [
  ...listFiles(join('test', 'fixtures', 'logs')),
  join('test', 'fixtures', 'traces', 'fgraph_do_sendfile_tmpfs.txt'),
  join('test', 'fixtures', 'traces', 'function_filtered_stacktrace.txt'),
];

for (const file of files) {
  test(`chunks of 1, 7 and 4096 bytes give identical records: ${file}`, () => {
    const bytes = readFileSync(file);
    const whole = parseInChunks(bytes, bytes.length + 1);
    for (const size of [1, 7, 4096]) assert.deepEqual(parseInChunks(bytes, size), whole, `chunk size ${size}`);
  });
}

test('chunk invariance holds for CRLF text and multi-byte UTF-8 split across chunks', () => {
  const text = '# tracer: function\r\n  bash-1  [000] .... 1.000: vfs_write <-ksys_write\r\n  b\u00e9\u4e2d-2  [001] .... 1.1: f <-g\r\nlast line without newline';
  const bytes = new TextEncoder().encode(text);
  const whole = parseInChunks(bytes, bytes.length);
  for (const size of [1, 2, 3, 7]) assert.deepEqual(parseInChunks(bytes, size), whole);
  assert.equal(whole.lines, 4);
  assert.deepEqual(whole.observedEdges.map((e) => `${e.caller}>${e.callee}`), ['g>f', 'ksys_write>vfs_write']);
  assert.equal(whole.unparsed.length, 1);
  assert.equal(whole.unparsed[0]!.line, 4);
});

test('chunks bigger than a decoded block (32 KiB) give the records small chunks give', () => {
  // Long lines around the block size and the 64 KiB line limit, non-ASCII names, CRLF.
  const unit = readFileSync(join('test', 'fixtures', 'traces', 'lockdep_fgraph_do_sendfile_lock_events.txt'), 'utf8').split('\n');
  const lines: string[] = [];
  for (let i = 0; lines.length < 20_000; i++) {
    const l = unit[i % unit.length]!;
    if (i % 997 === 1) lines.push(`${l}${'x'.repeat(40_000)}`);
    else if (i % 991 === 2) lines.push('y'.repeat(70_000));
    else if (i % 83 === 3) lines.push(l.replace('ftrace_', 'ftracé').replace('do_', 'd中_'));
    else if (i % 89 === 4) lines.push(`${l}\r`);
    else lines.push(l);
  }
  const bytes = new TextEncoder().encode(lines.join('\n'));
  const small = parseInChunks(bytes, 4096);
  for (const size of [40_000, 1 << 20]) assert.deepEqual(parseInChunks(bytes, size), small, `chunk size ${size}`);
  assert.equal(small.lines, 20_000);
});
