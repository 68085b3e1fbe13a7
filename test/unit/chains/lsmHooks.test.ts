// LSM hook dispatch on a fixture of our own (test/fixtures/c/lsm-hooks): hooks registered with
// LSM_HOOK_INIT are reached from call_int_hook()/call_void_hook() and from explicit walks of the
// hook list, as calls through a field of the hook union, and such a hop keeps the chain likely.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Chain } from '../../../src/core/model/chain';
import { analyzeFixture, FIXTURES } from '../../support/analyzeFixture';

const ROOT = join(FIXTURES, 'lsm-hooks');

async function chainsOf(fn: string): Promise<Chain[]> {
  const { result } = await analyzeFixture(ROOT);
  return result.chains.filter((c) => c.acquire.function === fn);
}

const path = (c: Chain): string[] => c.hops.map((h) => (h.via === 'direct' ? h.callee : `${h.via} = ${h.callee}`));

test('lsm hooks: call_int_hook() reaches every module registered for the hook, and the path through one is likely', async () => {
  const chains = await chainsOf('case_open_truncate');
  assert.equal(chains.length, 1, 'guard_file_post_open, registered for the same hook, reaches no permission hook');
  const c = chains[0]!;
  assert.deepEqual(path(c), [
    'security_file_post_open', '->file_post_open = measure_file_check', 'measure_read', 'dentry_open', 'do_dentry_open', 'security_file_open',
  ]);
  const hop = c.hops[1]!;
  assert.deepEqual([hop.file, hop.line, hop.structType, hop.candidates], ['security/security.c', 22, 'security_list_options', 2]);
  assert.equal(c.confidence, 'likely', JSON.stringify(c.reasons));
  assert.deepEqual(c.reasons.map((r) => [r.hop, r.kind, r.lowers]), [[1, 'hook-dispatch', false]]);
});

test('lsm hooks: an explicit walk of the hook list (hp->hook.x) dispatches the same way', async () => {
  const chains = await chainsOf('case_setattr');
  assert.equal(chains.length, 1);
  assert.deepEqual(path(chains[0]!), ['security_inode_setattr', '->inode_setattr = guard_inode_setattr', 'dentry_open', 'do_dentry_open', 'security_file_open']);
  assert.equal(chains[0]!.confidence, 'likely', JSON.stringify(chains[0]!.reasons));
});

test('lsm hooks: a void hook whose functions reach no permission hook gives no chain', async () => {
  assert.deepEqual(await chainsOf('case_post_setattr'), []);
});
