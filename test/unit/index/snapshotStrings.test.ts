import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deserialize, serialize } from 'node:v8';
import type { PackedFileFacts } from '../../../src/core/model/packedFacts';
import { StringPool } from '../../../src/core/index/internStrings';
import { decodeTabled, encodeTabled, SegmentStrings, type TabledFile } from '../../../src/core/index/snapshotStrings';

function file(name: string, names: string[], fns: string[]): PackedFileFacts {
  return {
    file: name, hash: `h-${name}`, calls: new Int32Array([0, 0, -1, 3, 2]), names, errorNodes: 0,
    fieldAssignments: [
      { field: 'write_iter', fn: 'ext4_file_write_iter', line: 9, structType: 'file_operations', object: 'ext4_file_operations' },
      { field: 'read_iter', fn: fns[0]!, line: 12 },
    ],
    structFields: [{ struct: 'inode', field: 'i_fop', type: 'file_operations' }],
    functions: fns.map((fn, index) => ({ name: fn, kind: 'function', index, firstCall: 0, callCount: 1, line: 1, column: 1, endLine: 2, startLine: 1 }) as unknown as PackedFileFacts['functions'][number]),
  };
}

test('snapshot names: one table per segment, records by index, back to the same facts', () => {
  const files = [file('a.c', ['kfree', 'vfs_write'], ['f', 'g']), file('b.c', ['vfs_write', 'kfree', 'f'], ['h'])];
  const strings = new SegmentStrings(files);
  // Each name once, whichever file and field it came from.
  assert.deepEqual(strings.table, [
    'kfree', 'vfs_write', 'f', 'function', 'g', 'write_iter', 'ext4_file_write_iter', 'file_operations', 'ext4_file_operations', 'read_iter', 'inode', 'i_fop', 'h',
  ]);
  const table = deserialize(serialize(strings.table)) as string[];
  const back = files.map((f) => decodeTabled(deserialize(serialize(encodeTabled(f, strings))) as TabledFile, table));
  assert.deepEqual(back, files);
  // Decoded names are the table's strings: equal names are one string.
  assert.equal(back[0]!.functions[0]!.kind, back[1]!.functions[0]!.kind);
  // The facts given to the writer are not changed by encoding them.
  assert.deepEqual(files[0]!.names, ['kfree', 'vfs_write']);
});

test('snapshot names: an index outside the table is refused, naming the index', () => {
  const f = file('a.c', ['kfree'], ['f']);
  const strings = new SegmentStrings([f]);
  const record = encodeTabled(f, strings);
  record.names[0] = 70;
  assert.throws(() => decodeTabled(record, strings.table), new RegExp(`a name index \\(70\\) outside the segment's table of ${strings.table.length}$`));
  const store = encodeTabled(f, strings);
  store.fieldAssignments[1] = 99;
  assert.throws(() => decodeTabled(store, strings.table), /a name index \(99\)/);
});

test('snapshot names: the pool the facts were interned in serves as the table, and a string it lacks is refused', () => {
  const files = [file('a.c', ['kfree', 'vfs_write'], ['f']), file('b.c', ['kfree'], ['g'])];
  const pool = new StringPool();
  for (const f of files) pool.internFile(f);
  const back = files.map((f) => decodeTabled(deserialize(serialize(encodeTabled(f, pool))) as TabledFile, pool.table));
  assert.deepEqual(back, files);
  assert.throws(() => encodeTabled(file('c.c', ['never_interned'], []), pool), /a string outside the pool: "never_interned"/);
});
