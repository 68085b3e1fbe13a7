import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inTurns } from '../../../src/extension/hostTurns';

test('in turns: every item, a few per turn, with the loop running between turns', async () => {
  const seen: number[] = [];
  let ticks = 0;
  const ticking = setInterval(() => ticks++, 0);
  const turnsBefore: number[] = [];
  const done = await inTurns([1, 2, 3, 4, 5], (n) => {
    seen.push(n);
    turnsBefore.push(ticks);
  }, () => false, 2);
  clearInterval(ticking);
  assert.equal(done, true);
  assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  // Items of one turn share it; the next turn comes after the loop ran.
  assert.equal(turnsBefore[0], turnsBefore[1]);
  assert.ok(new Set(turnsBefore).size >= 1);
});

test('in turns: stops once stale, and says so', async () => {
  const seen: number[] = [];
  let stale = false;
  const done = await inTurns([1, 2, 3, 4, 5], (n) => {
    seen.push(n);
    if (n === 2) stale = true;
  }, () => stale, 2);
  assert.equal(done, false);
  assert.deepEqual(seen, [1, 2]);
});
