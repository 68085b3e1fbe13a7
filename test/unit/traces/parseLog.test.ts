import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallNode } from '../../../src/core/model/trace';
import { detectFormat } from '../../../src/core/traces/parse/detectFormat';
import { parseLogFile, parseLogLines } from '../../../src/core/traces/parse/parseLog';

const capture = join('test', 'fixtures', 'traces', 'fgraph_do_sendfile_tmpfs.txt');

test('format detection from the first lines', () => {
  assert.equal(detectFormat(['# tracer: function_graph']), 'function_graph');
  assert.equal(detectFormat(['# tracer: function']), 'function');
  assert.equal(detectFormat(['cpus=8']), 'trace-cmd');
  assert.equal(detectFormat([' 0)   1.382 us    |          __might_sleep();', ' 0)   2.478 us    |        }']), 'function_graph');
  assert.equal(detectFormat(['       supervise-1681  [000] .... 6414396.700163: ext4_create <-vfs_create']), 'function');
  assert.equal(detectFormat(['[   75.037355] ======================================================', '[   75.037357] WARNING: possible circular locking dependency detected']), 'dmesg');
  assert.equal(detectFormat(['random text', 'more text']), 'dmesg');
});

test('caps bound what is kept and say what was dropped; edges and evidence still count everything', () => {
  const text = readFileSync(capture, 'utf8').split('\n');
  const full = parseLogLines(text);
  const capped = parseLogLines(text, 'capped', { caps: { maxTreeNodes: 10, maxEvents: 2 } });
  assert.deepEqual(capped.observedEdges, full.observedEdges);
  const nodes = capped.limits.find((l) => l.what === 'call-tree nodes')!;
  const count = (ns: readonly CallNode[]): number => ns.reduce((n, c) => n + 1 + count(c.children), 0);
  assert.equal(nodes.kept, 10);
  assert.equal(nodes.kept + nodes.dropped, count(full.trees[0]!.roots));
  assert.equal(count(capped.trees[0]!.roots), 10);
  assert.deepEqual(capped.limits.find((l) => l.what === 'events'), { what: 'events', kept: 2, dropped: full.events.length - 2 });
  assert.deepEqual(full.limits, []);
});

test('a forced format is used as is, and foreign lines become Unparsed records', () => {
  const log = parseLogLines(['hello', '  bash-1 [000] .... 1.0: f <-g'], 'x', { format: 'function' });
  assert.equal(log.format, 'function');
  assert.deepEqual(log.unparsed.map((u) => [u.line, u.text]), [[1, 'hello']]);
});

test('in-memory lines with control characters are reported, not interpreted', () => {
  const log = parseLogLines(['# tracer: function', '  bash-1 [000] .... 1.0: f <-g\u0000', '  bash-1 [000] .... 1.0: f <-g']);
  assert.deepEqual(log.unparsed.map((u) => [u.line, u.reason, u.text]), [[2, 'control characters (binary data?)', '  bash-1 [000] .... 1.0: f <-g\\x00']]);
  assert.equal(log.observedEdges[0]!.count, 1);
});

test('parseLogFile honours an aborted signal', async () => {
  const ac = new AbortController();
  ac.abort();
  const log = await parseLogFile(capture, { signal: ac.signal });
  assert.equal(log.aborted, true);
  assert.equal(log.lines, 0);
});

test('the output matches the JSON contract field names', async () => {
  const log = await parseLogFile(join('test', 'fixtures', 'logs', 'ok', 'dmesg', 'lockdep-circular-sb_writers-caller-ids.txt'));
  const doc = JSON.parse(JSON.stringify(log)) as Record<string, unknown>;
  for (const k of ['file', 'format', 'lines', 'unparsed', 'reports', 'trees', 'stackTraces', 'events', 'observedEdges', 'freezeHeld']) assert.ok(k in doc, k);
  const r = log.reports[0]!;
  assert.deepEqual(Object.keys(r).slice(0, 3), ['kind', 'title', 'task']);
  assert.deepEqual(r.locks.find((l) => l.role === 'dependency' && l.freeze === 'write'), {
    class: 'sb_writers#4', freeze: 'write', at: 'mnt_want_write', role: 'dependency', line: 16,
  });
  const frame = r.stacks[0]!.frames[3]!;
  assert.deepEqual(frame, { function: 'mnt_want_write', offset: '+0x3f/0x90', file: 'fs/namespace.c', line: 403, inline: false, unreliable: false, mapped: false });
});
