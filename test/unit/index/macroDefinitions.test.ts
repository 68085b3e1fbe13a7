// Object-like macros as a file sees them through its includes (index/macroDefinitions.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MacroDefinitions } from '../../../src/core/index/macroDefinitions';
import type { Expr } from '../../../src/core/model/callSites';

const TREE: Record<string, string> = {
  'fs/read_write.c': '#include <linux/fs.h>\n#include "internal.h"\nint x;\n',
  'fs/internal.h': '#define LOCAL_ONLY 7\n',
  'include/linux/fs.h': '#include <linux/kernel.h>\n#include <linux/missing.h>\n#define MAY_WRITE\t\t0x00000002 /* write */\n#define MAY_RW (MAY_READ | \\\n\tMAY_WRITE)\n#define may_fn(x) (x)\n#define MAY_OPEN 0x20 /* open, a comment\n that goes on */\n',
  'include/linux/kernel.h': '#define WRITE 1\n#define MAY_WRITE 99\n',
  'include/uapi/linux/stat.h': '#define S_IFMT 00170000\n',
};

/** The macro's value text, as the reader would be asked to parse it. */
const asText = (text: string): Expr => ({ kind: 'name', name: text });

function lookup(): MacroDefinitions {
  return new MacroDefinitions((f) => TREE[f], asText);
}

test('macros: the nearest include wins, comments and continuation lines are folded', () => {
  const m = lookup();
  assert.deepEqual(m.find('fs/read_write.c', 'MAY_WRITE'), { value: asText('0x00000002'), file: 'include/linux/fs.h', line: 3 });
  assert.deepEqual(m.find('fs/read_write.c', 'WRITE'), { value: asText('1'), file: 'include/linux/kernel.h', line: 1 });
  assert.deepEqual(m.find('fs/read_write.c', 'MAY_RW')?.value, asText('(MAY_READ | MAY_WRITE)'));
  assert.deepEqual(m.find('fs/read_write.c', 'MAY_OPEN')?.value, asText('0x20'));
  assert.deepEqual(m.find('fs/read_write.c', 'LOCAL_ONLY')?.file, 'fs/internal.h', 'quoted includes are read beside the file first');
});

test('macros: function-like macros, names nobody defines and headers not in the tree give nothing', () => {
  const m = lookup();
  assert.equal(m.find('fs/read_write.c', 'may_fn'), undefined);
  assert.equal(m.find('fs/read_write.c', 'MAY_READ'), undefined);
  assert.equal(m.find('include/linux/kernel.h', 'MAY_RW'), undefined, 'a header does not see what includes it');
});

test('macros: an edited file is read again', () => {
  const tree = { ...TREE };
  const m = new MacroDefinitions((f) => tree[f], asText);
  assert.equal(m.find('fs/read_write.c', 'WRITE')?.value.kind, 'name');
  tree['include/linux/kernel.h'] = '#define WRITE 2\n';
  m.forget('include/linux/kernel.h');
  assert.deepEqual(m.find('fs/read_write.c', 'WRITE')?.value, asText('2'));
});
