import { test } from 'node:test';
import assert from 'node:assert/strict';
import { charCodes } from '../../../src/core/traces/parse/lineReader';
import { NameTable } from '../../../src/core/traces/parse/nameTable';

function lookUp(names: NameTable, line: string, name: string): string {
  const at = line.indexOf(name);
  return names.get(line, charCodes(line), at, at + name.length);
}

test('a name read from different lines is one kept string; different names stay apart', () => {
  const names = new NameTable();
  const a = lookUp(names, '  1)  |  vfs_read() {', 'vfs_read');
  const b = lookUp(names, '  0)   0.5 us  |    vfs_read();', 'vfs_read');
  assert.equal(a, 'vfs_read');
  assert.ok(Object.is(a, b));
  assert.equal(lookUp(names, 'vfs_readv();', 'vfs_readv'), 'vfs_readv');
  assert.equal(lookUp(names, 'vfs_rea();', 'vfs_rea'), 'vfs_rea');
  assert.equal(lookUp(names, 'x vfs_read', 'vfs_read'), 'vfs_read');
});

test('names beyond U+00FF (which share one code) are told apart by their characters', () => {
  const names = new NameTable();
  assert.equal(lookUp(names, 'a 中文-1 |', '中文-1'), '中文-1');
  assert.equal(lookUp(names, 'a 中国-1 |', '中国-1'), '中国-1');
  assert.equal(lookUp(names, 'b 中文-1 |', '中文-1'), '中文-1');
  assert.equal(names.recentAt(charCodes('中文-1'), 0), null, 'a name its codes cannot tell is never the recent one');
});

test('thousands of names (the table grows), long names copied each time, the recent name found in place', () => {
  const names = new NameTable();
  const kept = new Map<string, string>();
  for (let i = 0; i < 5000; i++) kept.set(`fn_${i}`, lookUp(names, `  fn_${i}();`, `fn_${i}`));
  for (let i = 0; i < 5000; i++) assert.ok(Object.is(lookUp(names, `fn_${i} {`, `fn_${i}`), kept.get(`fn_${i}`)));
  const long = 'l'.repeat(300);
  assert.equal(lookUp(names, `${long}();`, long), long);
  assert.equal(lookUp(names, ` ${long}`, long), long);
  lookUp(names, 'task-12 |', 'task-12');
  assert.equal(names.recentAt(charCodes('  task-12 |'), 2), 'task-12');
  assert.equal(names.recentAt(charCodes('  task-13 |'), 2), null);
});
