import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BODY_SLOTS, bodyKeyOf, mergeRefs, packRef, type CallRef } from '../../../src/core/graph/callRefs';

/** A small deterministic generator: the same lists on every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

test('mergeRefs drops the file\'s bodies\' refs and merges its new ones in order, as a filter and sort would', () => {
  const next = random(7);
  for (let round = 0; round < 200; round++) {
    const all = new Set<CallRef>();
    for (let i = 0; i < 1 + Math.floor(next() * 60); i++) all.add(packRef(Math.floor(next() * 12), Math.floor(next() * 3), Math.floor(next() * 5)));
    const list = Float64Array.from([...all].sort((a, b) => a - b));
    const bodies = [...new Set([...all].filter(() => next() < 0.3).map(bodyKeyOf))];
    // A removed function's every slot, as filePatch gives them: most have no refs.
    if (next() < 0.3) for (let b = 0; b < BODY_SLOTS; b++) bodies.push(13 * BODY_SLOTS + b);
    bodies.sort((a, b) => a - b);
    const ours = new Set(bodies);
    const added = [...new Set(Array.from({ length: Math.floor(next() * 6) }, () => packRef(Math.floor(next() * 14), Math.floor(next() * 3), Math.floor(next() * 5))))]
      .filter((r) => ours.has(bodyKeyOf(r))).sort((a, b) => a - b);
    const expected = [...[...list].filter((r) => !ours.has(bodyKeyOf(r))), ...added].sort((a, b) => a - b);
    assert.deepEqual([...mergeRefs(list, bodies, added)], expected);
    assert.deepEqual([...mergeRefs([...list], bodies, added)], expected, 'a plain array gives the same');
  }
});
