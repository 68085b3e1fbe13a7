import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maskAnnotations } from '../../../src/core/facts/annotationMask';

test('annotation mask: blanks kernel annotations and keeps every offset', () => {
  const src = 'static int __init __must_check foo(void)\n__releases(&x->lock) __acquires(y)\n{ return notrace_fn(); }\n';
  const masked = maskAnnotations(src);
  assert.equal(masked.length, src.length);
  assert.deepEqual(masked.split('\n').map((l) => l.length), src.split('\n').map((l) => l.length));
  assert.match(masked, /^static int\s+foo\(void\)\n\s+\n\{ return notrace_fn\(\); \}\n$/);
});

test('annotation mask: only whole identifiers are annotations, as a C lexer reads them', () => {
  // `x__init` and `__initial` are other identifiers; in `9__init` the digit is no part of it.
  const src = 'int x__init, __initial; __init y; 9__init; noinline_z; __releases (l) w;';
  assert.equal(maskAnnotations(src), 'int x__init, __initial;        y; 9      ; noinline_z;                w;');
});
