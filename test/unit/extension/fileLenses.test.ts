import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RatedChain } from '../../../src/core/editor/editorModel';
import { FileLensIndex, fileLenses } from '../../../src/extension/fileLenses';

const acquire = (file: string, line: number) => ({ file, line, column: 2, function: 'f', call: 'sb_start_write' });
const hop = (file: string, line: number, callee: string) => ({ file, line, column: 2, caller: 'f', callee, via: 'direct' });
const chain = (id: string, a: RatedChain['acquire'], hops: RatedChain['hops'], confidence?: 'possible'): RatedChain =>
  ({ id, rule: 'freeze', acquire: a, hops, sink: hops.at(-1)!.callee, indirect: false, ...(confidence ? { confidence } : {}) });

const long = chain('freeze/a', acquire('a.c', 3), [hop('a.c', 4, 'g'), hop('b.c', 7, 'h'), hop('b.c', 9, 'fsnotify_perm')]);
const short = chain('freeze/b', acquire('a.c', 3), [hop('a.c', 4, 'g'), hop('b.c', 9, 'fsnotify_perm')], 'possible');
const other = chain('freeze/c', acquire('c.c', 1), [hop('b.c', 9, 'fsnotify_perm')]);

test('file lenses: where chains start and which lines they pass, each opening the best chain there', () => {
  const chains = [long, short, other];
  assert.deepEqual(fileLenses(chains, 'a.c').map((l) => [l.line, l.title, l.best.id]), [
    [3, '2 freeze chains start here', 'freeze/a'],
    [4, 'part of 2 chains', 'freeze/a'],
  ]);
  // Likely before possible, then fewer hops.
  assert.deepEqual(fileLenses(chains, 'b.c').map((l) => [l.line, l.title, l.best.id]), [
    [7, 'part of 1 chain', 'freeze/a'],
    [9, 'part of 3 chains', 'freeze/c'],
  ]);
  assert.deepEqual(fileLenses(chains, 'c.c').map((l) => [l.line, l.title]), [[1, '1 freeze chain starts here']]);
  assert.deepEqual(fileLenses(chains, 'd.c'), []);
});

test('file lenses: a chain with two hops on one line counts once there', () => {
  const twice = chain('freeze/d', acquire('a.c', 1), [hop('a.c', 2, 'g'), hop('a.c', 2, 'fsnotify_perm')]);
  assert.deepEqual(fileLenses([twice], 'a.c').map((l) => l.title), ['1 freeze chain starts here', 'part of 1 chain']);
});

test('file lens index: a file is computed once per set of chains, a new set starts afresh, an older one yields nothing', async () => {
  const index = new FileLensIndex();
  const chains = [long, short, other];
  const first = await index.get(chains, 'a.c');
  assert.deepEqual(first, fileLenses(chains, 'a.c'));
  assert.equal(await index.get(chains, 'a.c'), first);
  assert.deepEqual(await index.get(chains, 'b.c'), fileLenses(chains, 'b.c'));
  const next = [other];
  const older = index.get(chains, 'c.c');
  assert.deepEqual(await index.get(next, 'a.c'), []);
  // Asked before the newer set came, answered after: nothing (VS Code asks again).
  assert.equal(await older, undefined);
  assert.deepEqual(await index.get(next, 'c.c'), fileLenses(next, 'c.c'));
});

test('file lens index: many chains are sorted in turns', async () => {
  const many = Array.from({ length: 1000 }, (_, i) => chain(`freeze/${i}`, acquire('a.c', 3), [hop('b.c', 9, 'fsnotify_perm')]));
  let ticks = 0;
  const ticking = setInterval(() => ticks++, 0);
  const lenses = await new FileLensIndex().get(many, 'b.c');
  clearInterval(ticking);
  assert.deepEqual(lenses!.map((l) => l.title), ['part of 1000 chains']);
  assert.ok(ticks > 0, 'the loop ran while the chains were sorted');
});
