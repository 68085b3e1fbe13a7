// Notifier lists on a fixture of our own (test/fixtures/c/notifiers, annotations in
// fs/acquire.c): a call through ->notifier_call inside notifier_call_chain() reaches only the
// blocks registered on the list the chain's caller walks, read through registration wrappers and
// the parameters the list is passed on by; a list held by a runtime object stays a guess.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { accessPath, headTerm, pathText, substitute } from '../../../src/core/graph/notifierLists';
import { fieldOfVia, type Chain, type ChainHop } from '../../../src/core/model/chain';
import { readAnnotations } from '../../support/annotations';
import { analyzeFixture, FIXTURES } from '../../support/analyzeFixture';

const ROOT = join(FIXTURES, 'notifiers');
const FILE = 'fs/acquire.c';

function hopNames(chain: Chain): string {
  const name = (h: ChainHop): string => {
    const field = fieldOfVia(h.via);
    return field === undefined ? h.callee : `->${field}=${h.callee}`;
  };
  return chain.hops.map(name).join(' > ');
}

test('notifiers: each list reaches only its own blocks; unknown and runtime lists leave the chain possible', async () => {
  const { result } = await analyzeFixture(ROOT);
  const wanted = readAnnotations(FILE, readFileSync(join(ROOT, FILE), 'utf8'));
  assert.equal(wanted.length, 4, 'the fixture holds its annotations');
  const line = (at: string, chain: string, confidence: string): string => `${at}  chain: ${chain}  confidence: ${confidence}`;
  const actual = result.chains.filter((c) => c.acquire.file === FILE)
    .map((c) => line(`${c.acquire.file}:${c.acquire.line}:${c.acquire.column}`, hopNames(c), c.confidence)).sort();
  const expected = wanted.map((a) => line(a.at, a.expect.get('chain')!, a.expect.get('confidence')!)).sort();
  assert.deepEqual(actual, expected);
  const reasonsOf = (fn: string): string[] => result.chains.find((c) => c.acquire.function === fn)!.reasons.map((r) => `${r.hop} ${r.kind} ${r.lowers}`);
  assert.deepEqual(reasonsOf('case_module'), ['3 notifier-dispatch false']);
  assert.deepEqual(reasonsOf('case_pool'), ['3 notifier-dispatch false']);
  assert.deepEqual(reasonsOf('case_quiet'), ['3 foreign-notifier true']);
  assert.deepEqual(reasonsOf('case_runtime'), ['3 runtime-notifier true']);
  const quiet = result.chains.find((c) => c.acquire.function === 'case_quiet')!.reasons[0]!.text;
  assert.match(quiet, /the list walked is quiet_list\.head, and pi_module_notify is not registered on it \(registered: quiet_notify\)/);
  const pool = result.chains.find((c) => c.acquire.function === 'case_pool')!.reasons[0]!.text;
  assert.match(pool, /pool_cache_notify is registered on pool_notify_list\.head \(mm\/pool\.c:\d+\)/);
});

test('notifiers: a head is followed through the parameters it is passed on by', () => {
  const inner = accessPath('&nh->head')!;
  const vmap = substitute(inner, accessPath('&vmap_notify_list')!)!;
  assert.equal(pathText(vmap), '&vmap_notify_list.head');
  assert.deepEqual(headTerm(vmap, ['val']), { kind: 'static', key: 'vmap_notify_list.head' });
  const runtime = substitute(inner, accessPath(' state->hooks ')!)!;
  assert.equal(pathText(runtime), '&state->hooks->head');
  assert.deepEqual(headTerm(runtime, ['m']), { kind: 'runtime', text: '&state->hooks->head' });
  assert.equal(headTerm(runtime, ['m', 'state']).kind, 'param');
  assert.equal(accessPath('foo(x)'), undefined);
  assert.equal(accessPath('(struct x *)p'), undefined);
});
