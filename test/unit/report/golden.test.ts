import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertGolden, lineDiff } from '../../support/golden';

test('lineDiff shows removed and added lines with context and a position', () => {
  const expected = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].join('\n');
  const actual = ['a', 'b', 'c', 'd', 'E', 'f', 'g', 'h', 'i', 'j'].join('\n');
  assert.equal(
    lineDiff(expected, actual, 1),
    ['@@ golden line 4 @@', ' d', '-e', '+E', ' f', '@@ golden line 9 @@', ' i', '+j'].join('\n'),
  );
  assert.equal(lineDiff('same\n', 'same\n'), '');
});

test('assertGolden fails with a re-bless hint on a missing file and on a mismatch', { skip: process.env['UPDATE_GOLDEN'] === '1' }, () => {
  assert.throws(() => assertGolden('report/does-not-exist.txt', 'x'), /missing; run UPDATE_GOLDEN=1 npm test/);
  assert.throws(() => assertGolden('report/empty.txt', 'not the golden\n'), (e: Error) => {
    assert.match(e.message, /differs from golden test\/golden\/report\/empty\.txt/);
    assert.match(e.message, /^\+not the golden$/m);
    return true;
  });
});
