// Which fields an edit of a file's function-pointer stores changes, field by field: every
// changed field sends its callers, the functions stored in it and the chains through it to be
// examined again, so an ops table added beside another must not change the other's fields.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallGraph } from '../../../src/core/graph/callGraph';
import type { FieldAssignment } from '../../../src/core/model/facts';
import type { PackedFileFacts, PackedFunction } from '../../../src/core/model/packedFacts';

function fn(name: string, index: number): PackedFunction {
  return {
    name, isStatic: false, kind: 'function', startLine: index + 1, endLine: index + 1, nameLine: index + 1, nameColumn: 5,
    conditional: false, bodyErrors: 0, index, firstCall: 0, callCount: 0,
  };
}

function store(field: string, name: string, object: string, line: number): FieldAssignment {
  return { field, fn: name, structType: 'file_operations', object, line };
}

/** The fields replaceFile says changed when fs/rw.c's stores go from `before` to `after`. */
function changedFields(before: FieldAssignment[], after: FieldAssignment[]): string[] {
  const old: PackedFileFacts = {
    file: 'fs/rw.c', hash: 'h1', calls: new Int32Array(0), names: [], structFields: [], errorNodes: 0,
    functions: [fn('rw_read_iter', 0), fn('rw_llseek', 1), fn('rw_fsync', 2)], fieldAssignments: before,
  };
  const files = [old];
  const graph = new CallGraph(files);
  const next = { ...old, hash: 'h2', fieldAssignments: after };
  // The caller puts the new facts in the file list first (GraphParts.files).
  files[0] = next;
  const patch = graph.replaceFile(old, next);
  assert.ok(patch.ok);
  return [...patch.value.fields].sort();
}

const table = [store('read_iter', 'rw_read_iter', 'rw_fops', 10), store('llseek', 'rw_llseek', 'rw_fops', 11)];

test('file patch: an ops table added beside another changes only the fields it stores', () => {
  assert.deepEqual(changedFields(table, [...table, store('fsync', 'rw_fsync', 'rw2_fops', 15)]), ['fsync']);
});

test('file patch: stores that only moved to other lines change no field', () => {
  assert.deepEqual(changedFields(table, table.map((s) => ({ ...s, line: s.line + 3 }))), []);
});

test('file patch: a field stored in another table, another function or taken out changes', () => {
  assert.deepEqual(changedFields(table, [table[0]!, store('llseek', 'rw_llseek', 'rw2_fops', 11)]), ['llseek']);
  assert.deepEqual(changedFields(table, [store('read_iter', 'rw_fsync', 'rw_fops', 10), table[1]!]), ['read_iter']);
  assert.deepEqual(changedFields(table, [table[1]!]), ['read_iter']);
});
