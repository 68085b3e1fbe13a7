// The trace overlay on our own kernel-like C tree, with hand-written logs that name its
// functions (test/fixtures/overlay/README.md): symbolization, observed vs static edges (inlined
// and tail-called functions), per-hop overlay and freeze evidence tied to chains.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Analysis } from '../../../src/core/analyze';
import type { FreezeHeld, ParsedLog } from '../../../src/core/model/trace';
import { overlayTraces, type TraceOverlay } from '../../../src/core/traces/overlay/traceOverlay';
import { ChainOverlayBuilder } from '../../../src/core/traces/overlay/chainOverlay';
import { EdgeEvidence } from '../../../src/core/traces/overlay/edgeEvidence';
import { EdgeMatcher } from '../../../src/core/traces/overlay/edgeMatch';
import { HiddenCalls } from '../../../src/core/traces/overlay/hiddenCalls';
import { renderOverlay } from '../../../src/core/traces/overlay/renderOverlay';
import { toTraceReportJson } from '../../../src/core/traces/overlay/traceReport';
import { parseLogFile, parseLogLines } from '../../../src/core/traces/parse/parseLog';
import { toTraceJson } from '../../../src/core/traces/parse/traceJson';
import { Symbolizer } from '../../../src/core/traces/overlay/symbolize';
import { analyzeFixture, FIXTURES } from '../../support/analyzeFixture';
import { assertGolden } from '../../support/golden';

const LOGS = join('test', 'fixtures', 'overlay');
const SENDFILE = 'freeze/do_sendfile/file_start_write/do_splice_direct/security_file_permission';

let analysis: Promise<Analysis> | undefined;
const tree = (): Promise<Analysis> => (analysis ??= analyzeFixture(join(FIXTURES, 'kernel-like')));
const logs = (): Promise<ParsedLog[]> =>
  Promise.all(['fgraph-kernel-like-sendfile.txt', 'hung-task-kernel-like-syzbot-lines.txt'].map((f) => parseLogFile(join(LOGS, f))));

async function overlay(): Promise<{ a: Analysis; ls: ParsedLog[]; o: TraceOverlay }> {
  const a = await tree();
  const ls = await logs();
  return { a, ls, o: overlayTraces(a.graph, a.result.chains, ls) };
}

test('symbolize: clone suffixes, syscall wrappers, file:line ranges, addresses', async () => {
  const { graph } = await tree();
  const s = new Symbolizer(graph);
  assert.equal(s.map('do_splice_to.isra.0'), true, 'clone suffix stripped; static of fs/splice.c');
  assert.equal(s.map('__x64_sys_lpcopy'), true, 'SYSCALL_DEFINE3(lpcopy) is sys_lpcopy');
  assert.equal(s.map('fsnotify_perm', 'security/security.c', 7), true, 'inside the static inline body (lines 3-8)');
  assert.equal(s.map('do_sendfile', 'fs/read_write.c', 1255), false, 'defined at 11-26: a 6.1 line does not fit');
  assert.equal(s.map('do_sendfile', 'linux/fs/read_write.c', 21), true, 'a path printed from above the scanned root');
  assert.equal(s.map('check', 'fs/splice.c', 47), true, 'the static check() of fs/splice.c, not the one of copy_up.c');
  assert.equal(s.map('do_syscall_64'), false);
  assert.equal(s.map('0xffffffffc064e083'), false);
  assert.deepEqual(s.stats(), { frames: 7, mapped: 5, addresses: 1, names: 6, mappedNames: 5 });
  assert.deepEqual(s.unmappedNames().names, [
    { name: 'do_sendfile', count: 1, reason: 'line outside definition' },
    { name: 'do_syscall_64', count: 1, reason: 'not in tree' },
  ]);
  assert.deepEqual(s.definitions('check').map((d) => `${d.key} ${d.file}:${d.line}-${d.endLine}`).sort(), [
    'fs/overlay/copy_up.c::check fs/overlay/copy_up.c:5-8',
    'fs/splice.c::check fs/splice.c:46-49',
  ]);
});

test('symbolize fills `mapped` on report frames', async () => {
  const { ls } = await overlay();
  const frames = ls[1]!.reports[0]!.stacks[0]!.frames;
  const mapped = (fn: string): boolean | undefined => frames.find((f) => f.function === fn)?.mapped;
  assert.equal(mapped('security_file_permission'), true);
  assert.equal(mapped('fsnotify_perm'), true);
  assert.equal(mapped('do_splice_to'), true);
  assert.equal(mapped('do_sendfile'), false, 'line 1255 is outside the fixture definition');
  assert.equal(mapped('__x64_sys_sendfile64'), false);
  assert.equal(mapped('entry_SYSCALL_64_after_hwframe'), false);
});

test('edges: direct, through a field, through inlined and tail-called functions, observed-only, unknown', async () => {
  const { graph } = await tree();
  const s = new Symbolizer(graph);
  const m = new EdgeMatcher(graph, s, new HiddenCalls(graph));
  assert.deepEqual(m.match('rw_verify_area', 'security_file_permission'), { kind: 'static', via: 'direct' });
  assert.deepEqual(m.match('do_splice_to', 'generic_file_splice_read'), { kind: 'static', via: '->splice_read' });
  // fsnotify_perm is static with one caller: GCC inlines it, the tracer never sees it.
  assert.deepEqual(m.match('security_file_permission', 'fsnotify_event'), { kind: 'static', via: 'inline:fsnotify_perm' });
  // rw_verify_area ends with `return security_file_permission(...)`: a jump, no frame.
  assert.deepEqual(m.match('generic_file_splice_read', 'security_file_permission'), { kind: 'static', via: 'tail-call:rw_verify_area' });
  // file_start_write and sb_start_write are static inlines of include/linux/fs.h.
  assert.deepEqual(m.match('do_sendfile', '__sb_start_write'), { kind: 'static', via: 'inline:file_start_write,inline:sb_start_write' });
  // A call the source makes by name to a function it only declares still matches.
  assert.deepEqual(m.match('security_file_permission', 'call_lsm_hooks'), { kind: 'static', via: 'direct' });
  assert.deepEqual(m.match('path_open', 'ovl_maybe_copy_up'), { kind: 'observed' });
  assert.deepEqual(m.match('do_syscall_64', 'sys_lpcopy'), { kind: 'unknown', missing: 'caller' });
  assert.deepEqual(m.match('fsnotify_perm', 'fanotify_get_response'), { kind: 'unknown', missing: 'callee' });
  // The fixture's do_splice_direct ends with `return splice_direct_to_actor(...)`.
  assert.deepEqual(m.match('do_sendfile', 'splice_direct_to_actor'), { kind: 'static', via: 'tail-call:do_splice_direct' });
  // Nothing do_sendfile calls, inlined or tail-called, reaches security_file_open.
  assert.deepEqual(m.match('do_sendfile', 'security_file_open'), { kind: 'observed' });
});

test('overlay on the kernel-like chains matches its golden', async () => {
  const { o } = await overlay();
  assertGolden('overlay/kernel-like.overlay.txt', renderOverlay(o, { maxChains: 50, maxUnmapped: 50 }));
});

test('the sendfile chain: every hop observed, with tasks, first timestamp and durations', async () => {
  const { o } = await overlay();
  const c = o.overlay.find((x) => x.chain === SENDFILE)!;
  assert.equal(c.hops, 6);
  assert.equal(c.observedHops, 6);
  assert.deepEqual(c.hopDetails.map((h) => `${h.caller}>${h.callee} x${h.count} ${h.tasks.join(',')}`), [
    'do_sendfile>do_splice_direct x2 lpcopy-42,lpcopy/4242',
    'do_splice_direct>splice_direct_to_actor x2 lpcopy-42,lpcopy/4242',
    'splice_direct_to_actor>do_splice_to x2 lpcopy-42,lpcopy/4242',
    'do_splice_to>generic_file_splice_read x2 lpcopy-42,lpcopy/4242',
    'generic_file_splice_read>rw_verify_area x2 lpcopy-42,lpcopy/4242',
    'rw_verify_area>security_file_permission x3 lpcopy-42,lpcopy/4242',
  ]);
  const first = c.hopDetails[0]!;
  assert.equal(first.firstTimestamp, 10.00013);
  assert.deepEqual(first.duration, { calls: 1, totalUs: 21, maxUs: 21 });
  assert.deepEqual(first.sources, ['function_graph', 'report']);
  assert.equal(first.via, undefined);
});

test('a chain whose functions never ran has no observed hop', async () => {
  const { o } = await overlay();
  const c = o.overlay.find((x) => x.chain.startsWith('freeze/ovl_index/'))!;
  assert.equal(c.observedHops, 0);
  assert.ok(c.hopDetails.every((h) => !h.observed && h.count === 0 && h.matches.length === 0));
});

test('function tracer lines: a tail call hides rw_verify_area, the hop is matched through it', async () => {
  const a = await tree();
  const lines = [
    '# tracer: function',
    '#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION',
    '          lpcopy-42     [000] .....    20.000001: do_splice_direct <-do_sendfile',
    '          lpcopy-42     [000] .....    20.000002: security_file_permission <-generic_file_splice_read',
  ];
  const log = parseLogLines(lines, 'tail.txt');
  assert.deepEqual(log.unparsed, []);
  const o = overlayTraces(a.graph, a.result.chains, [log]);
  const c = o.overlay.find((x) => x.chain === SENDFILE)!;
  const last = c.hopDetails[5]!;
  assert.equal(last.observed, true);
  assert.equal(last.via, 'tail-call:rw_verify_area');
  assert.deepEqual(last.matches, [{ edge: 'generic_file_splice_read->security_file_permission', via: 'tail-call:rw_verify_area', count: 1 }]);
  assert.deepEqual(last.sources, ['function']);
  assert.equal(c.hopDetails[4]!.via, 'tail-call:rw_verify_area', 'the hop into rw_verify_area rests on the same edge');
  assert.deepEqual(c.hopDetails.map((h) => h.observed), [true, false, false, false, true, true]);
  assert.deepEqual(o.observedEdges.find((e) => e.callee === 'security_file_permission'), {
    caller: 'generic_file_splice_read', callee: 'security_file_permission', count: 1, match: 'static', via: 'tail-call:rw_verify_area',
  });
});

test('freeze evidence: both logs follow the sendfile chain; a path off the chain follows none', async () => {
  const { a, o } = await overlay();
  assert.deepEqual(o.freezeHeld.map((f) => [f.source, f.task, f.class, f.chain]), [
    ['lock-events', 'lpcopy-42', 'sb_writers', SENDFILE],
    ['lockdep-held', 'lpcopy/4242', 'sb_writers', SENDFILE],
  ]);
  const g = a.graph;
  const b = new ChainOverlayBuilder(g, new Symbolizer(g), new HiddenCalls(g), new EdgeEvidence());
  const held = (path: string[]): FreezeHeld => ({ task: 't', class: 'sb_writers', sink: path[path.length - 1]!, path, source: 'lock-events', line: 1, count: 1 });
  // do_splice_direct does not call rw_verify_area in the fixture: the path is not the chain's.
  assert.deepEqual(b.freezeHeldMatch(held(['do_sendfile', 'do_splice_direct', 'rw_verify_area']), a.result.chains), { chain: null, chains: [] });
  // A path that stops at a function which always calls the hook still follows the chain, and a
  // static called-once function (do_splice_to) may be missing from it.
  assert.deepEqual(b.freezeHeldMatch(held(['do_sendfile', 'do_splice_direct', 'splice_direct_to_actor', 'generic_file_splice_read', 'rw_verify_area']), a.result.chains),
    { chain: SENDFILE, chains: [SENDFILE] });
  assert.equal(b.freezeHeldMatch(held(['copy_checked', 'rw_verify_area']), a.result.chains).chain, 'freeze/copy_checked/file_start_write/rw_verify_area/security_file_permission');
});

test('invariants: counts agree with details, extra edges have both ends in the tree', async () => {
  const { o } = await overlay();
  assert.ok(o.mapping.mapped <= o.mapping.frames && o.mapping.mappedNames <= o.mapping.names);
  const e = o.edges;
  assert.equal(e.static + e.hidden + e.extra + e.unknown, e.observed);
  assert.equal(o.observedEdges.length, e.observed);
  assert.equal(o.extraEdges.length, e.extra);
  for (const x of o.extraEdges) assert.ok(x.callerAt !== '?' && x.calleeAt !== '?', `${x.caller} -> ${x.callee}`);
  for (const c of o.overlay) {
    assert.equal(c.observedHops, c.hopDetails.filter((h) => h.observed).length);
    for (const h of c.hopDetails) assert.equal(h.observed, h.matches.length > 0 && h.count > 0);
  }
  assert.deepEqual(o.extraEdges.map((x) => `${x.caller}->${x.callee}`), ['path_open->ovl_maybe_copy_up']);
});

test('invariant: the observed edges of the overlay are those of the parsers, with the same counts', async () => {
  const { ls, o } = await overlay();
  const fromParsers = toTraceJson(ls).observedEdges.map((e) => `${e.caller}->${e.callee} x${e.count}`);
  assert.deepEqual(o.observedEdges.map((e) => `${e.caller}->${e.callee} x${e.count}`), fromParsers);
});

test('JSON document: contract keys with and without a tree', async () => {
  const { a, ls, o } = await overlay();
  const bare = JSON.parse(JSON.stringify(toTraceReportJson(ls)));
  const keys = ['inputs', 'reports', 'observedEdges', 'freezeHeld', 'tree', 'mapping', 'unmapped', 'unmappedDropped', 'edges', 'extraEdges', 'overlay'];
  assert.deepEqual(Object.keys(bare), keys);
  assert.equal(bare.mapping, null);
  assert.deepEqual(bare.overlay, []);
  assert.deepEqual(bare.freezeHeld.map((f: { chain: unknown; chains: unknown }) => [f.chain, f.chains]), [[null, []], [null, []]]);
  const info = { root: a.result.root, rules: a.result.rules, files: a.result.stats.files, functions: a.result.stats.functions, chains: a.result.chains.length };
  const full = JSON.parse(JSON.stringify(toTraceReportJson(ls, { info, overlay: o })));
  assert.deepEqual(Object.keys(full), keys);
  assert.deepEqual(Object.keys(full.mapping), ['frames', 'mapped', 'addresses', 'names', 'mappedNames']);
  assert.deepEqual(Object.keys(full.overlay[0]), ['chain', 'rule', 'sink', 'hops', 'observedHops', 'hopDetails']);
  assert.equal(full.overlay.length, a.result.chains.length);
});
