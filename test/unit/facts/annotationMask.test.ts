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
