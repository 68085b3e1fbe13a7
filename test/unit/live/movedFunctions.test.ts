import assert from 'node:assert/strict';
import { test } from 'node:test';
import { movedOnly } from '../../../src/core/live/movedFunctions';
import type { FileFacts, FunctionFact } from '../../../src/core/model/facts';

function fn(name: string, startLine: number, callee = 'vfs_write', extra: Partial<FunctionFact> = {}): FunctionFact {
  return {
    name, isStatic: false, kind: 'function', startLine, endLine: startLine + 4, nameLine: startLine, nameColumn: 8, conditional: false,
    calls: [{ callee, line: startLine + 2, column: 9 }] as FunctionFact['calls'],
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
    fn('d', 42, 'vfs_write', { calls: [{ callee: 'vfs_write', line: 44, column: 9, argument: undefined }] as unknown as FunctionFact['calls'] }),
  );
  assert.deepEqual(movedOnly(before, after), [[3, 3]]);
});

test('moved functions: same-named alternatives pair in order, a new one pairs with none', () => {
  const before = file(fn('a', 10), fn('a', 20, 'vfs_read'));
  const after = file(fn('a', 11), fn('a', 21, 'vfs_read'), fn('a', 31));
  assert.deepEqual(movedOnly(before, after), [[0, 0], [1, 1]]);
});
