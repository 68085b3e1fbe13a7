// The order and ids a result gives its chains: after a live edit only the chains made anew are
// sorted and merged among the kept ones, and that must come out as a full sort would, ties
// (equal place, sink and first callee) included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BuiltChain } from '../../../src/core/chains/builtChains';
import { assignIds, type ShownChain } from '../../../src/core/chains/shownChains';
import type { Chain } from '../../../src/core/model/chain';

/** A deterministic stream of numbers in [0, 1). */
function randoms(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

function chain(n: number, file: string, line: number, sink: string, first: string, fn: string): Chain {
  return {
    id: '', rule: 'freeze', sink, indirect: false, confidence: 'possible', reasons: [],
    acquire: { function: fn, call: 'file_start_write', file, line, column: 2 },
    hops: [{ caller: fn, callee: first, file, line: line + 1 + (n % 3), column: 2, via: 'direct' }],
  };
}

function shownOf(c: Chain, fresh: boolean): ShownChain {
  const built: BuiltChain = {
    chain: c, verdict: { confidence: 'possible', reasons: [] }, basis: { facts: '', reads: new Map(), definitions: new Map() }, path: [], refs: [], acquisition: 0,
  };
  return { built, chain: c, fresh };
}

const view = (chains: readonly Chain[]): string[] => chains.map((c) => `${c.id}@${c.acquire.file}:${c.acquire.line}`);

test('chains given out again keep their order; new ones merge in as a full sort places them, ties included', () => {
  const next = randoms(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  for (let round = 0; round < 40; round++) {
    // Few files, lines, sinks and names: many ties and many clashing ids.
    const make = (n: number): Chain => chain(n, pick(['fs/a.c', 'fs/b.c', 'mm/c.c']), 10 + Math.floor(next() * 4), pick(['security_file_open', 'security_file_permission']), pick(['f', 'g']), pick(['do_a', 'do_b']));
    const first = Array.from({ length: 60 }, (_, i) => shownOf(make(i), true));
    const before = assignIds(first);
    assert.deepEqual(view(before), view(assignIds(first.map((s) => shownOf({ ...s.chain, id: '' }, true)))));
    // An edit: some winners go, some come (anywhere in graph order), the rest are given out again.
    const again: ShownChain[] = [];
    first.forEach((s, i) => {
      if (next() < 0.15) return;
      if (next() < 0.1) again.push(shownOf(make(1000 + i), true));
      again.push({ built: s.built, chain: s.built.shown!, fresh: false });
    });
    const incremental = assignIds(again, before);
    const full = assignIds(again.map((s) => shownOf({ ...s.chain, id: '' }, true)));
    assert.deepEqual(view(incremental), view(full), `round ${round}`);
  }
});
