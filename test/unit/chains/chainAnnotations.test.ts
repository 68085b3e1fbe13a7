// The reverse search against annotated C (test/fixtures/c/annotated/fs/chains.c, format in the
// folder's README): from each annotated acquisition, exactly the chains it names, hop by hop;
// and no chain starting or passing at a call marked `no-chain` (released before, exempt, inside
// a sink, a pointer hop where a direct path is cheaper).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fieldOfVia, type Chain, type ChainHop, type ChainLocation } from '../../../src/core/model/chain';
import { readAnnotations } from '../../support/annotations';
import { analyzeFixture, FIXTURES } from '../../support/analyzeFixture';

const ROOT = join(FIXTURES, 'annotated');
const FILE = 'fs/chains.c';

const position = (l: ChainLocation): string => `${l.file}:${l.line}:${l.column}`;

/** A chain's hops as the annotations write them: `f > ->field=g > sink`. */
function hopNames(chain: Chain): string {
  const name = (h: ChainHop): string => {
    const field = fieldOfVia(h.via);
    return field === undefined ? h.callee : `->${field}=${h.callee}`;
  };
  return chain.hops.map(name).join(' > ');
}

for (const parseAll of [false, true]) {
  test(`chain search: the chains of every annotated acquisition, and none through a no-chain call (${parseAll ? 'all files parsed' : 'default readers'})`, async () => {
    const { result } = await analyzeFixture(ROOT, { parseAll });
    const wanted = readAnnotations(FILE, readFileSync(join(ROOT, FILE), 'utf8'));
    const starts = wanted.filter((a) => a.expect.has('chain'));
    const quiet = wanted.filter((a) => a.expect.has('no-chain'));
    assert.ok(starts.length >= 5 && quiet.length >= 5, 'the fixture holds its annotations');

    // Every chain found from this file, one line each, against one line per `chain:` annotation.
    const line = (at: string, chain: string): string => `${at}  chain: ${chain}`;
    const found = result.chains.filter((c) => c.acquire.file === FILE);
    const actual = found.map((c) => line(position(c.acquire), hopNames(c))).sort();
    const expected = starts.map((a) => line(a.at, a.expect.get('chain')!)).sort();
    assert.deepEqual(actual, expected);

    // A `no-chain` call is neither an acquisition nor a hop of any chain in the tree.
    const passing = new Map<string, string>();
    for (const c of result.chains) {
      passing.set(position(c.acquire), `acquisition of ${c.id}`);
      for (const h of c.hops) passing.set(position(h), `hop of ${c.id}`);
    }
    const seen = quiet.map((a) => `${a.at}  ${passing.get(a.at) ?? `no-chain: ${a.expect.get('no-chain')!}`}`);
    assert.deepEqual(seen, quiet.map((a) => `${a.at}  no-chain: ${a.expect.get('no-chain')!}`));
  });
}
