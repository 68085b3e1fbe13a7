import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inertText } from '../../../src/core/facts/syntax';

test('inertText: a range without (, =, {, ++ or -- holds nothing the body walker records', () => {
  const src = 'a->b[i] + c, x == y, p++, q--, f(x), { }, r -= 1, s->t - -u';
  const part = (s: string): boolean => {
    const from = src.indexOf(s);
    return inertText(src, from, from + s.length);
  };
  assert.equal(part('a->b[i] + c, '), true);
  assert.equal(part('s->t - -u'), true);
  assert.equal(part('x == y'), false);
  assert.equal(part('p++'), false);
  assert.equal(part('q--'), false);
  assert.equal(part('f(x)'), false);
  assert.equal(part('{ }'), false);
  assert.equal(part('r -= 1'), false);
});
