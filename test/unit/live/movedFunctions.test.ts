import assert from 'node:assert/strict';
import { test } from 'node:test';
import { movedOnly, readerOnly } from '../../../src/core/live/movedFunctions';
import type { FileFacts, FunctionFact } from '../../../src/core/model/facts';

function fn(name: string, startLine: number, callee = 'vfs_write', extra: Partial<FunctionFact> = {}): FunctionFact {
  return {
    name, isStatic: false, kind: 'function', startLine, endLine: startLine + 4, nameLine: startLine, nameColumn: 8, conditional: false,
    calls: [{ kind: 'direct', callee, line: startLine + 2, column: 9 }] as FunctionFact['calls'],
    flow: { blocks: [{ calls: [0], line: startLine + 1 }] } as unknown as FunctionFact['flow'],
    bodyErrors: 0, ...extra,
  };
}

function file(...functions: FunctionFact[]): FileFacts {
  return { file: 'fs/x.c', functions, fieldAssignments: [], structFields: [], errorNodes: 0 };
}

test('moved functions: the same content at other lines pairs up, at any depth of the facts', () => {
  assert.deepEqual(movedOnly(file(fn('a', 10), fn('b', 20)), file(fn('a', 11), fn('b', 21))), [[0, 0], [1, 1]]);
});

test('moved functions: a changed call, flow or flag does not pair up; a key left undefined is no key', () => {
  const before = file(fn('a', 10), fn('b', 20), fn('c', 30), fn('d', 40));
  const after = file(
    fn('a', 12, 'vfs_read'),
    fn('b', 22, 'vfs_write', { flow: { blocks: [{ calls: [0, 0], line: 23 }] } as unknown as FunctionFact['flow'] }),
    fn('c', 32, 'vfs_write', { conditional: true }),
    fn('d', 42, 'vfs_write', { calls: [{ kind: 'direct', callee: 'vfs_write', line: 44, column: 9, argument: undefined }] as unknown as FunctionFact['calls'] }),
  );
  assert.deepEqual(movedOnly(before, after), [[3, 3]]);
});

test('moved functions: same-named alternatives pair in order, a new one pairs with none', () => {
  const before = file(fn('a', 10), fn('a', 20, 'vfs_read'));
  const after = file(fn('a', 11), fn('a', 21, 'vfs_read'), fn('a', 31));
  assert.deepEqual(movedOnly(before, after), [[0, 0], [1, 1]]);
});

test('read the other way: flow and body errors may differ where no call has an effect; positions, calls and effects may not', () => {
  const flow = (n: number) => ({ flow: { blocks: Array.from({ length: n }, () => ({ calls: [0] })) } as unknown as FunctionFact['flow'] });
  const tokens = file(fn('a', 10), fn('b', 20), fn('c', 30), fn('d', 40), fn('e', 50, 'kernel_write'));
  const parsed = file(
    fn('a', 10, 'vfs_write', { ...flow(3), bodyErrors: 2 }),
    fn('b', 21, 'vfs_write', flow(3)),
    fn('c', 30, 'vfs_read', flow(3)),
    fn('d', 40, 'vfs_write', { ...flow(3), conditional: true }),
    fn('e', 50, 'kernel_write', flow(3)),
  );
  assert.deepEqual(readerOnly(tokens, parsed, new Set(['kernel_write'])), [[0, 0]]);
  // A call with an effect now: its flow decides what is held after it.
  assert.deepEqual(readerOnly(tokens, parsed, new Set(['vfs_write'])), [[4, 4]]);
  assert.deepEqual(readerOnly(parsed, tokens, new Set()), [[0, 0], [4, 4]]);
});
