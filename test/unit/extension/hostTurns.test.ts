import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inTurns } from '../../../src/extension/hostTurns';

test('in turns: every item, a few per turn, with the loop running between turns', async () => {
  const seen: number[] = [];
  let ticks = 0;
  const ticking = setInterval(() => ticks++, 0);
  const turnsBefore: number[] = [];
  const firsts: boolean[] = [];
  const done = await inTurns([1, 2, 3, 4, 5], (slice, first) => {
    firsts.push(first);
    for (const n of slice) {
      seen.push(n);
      turnsBefore.push(ticks);
    }
  }, () => false, 2);
  clearInterval(ticking);
  assert.equal(done, true);
  assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  assert.deepEqual(firsts, [true, false, false]);
  // Items of one turn share it; the interval ran before the last turn.
  assert.equal(turnsBefore[0], turnsBefore[1]);
  assert.ok(turnsBefore[4]! > turnsBefore[0]!);
});

test('in turns: an empty list is one empty first slice', async () => {
  const slices: [number, boolean][] = [];
  assert.equal(await inTurns([], (slice, first) => slices.push([slice.length, first]), () => false), true);
  assert.deepEqual(slices, [[0, true]]);
});

test('in turns: stops once stale, and says so', async () => {
  const seen: number[] = [];
  let stale = false;
  const done = await inTurns([1, 2, 3, 4, 5], (slice) => {
    seen.push(...slice);
    if (slice.includes(2)) stale = true;
  }, () => stale, 2);
  assert.equal(done, false);
  assert.deepEqual(seen, [1, 2]);
});
