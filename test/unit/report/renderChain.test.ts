import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLocation, oneLine, renderChain, renderChainLines, renderHop } from '../../../src/core/chains/renderChain';
import { assertGolden } from '../../support/golden';
import { directChain, oddChain, pointerChain, sampleResult } from './sampleResult';

test('acquisition line names the holder, the context and the call', () => {
  assert.equal(renderChainLines(pointerChain)[0], 'fs/read_write.c:1254:2  do_sendfile holds freeze via file_start_write');
  assert.equal(
    renderChainLines(oddChain)[0],
    'fs/overlayfs/copy up "ünï" <x>.c:7:3  ovl_copy_up_flags holds freeze via ovl_want_write (on zero return)',
  );
});

test('a direct hop is caller -> callee at the call site', () => {
  assert.equal(renderHop(pointerChain.hops[0]!), 'fs/read_write.c:1255:9  do_sendfile -> do_splice_direct');
});

test('a pointer hop shows the field, the chosen target, the struct and the candidate count', () => {
  assert.equal(
    renderHop(pointerChain.hops[3]!),
    'fs/splice.c:41:9  do_splice_to -> ->splice_read = ovl_splice_read  [fnptr: file_operations.splice_read, 12 candidates]',
  );
  // Unknown struct and count: `*` for any struct, and no count rather than a made-up one.
  assert.equal(
    renderHop(oddChain.hops[1]!),
    'fs/read_write.c:12  café_<read> -> ->read_iter = security_file_permission  [fnptr: *.read_iter]',
  );
  assert.equal(
    renderHop({ ...pointerChain.hops[3]!, callee: 'splice_read', candidates: 1 }),
    'fs/splice.c:41:9  do_splice_to -> ->splice_read  [fnptr: file_operations.splice_read, 1 candidate]',
  );
});

test('the last line ends with the sink', () => {
  const lines = renderChainLines(directChain);
  assert.equal(lines.at(-1), 'fs/read_write.c:380:9  rw_verify_area -> security_file_permission  [sink]');
  const cut = { ...directChain, hops: directChain.hops.slice(0, 1) };
  assert.equal(renderChainLines(cut).at(-1), 'fs/read_write.c:585:8  vfs_write -> rw_verify_area  [sink: security_file_permission]');
  const none = { ...directChain, hops: [] };
  assert.deepEqual(renderChainLines(none), [
    'fs/read_write.c:580:2  vfs_write holds freeze via file_start_write  [sink: security_file_permission]',
  ]);
});

test('unknown line and column are left out, not printed as 0', () => {
  assert.equal(formatLocation({ file: 'a.c', line: 0, column: 0 }), 'a.c');
  assert.equal(formatLocation({ file: 'a.c', line: 3, column: 0 }), 'a.c:3');
  assert.equal(formatLocation({ file: 'a.c', line: 3, column: 4 }), 'a.c:3:4');
});

test('control characters cannot split a line; other text is kept', () => {
  assert.equal(oneLine('a\nb\tc\u2028d é <"x">'), 'a\\u000ab\\u0009c\\u2028d é <"x">');
  const evil = { ...directChain, acquire: { ...directChain.acquire, function: 'f\nfake line' } };
  assert.equal(renderChain(evil).split('\n').length, evil.hops.length + 2);
});

test('one line per event, each ending in a newline', () => {
  for (const chain of sampleResult().chains) {
    const text = renderChain(chain);
    assert.ok(text.endsWith('\n'));
    assert.equal(text.split('\n').length - 1, chain.hops.length + 1);
  }
});

test('golden: rendered sample chains', () => {
  const text = sampleResult()
    .chains.map((c) => `# ${c.id}\n${renderChain(c)}`)
    .join('\n');
  assertGolden('report/chains.txt', text);
});
