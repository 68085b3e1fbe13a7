// Real 6.1 captures copied into test/fixtures/traces (see the README there): assert what they show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { CallNode, ParsedLog } from '../../../src/core/model/trace';
import { parseLogFile } from '../../../src/core/traces/parse/parseLog';
import { renderParsedLog } from '../../../src/core/traces/parse/renderParsedLog';
import { assertGolden } from '../../support/golden';

const DIR = join('test', 'fixtures', 'traces');
const CAPTURES = [
  'fgraph_do_sendfile_tmpfs.txt',
  'fgraph_do_sendfile_tmpfs_tail.txt',
  'fgraph_ovl_copy_up_flags_overlay.txt',
  'function_filtered_stacktrace.txt',
  'lockdep_fgraph_do_sendfile_lock_events.txt',
];

const cache = new Map<string, Promise<ParsedLog>>();
function parse(name: string): Promise<ParsedLog> {
  if (!cache.has(name)) cache.set(name, parseLogFile(join(DIR, name)));
  return cache.get(name)!;
}

/** Function names from a root to the first node named `target`, depth first. */
function pathTo(nodes: readonly CallNode[], target: string, under: string[] = []): string[] | null {
  for (const n of nodes) {
    const here = [...under, n.function];
    if (n.function === target) return here;
    const found = pathTo(n.children, target, here);
    if (found) return found;
  }
  return null;
}

function find(nodes: readonly CallNode[], fn: string): CallNode | null {
  for (const n of nodes) {
    if (n.function === fn) return n;
    const c = find(n.children, fn);
    if (c) return c;
  }
  return null;
}

for (const name of CAPTURES) {
  test(`capture ${name} matches its golden`, async () => {
    const log = await parse(name);
    assertGolden(`traces/captures/${name}.golden`, renderParsedLog({ ...log, file: name }, { maxTreeLines: 80, maxEdges: 40, frames: false }));
  });
}

test('tmpfs sendfile graph: do_splice_direct reaches security_file_permission through rw_verify_area', async () => {
  const log = await parse('fgraph_do_sendfile_tmpfs.txt');
  assert.equal(log.format, 'function_graph');
  assert.deepEqual(log.unparsed, []);
  assert.deepEqual(log.trees.map((t) => t.task), ['ftrace_-128']);
  const root = log.trees[0]!.roots[0]!;
  assert.equal(root.function, 'do_sendfile');
  assert.equal(root.timestamp, 6.922538);
  const splice = find(root.children, 'do_splice_direct')!;
  assert.deepEqual(pathTo([splice], 'security_file_permission'), ['do_splice_direct', 'rw_verify_area', 'security_file_permission']);
  assert.ok(log.events.some((e) => e.name === 'ftrace_test' && e.args.startsWith('begin sendfile(2)')));
  // No lock events in this capture: no run-time freeze evidence, however suggestive the tree.
  assert.deepEqual(log.freezeHeld, []);
  assert.ok(log.observedEdges.some((e) => e.caller === 'do_splice_direct' && e.callee === 'splice_direct_to_actor'));
});

test('funcgraph-tail capture: tail comments close the right calls', async () => {
  const log = await parse('fgraph_do_sendfile_tmpfs_tail.txt');
  assert.deepEqual(log.unparsed, []);
  const root = log.trees[0]!.roots[0]!;
  assert.equal(root.function, 'do_sendfile');
  assert.ok(!root.unclosed);
  assert.equal(find([root], '__fdget')!.duration, 13.925);
});

test('overlay copy-up capture: module names and CPU migration', async () => {
  const log = await parse('fgraph_ovl_copy_up_flags_overlay.txt');
  assert.deepEqual(log.unparsed, []);
  const copyUp = find(log.trees[0]!.roots, 'ovl_copy_up_flags')!;
  assert.equal(copyUp.module, 'overlay');
  assert.ok(!copyUp.unclosed);
  const cpus = new Set<number>();
  const walk = (n: CallNode): void => {
    if (n.cpu !== null) cpus.add(n.cpu);
    n.children.forEach(walk);
  };
  walk(copyUp);
  assert.deepEqual([...cpus].sort(), [0, 1]);
  assert.ok(pathTo([copyUp], 'do_splice_direct'), 'copy-up goes through do_splice_direct');
});

test('function tracer stack traces: trampoline first, rw_verify_area tail-calls security_file_permission', async () => {
  const log = await parse('function_filtered_stacktrace.txt');
  assert.equal(log.format, 'function');
  assert.deepEqual(log.unparsed, []);
  const st = log.stackTraces[0]!;
  assert.equal(st.task, 'ftrace_test-228');
  assert.match(st.frames[0]!.function, /^0xffffffff[0-9a-f]+$/);
  assert.deepEqual(st.frames.slice(1, 3).map((f) => f.function), ['rw_verify_area', 'vfs_write']);
  assert.ok(log.observedEdges.some((e) => e.caller === 'do_sendfile' && e.callee === 'security_file_permission'));
  assert.ok(log.events.some((e) => e.name === 'tracing_mark_write'));
});

test('lockdep capture: sb_writers held from do_sendfile while rw_verify_area runs under do_splice_direct', async () => {
  const log = await parse('lockdep_fgraph_do_sendfile_lock_events.txt');
  const acquire = log.events.find((e) => e.lock?.op === 'acquire' && e.lock.class === 'sb_writers')!;
  assert.deepEqual(acquire.lock, { op: 'acquire', address: 'ffff8880003f0468', class: 'sb_writers', read: true, try: false });
  const paths = log.freezeHeld.map((f) => `${f.task} ${f.class} ${f.sink}: ${f.path.join(' > ')}`);
  assert.ok(paths.includes('ftrace_-65 sb_writers rw_verify_area: do_sendfile > do_splice_direct > rw_verify_area'), paths.join('\n'));
  assert.ok(paths.includes('ftrace_-65 sb_writers rw_verify_area: do_sendfile > do_splice_direct > splice_direct_to_actor > direct_splice_actor > iter_file_splice_write > vfs_iter_write > do_iter_write > rw_verify_area'));
  for (const f of log.freezeHeld) assert.equal(f.path[0], 'do_sendfile');
  // The lock event sits inside do_sendfile, before do_splice_direct (file_start_write is inlined).
  const root = log.trees[0]!.roots[0]!;
  assert.ok(root.events.some((e) => e.lock?.class === 'sb_writers' && e.lock.op === 'acquire'));
});
