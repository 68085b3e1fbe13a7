import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SourceLines } from '../../../src/core/index/sourceLines';

test('sourceLines: lines and ranges read as the split text does', () => {
  for (const text of ['', 'a', 'a\n', '\n', 'a\nb', 'a\r\nbb\n\nccc\n', `${'x\n'.repeat(7)}end`]) {
    const lines = new SourceLines(text);
    const split = text.split('\n');
    assert.equal(lines.count, split.length);
    split.forEach((line, i) => assert.equal(lines.line(i), line));
    for (let from = -4; from < 12; from++) {
      assert.equal(lines.slice(from), split.slice(from).join('\n'));
      for (let to = -4; to < 12; to++) assert.equal(lines.slice(from, to), split.slice(from, to).join('\n'), `${JSON.stringify(text)} ${from} ${to}`);
    }
  }
});
