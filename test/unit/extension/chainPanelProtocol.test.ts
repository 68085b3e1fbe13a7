import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RatedChain } from '../../../src/core/editor/editorModel';
import { toChainDtos } from '../../../src/extension/chainDto';
import { parseFromPanel, parseToPanel } from '../../../src/protocol/chainPanelProtocol';
import { analyzeFixture, FIXTURES } from '../../support/analyzeFixture';

test('chain panel protocol: the chains sent are valid, hop by hop, acquire first and sink last', async () => {
  const { result } = await analyzeFixture(join(FIXTURES, 'kernel-like'));
  const chains = toChainDtos(result.chains);
  const msg = { type: 'chains/set', generation: 3, total: chains.length + 2, chains };
  assert.deepEqual(parseToPanel(JSON.parse(JSON.stringify(msg))), msg);
  const more = { type: 'chains/more', generation: 3, chains: chains.slice(0, 2) };
  assert.deepEqual(parseToPanel(JSON.parse(JSON.stringify(more))), more);
  // A first page larger than the set it starts is refused.
  assert.equal(parseToPanel({ ...msg, total: chains.length - 1 }), undefined);
  assert.equal(parseToPanel({ type: 'chains/set', generation: 3, chains }), undefined);
  const sendfile = chains.find((c) => c.title === 'do_sendfile: file_start_write -> security_file_permission')!;
  assert.deepEqual(sendfile.hops.map((h) => `${h.kind} ${h.file}:${h.line}:${h.column} ${h.label}${h.detail ? ` (${h.detail})` : ''}`), [
    'acquire fs/read_write.c:20:2 do_sendfile takes freeze via file_start_write',
    'call fs/read_write.c:21:11 do_sendfile -> do_splice_direct',
    'call fs/splice.c:42:9 do_splice_direct -> splice_direct_to_actor',
    'call fs/splice.c:33:13 splice_direct_to_actor -> do_splice_to',
    'pointer fs/splice.c:28:19 do_splice_to -> ->splice_read = generic_file_splice_read (through file_operations.splice_read, 2 candidates)',
    'call fs/splice.c:8:9 generic_file_splice_read -> rw_verify_area',
    'sink fs/read_write.c:7:9 rw_verify_area -> security_file_permission',
  ]);
});

test('chain panel protocol: markup in names stays text; malformed messages are refused', () => {
  const evil = '<img src=x onerror=alert(1)>';
  const chain: RatedChain = {
    id: evil, rule: 'freeze', acquire: { file: `${evil}.c`, line: 1, column: 1, function: evil, call: 'sb_start_write' },
    hops: [{ file: 'a.c', line: 2, column: 1, caller: evil, callee: 'security_file_open', via: 'direct' }], sink: 'security_file_open', indirect: false,
  };
  const [dto] = toChainDtos([chain]);
  assert.equal(dto!.title, `${evil}: sb_start_write -> security_file_open`);
  assert.deepEqual(parseToPanel({ type: 'chains/set', generation: 1, total: 1, chains: [dto] }), { type: 'chains/set', generation: 1, total: 1, chains: [dto] });
  for (const bad of [null, 'ready', { type: 'ready' }, { type: 'hop/open', file: 'a.c', line: -1, column: 1 }, { type: 'hop/open', file: 7, line: 1, column: 1 },
    { type: 'chain/select' }, { type: 'eval', code: '1' }]) {
    assert.equal(parseFromPanel(bad), undefined, JSON.stringify(bad));
  }
  assert.deepEqual(parseFromPanel({ type: 'hop/open', file: 'fs/splice.c', line: 28, column: 19, extra: evil }), { type: 'hop/open', file: 'fs/splice.c', line: 28, column: 19 });
  assert.equal(parseToPanel({ type: 'chains/set', generation: 1, total: 1, chains: [{ ...dto, hops: [{ kind: 'script' }] }] }), undefined);
  assert.equal(parseToPanel({ type: 'chains/more', generation: 1, chains: [{ ...dto, hops: [{ kind: 'script' }] }] }), undefined);
});

test('webview: renders text only (no innerHTML and friends anywhere in webview/)', () => {
  const dir = join(process.cwd(), 'webview');
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(dir, name), 'utf8');
    assert.doesNotMatch(text, /\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\(/, name);
  }
});
