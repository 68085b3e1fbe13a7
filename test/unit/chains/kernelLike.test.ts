import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderChain } from '../../../src/core/chains/renderChain';
import { analyzeFixture, FIXTURES } from '../../support/analyzeFixture';
import { assertGolden } from '../../support/golden';

const ROOT = join(FIXTURES, 'kernel-like');

test('kernel-like fixture: exactly the expected chains', async () => {
  const { result } = await analyzeFixture(ROOT);
  assertGolden('chains/kernel-like.chains.txt', `${result.chains.map(renderChain).join('\n')}`);
});

test('kernel-like fixture: every hop is a real call at the exact file:line:column', async () => {
  const { result } = await analyzeFixture(ROOT);
  const lineOf = (file: string, line: number): string => readFileSync(join(ROOT, file), 'utf8').split('\n')[line - 1] ?? '';
  for (const chain of result.chains) {
    const a = chain.acquire;
    assert.ok(lineOf(a.file, a.line).slice(a.column - 1).startsWith(a.call), `${chain.id}: acquisition ${a.file}:${a.line}:${a.column} is not a call of ${a.call}`);
    for (const hop of chain.hops) {
      const name = hop.via === 'direct' ? hop.callee : hop.via.slice(2);
      const text = lineOf(hop.file, hop.line).slice(hop.column - 1);
      assert.ok(text.startsWith(name), `${chain.id}: ${hop.file}:${hop.line}:${hop.column} should call ${name}, has "${text}"`);
      assert.match(text, /^\w+\s*\(/, `${chain.id}: ${hop.file}:${hop.line} is not a call`);
    }
    assert.equal(chain.hops[chain.hops.length - 1]!.callee, chain.sink);
    assert.equal(chain.indirect, chain.hops.some((h) => h.via !== 'direct'));
  }
});

test('kernel-like fixture: cases that must not be reported', async () => {
  const { result } = await analyzeFixture(ROOT);
  const holders = new Set(result.chains.map((c) => c.acquire.function));
  for (const quiet of ['vfs_writev', 'copy_released_first', 'splice_checked', 'path_open', 'open_last', 'mnt_want_write']) {
    assert.ok(!holders.has(quiet), `${quiet} must not be reported`);
  }
  const tryCopy = result.chains.filter((c) => c.acquire.function === 'try_copy');
  assert.equal(tryCopy.length, 1, 'the trylock failure path (audit_failure) is not held');
  const many = result.chains.find((c) => c.acquire.function === 'copy_many');
  assert.equal(many?.hops[0]?.line, 83, 'the call after the loop runs without the hold');
});

test('kernel-like fixture: wrappers and releasers are inferred from their bodies', async () => {
  const { graph, models } = await analyzeFixture(ROOT);
  const model = models[0]!;
  const summary = (key: string) => {
    const node = graph.node(key);
    assert.ok(node, `no function ${key}`);
    return model.summaries.get(node.index);
  };
  assert.deepEqual(summary('mnt_want_write'), { acquire: 'zero', depth: 1 });
  assert.deepEqual(summary('ovl_want_write'), { acquire: 'zero', depth: 2 });
  assert.deepEqual(summary('mnt_drop_write'), { release: 'always', depth: 1 });
  assert.equal(summary('fs/overlay/copy_up.c::open_last'), undefined, 'flags and negated results pair every want with its drop');
  assert.equal(summary('sys_lpcopy'), undefined, 'syscall bodies are functions named sys_<name>');
});

test('kernel-like fixture: pointer hops say how they were resolved', async () => {
  const { result } = await analyzeFixture(ROOT);
  const sendfile = result.chains.find((c) => c.acquire.function === 'do_sendfile');
  const hop = sendfile?.hops.find((h) => h.via !== 'direct');
  assert.deepEqual(hop && { via: hop.via, candidates: hop.candidates, structType: hop.structType, callee: hop.callee },
    { via: '->splice_read', candidates: 2, structType: 'file_operations', callee: 'generic_file_splice_read' });
  const notes = result.notAnalysed.map((n) => n.what);
  assert.ok(notes.some((w) => w.includes('function-pointer variables')), 'the actor() call is reported as not analysed');
});
