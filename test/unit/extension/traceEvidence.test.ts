// The editor's reading of a loaded trace, without an editor: annotated lines per file, the chain
// panel's evidence (validated by the panel protocol, markup kept as text), links in log lines,
// the hop hover and the status bar's count.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { Analysis } from '../../../src/core/analyze';
import type { RatedChain } from '../../../src/core/editor/editorModel';
import { traceView, type TraceView } from '../../../src/core/editor/traceView';
import { parseLogFile } from '../../../src/core/traces/parse/parseLog';
import { hopHovers } from '../../../src/extension/hopHover';
import { findLogLinks } from '../../../src/extension/logLinks';
import { chainCounts } from '../../../src/extension/siteDiagnostics';
import { evidenceText, overlayLinesByFile, toOverlayDto } from '../../../src/extension/traceEvidence';
import { parseToPanel } from '../../../src/protocol/chainPanelProtocol';
import { analyzeFixture, FIXTURES } from '../../support/analyzeFixture';

const LOGS = join('test', 'fixtures', 'overlay');
const SHARED = resolve(process.cwd(), '../shared/logs');
const SENDFILE = 'freeze/do_sendfile/file_start_write/do_splice_direct/security_file_permission';

let analysis: Promise<Analysis> | undefined;
const tree = (): Promise<Analysis> => (analysis ??= analyzeFixture(join(FIXTURES, 'kernel-like')));

async function view(): Promise<TraceView> {
  const a = await tree();
  const logs = await Promise.all(['fgraph-kernel-like-sendfile.txt', 'hung-task-kernel-like-syzbot-lines.txt'].map((f) => parseLogFile(join(LOGS, f))));
  return traceView(a.graph, a.result.chains, logs);
}

test('evidence text: count, the first tasks, the longest duration', () => {
  assert.equal(evidenceText(2, ['lpcopy-42', 'lpcopy/4242'], { calls: 1, totalUs: 21, maxUs: 21 }), '2x by lpcopy-42, lpcopy/4242 max 21 us');
  assert.equal(evidenceText(7, ['a', 'b', 'c', 'd', 'e'], { calls: 3, totalUs: 5000, maxUs: 2500 }), '7x by a, b, c +2 max 2.5 ms');
  assert.equal(evidenceText(1, [], null), '1x');
});

test('overlay lines: chain hops first, then observed calls, report frames and functions; another version says so', async () => {
  const lines = overlayLinesByFile(await view());
  const rw = lines.get('fs/read_write.c') ?? [];
  const at = (line: number) => rw.find((l) => l.line === line);
  assert.deepEqual(at(21) && { inline: at(21)!.inline, hop: at(21)!.hop }, { inline: 'chain hop ran 2x by lpcopy-42, lpcopy/4242 max 21 us', hop: true });
  assert.ok(at(21)!.details.includes(`hop 1/6 of chain ${SENDFILE}: do_sendfile -> do_splice_direct observed 2x by lpcopy-42, lpcopy/4242 max 21 us`), at(21)!.details.join('\n'));
  assert.ok(at(21)!.details.includes('do_sendfile -> do_splice_direct observed 2x by lpcopy-42, lpcopy/4242 max 21 us'));
  // do_sendfile's definition: the hung-task report prints the 6.1 line 1255, outside it here.
  assert.equal(at(11)?.otherVersion, true);
  assert.match(at(11)!.inline, /^do_sendfile ran 2x .*\(line from another version\)$/);
  assert.match(at(11)!.details.join('\n'), /the log prints fs\/read_write\.c:1255, outside this tree's definition/);
  // A frame line inside the definition here, not on a chain or an observed call: only the report marks it.
  const sec = lines.get('security/security.c') ?? [];
  assert.deepEqual(sec.find((l) => l.line === 7)?.inline, 'in 1 reported stack');
  // Lines are sorted and unique per file.
  for (const list of lines.values()) assert.deepEqual(list.map((l) => l.line), [...new Set(list.map((l) => l.line))].sort((a, b) => a - b));
});

test('panel evidence: aligned with the chain hops, valid under the panel protocol, markup stays text', async () => {
  const v = await view();
  const dto = toOverlayDto(v, ['fgraph.txt', 'hung.txt']);
  const sendfile = dto.chains.find((c) => c.chainId === SENDFILE)!;
  assert.equal(sendfile.observedHops, 6);
  assert.deepEqual(sendfile.hops.map((h) => h.text), [
    'observed 2x by lpcopy-42, lpcopy/4242 max 21 us', 'observed 2x by lpcopy-42, lpcopy/4242 max 20 us', 'observed 2x by lpcopy-42, lpcopy/4242 max 8 us',
    'observed 2x by lpcopy-42, lpcopy/4242 max 7 us', 'observed 2x by lpcopy-42, lpcopy/4242 max 3.5 us', 'observed 3x by lpcopy-42, lpcopy/4242 max 2.5 us',
  ]);
  assert.deepEqual(dto.extraEdges, [{ label: 'path_open -> ovl_maybe_copy_up', count: 1, file: 'fs/overlay/copy_up.c', line: 46 }]);
  assert.match(dto.summary, /1 not in the static graph; \d+ chains with observed hops/);
  const msg = { type: 'overlay/set', overlay: dto };
  assert.deepEqual(parseToPanel(JSON.parse(JSON.stringify(msg))), msg);
  assert.deepEqual(parseToPanel({ type: 'overlay/set', overlay: null }), { type: 'overlay/set', overlay: null });
  // A task or function name with markup is carried as a string, and the panel sets it as text.
  const evil = '<img src=x onerror=alert(1)>';
  const hostile: TraceView = { ...v, hops: v.hops.map((h) => ({ ...h, tasks: [evil] })),
    extraEdges: [{ caller: evil, callee: 'x', count: 1, kind: 'observed', callerAt: '?', calleeAt: '?' }] };
  const bad = toOverlayDto(hostile, [evil]);
  assert.ok(bad.chains[0]!.hops.some((h) => h.text.includes(evil)));
  assert.deepEqual(bad.extraEdges[0], { label: `${evil} -> x`, count: 1, file: '', line: 0 });
  assert.deepEqual(parseToPanel({ type: 'overlay/set', overlay: bad }), { type: 'overlay/set', overlay: bad });
  for (const broken of [
    { type: 'overlay/set' },
    { type: 'overlay/set', overlay: { ...dto, chains: [{ chainId: 'x', observedHops: -1, hops: [] }] } },
    { type: 'overlay/set', overlay: { ...dto, extraEdges: [{ label: 'a', count: 1, file: 3, line: 1 }] } },
    { type: 'overlay/set', overlay: { ...dto, chains: [{ chainId: 'x', observedHops: 1, hops: [{ observed: 'yes', count: 1, text: '' }] }] } },
  ]) assert.equal(parseToPanel(broken), undefined, JSON.stringify(broken).slice(0, 120));
  // The webview renders with textContent only: no innerHTML anywhere in its sources.
  for (const f of readdirSync('webview').filter((n) => n.endsWith('.ts'))) {
    assert.doesNotMatch(readFileSync(join('webview', f), 'utf8'), /\.(?:innerHTML|outerHTML)\s*\+?=|insertAdjacentHTML\(|document\.write\(/, f);
  }
});

test('log links: source positions and symbols with offsets, at their columns', () => {
  const line = ' do_sendfile+0x2e9/0x440 fs/read_write.c:1255';
  assert.deepEqual(findLogLinks(line), [
    { kind: 'function', start: 1, end: 24, name: 'do_sendfile' },
    { kind: 'source', start: 25, end: 45, file: 'fs/read_write.c', line: 1255 },
  ]);
  assert.deepEqual(findLogLinks(' do_splice_to.isra.0+0x1a/0x40 [inline]').map((l) => l.kind === 'function' && l.name), ['do_splice_to.isra.0']);
  assert.deepEqual(findLogLinks('  context_switch kernel/sched/core.c:5238 [inline]').map((l) => l.kind === 'source' && `${l.file}:${l.line}`), ['kernel/sched/core.c:5238']);
  assert.deepEqual(findLogLinks(' #0: ffff888006d3c468 (sb_writers#5){.+.+}-{0:0}, at: do_sendfile+0x2d1/0x440 ./fs/read_write.c:20')
    .map((l) => (l.kind === 'source' ? `${l.file}:${l.line}` : l.name)), ['do_sendfile', 'fs/read_write.c:20']);
  // Not links: no directory, line 0, an address, a timestamp, a URL's path without a line.
  for (const text of ['splice.c:12', 'fs/read_write.c:0', 'RIP: 0033:0x7f1b2e0f7b2a', '   10.000100 |   0)  lpcopy-42', 'see https://example.org/fs/x.c']) {
    assert.deepEqual(findLogLinks(text), [], text);
  }
});

test('log links in real reports (../shared/logs)', { skip: existsSync(SHARED) ? false : `shared logs not found at ${SHARED}: skipped` }, () => {
  const text = readFileSync(join(SHARED, 'lockdep-ovl-sendfile-seq-read-1.txt'), 'utf8').split('\n');
  const links = text.flatMap((l) => findLogLinks(l));
  assert.ok(links.some((l) => l.kind === 'source' && l.file === 'fs/read_write.c' && l.line === 1253), 'the held sb_writers at: do_sendfile fs/read_write.c:1253');
  assert.ok(links.some((l) => l.kind === 'function' && l.name === 'do_sendfile'));
  // Every link's text is what it names.
  text.forEach((l) => {
    for (const k of findLogLinks(l)) assert.ok(l.slice(k.start, k.end).includes(k.kind === 'source' ? `${k.file}:${k.line}` : k.name), l);
  });
});

test('hop hover: what is held, from where, what lies ahead', async () => {
  const { result } = await tree();
  const [h] = hopHovers(result.chains, 'fs/read_write.c', 21, 'do_splice_direct');
  assert.deepEqual(h && { held: h.held, at: `${h.heldAt.file}:${h.heldAt.line}`, hop: h.hop, index: `${h.index}/${h.hops}`, ahead: h.ahead }, {
    held: 'freeze protection held since file_start_write() in do_sendfile()', at: 'fs/read_write.c:20', hop: 'do_sendfile -> do_splice_direct', index: '1/6',
    ahead: [
      'do_splice_direct -> splice_direct_to_actor', 'splice_direct_to_actor -> do_splice_to',
      'do_splice_to -> ->splice_read = generic_file_splice_read (function pointer)', 'generic_file_splice_read -> rw_verify_area',
      'rw_verify_area -> security_file_permission [sink]',
    ],
  });
  // A pointer hop answers on its field; the sink hop has nothing ahead; other words get nothing.
  assert.equal(hopHovers(result.chains, 'fs/splice.c', 28, 'splice_read')[0]?.hop, 'do_splice_to -> ->splice_read = generic_file_splice_read (function pointer)');
  assert.ok(hopHovers(result.chains, 'fs/read_write.c', 7, 'security_file_permission').every((x) => x.ahead.length === 0 && x.index === x.hops));
  assert.deepEqual(hopHovers(result.chains, 'fs/read_write.c', 21, 'pos'), []);
});

test('status bar count: likely chains that are not suppressed', () => {
  const chain = (id: string, confidence?: 'likely' | 'possible'): RatedChain => ({
    id, rule: 'freeze', acquire: { file: 'a.c', line: 1, column: 1, function: 'f', call: 'sb_start_write' }, hops: [], sink: 's', indirect: false,
    ...(confidence !== undefined ? { confidence, reasons: [] } : {}),
  });
  assert.deepEqual(chainCounts([chain('a', 'likely'), chain('b', 'possible'), chain('c'), chain('d', 'likely')], ['d']), { likely: 2, possible: 1 });
});
