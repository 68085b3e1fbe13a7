// The chain confidence rules on a fixture of our own (test/fixtures/c/precision): every case_*
// function is one kernel pattern the issue-9 reading found, with what a reviewer would say of it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Chain, ReasonKind } from '../../../src/core/model/chain';
import { FREEZE_RULE, type RuleSpec } from '../../../src/core/rules/ruleSpec';
import { analyzeFixture, FIXTURES } from '../../support/analyzeFixture';
import { readAnnotations } from '../../support/annotations';

const ROOT = join(FIXTURES, 'precision');

/** The built-in rule, with the fixture's stacking filesystem among the crossers and its copy-up scoped. */
const RULE: RuleSpec = {
  ...FREEZE_RULE,
  objectScopes: [{ function: 'stack_copy_object', arg: 0, file: 'fs/stack/object_copy.c', why: 'copies up that one dentry' }],
  dispatch: { ...FREEZE_RULE.dispatch!, crossers: [...FREEZE_RULE.dispatch!.crossers, { dir: 'fs/stack', why: 'the fixture\'s stacking filesystem' }] },
};

async function chainsFrom(): Promise<Map<string, Chain[]>> {
  const { result } = await analyzeFixture(ROOT, { rules: [RULE] });
  const by = new Map<string, Chain[]>();
  for (const c of result.chains) by.set(c.acquire.function, [...(by.get(c.acquire.function) ?? []), c]);
  return by;
}

function only(by: Map<string, Chain[]>, fn: string): Chain {
  const list = by.get(fn) ?? [];
  assert.equal(list.length, 1, `${fn}: ${list.length} chains`);
  return list[0]!;
}

function lowering(chain: Chain): ReasonKind[] {
  return chain.reasons.filter((r) => r.lowers).map((r) => r.kind);
}

test('confidence: VFS dispatch on a user-named object reaches any filesystem, and the hold is on a freezable one', async () => {
  const c = only(await chainsFrom(), 'case_vfs_open');
  assert.equal(c.confidence, 'likely', JSON.stringify(c.reasons));
  assert.deepEqual(c.hops.map((h) => h.callee), ['vfs_open', 'alpha_open', 'finish_open', 'security_file_open']);
  assert.equal(c.reasons[0]?.kind, 'entry-dispatch');
});

test('confidence: the object VFS dispatches on first belongs to a filesystem that cannot be frozen', async () => {
  const c = only(await chainsFrom(), 'case_vfs_setattr');
  assert.equal(c.confidence, 'possible');
  assert.deepEqual(lowering(c), ['not-freezable']);
});

test('confidence: a filesystem\'s own inode never dispatches to another filesystem\'s op', async () => {
  const c = only(await chainsFrom(), 'case_alpha_own_inode');
  assert.equal(c.confidence, 'possible');
  assert.deepEqual(lowering(c), ['foreign-dispatch']);
  assert.match(c.reasons[0]!.text, /belongs to fs\/alpha, but beta_evict is installed .* only by fs\/beta/);
});

test('confidence: a hold in a filesystem whose superblocks cannot be frozen', async () => {
  const c = only(await chainsFrom(), 'case_beta_own_hold');
  assert.equal(c.confidence, 'possible');
  assert.deepEqual(c.reasons.map((r) => [r.hop, r.kind]), [[-1, 'not-freezable']]);
});

test('confidence: a constant NULL argument rules out the guarded call one level down', async () => {
  const c = only(await chainsFrom(), 'case_alpha_null_file');
  assert.equal(c.confidence, 'possible');
  assert.deepEqual(lowering(c), ['constant-guard']);
  assert.match(c.reasons.at(-1)!.text, /alpha_create passes NULL as file, and alpha_create_common calls finish_open only when file is non-zero/);
});

test('confidence: a notifier list the caller passes in could hold any callback', async () => {
  const c = only(await chainsFrom(), 'case_notifier');
  assert.equal(c.confidence, 'possible');
  assert.deepEqual(lowering(c), ['runtime-notifier']);
});

test('confidence: a stacking filesystem reaches the real file\'s filesystem, whose hold it took', async () => {
  const c = only(await chainsFrom(), 'case_stack_copy_up');
  assert.equal(c.confidence, 'likely', JSON.stringify(c.reasons));
  assert.equal(c.reasons[0]?.kind, 'crossing-dispatch');
});

test('confidence: crash paths and handed-off AIO holds start no chain', async () => {
  const by = await chainsFrom();
  assert.equal(by.get('case_panic'), undefined, 'panic() is a rule stopAt');
  assert.equal(by.get('case_aio_submitter'), undefined, 'kiocb_start_write hands the hold to the request: submit_write is no wrapper');
});

test('confidence: scan --confidence likely leaves the possible chains out and counts them', async () => {
  const { atConfidence } = await import('../../../src/core/report/confidence');
  const { result } = await analyzeFixture(ROOT, { rules: [RULE] });
  const shown = atConfidence(result, 'likely');
  assert.ok(shown.chains.every((c) => c.confidence === 'likely'));
  assert.equal(shown.stats.hiddenChains, result.chains.length - shown.chains.length);
  assert.ok(shown.chains.length >= 2 && shown.stats.hiddenChains! >= 5);
});

test('confidence: a zero passed on by name two levels down fails the predicate that guards the next call', async () => {
  const by = await chainsFrom();
  const lowered = only(by, 'case_stack_setattr_copy_up');
  assert.deepEqual(lowered.hops.map((h) => h.callee).slice(0, 5), ['stack_copy_up', 'stack_copy_up_flags', 'stack_copy_up_one', 'stack_copy_data', 'vfs_open']);
  assert.equal(lowered.confidence, 'possible');
  assert.deepEqual(lowering(lowered), ['constant-guard']);
  assert.match(lowered.reasons.at(-1)!.text,
    /stack_copy_up passes 0 as flags, stack_copy_up_flags passes it on as flags, and stack_copy_up_one calls stack_copy_data only when stack_needs_data_copy_up\(dentry, flags\) holds, false when flags is zero/);
  const kept = only(by, 'case_stack_open_copy_up');
  assert.equal(kept.confidence, 'likely', JSON.stringify(kept.reasons));
});

test('confidence: a directory passed to a copy-up never takes the path its file-type test keeps for regular files', async () => {
  const by = await chainsFrom();
  const lowered = only(by, 'case_stack_create_copies_parent');
  assert.equal(lowered.confidence, 'possible');
  assert.deepEqual(lowering(lowered), ['object-kind']);
  assert.match(lowered.reasons.at(-1)!.text,
    /stack_copy_parent passes parent = dentry->d_parent \(fs\/stack\/object_copy.c:\d+\), a directory, to stack_copy_object, .* stack_do_copy_object calls stack_copy_by_tmpfile only when S_ISREG\(c->mode\)/);
  const kept = only(by, 'case_stack_write_copies_object');
  assert.equal(kept.confidence, 'likely', JSON.stringify(kept.reasons));
});

/** Each `confidence:` annotation of a fixture file against the chains whose first hop is at its call. */
async function annotatedConfidence(file: string, rule: RuleSpec): Promise<Chain[]> {
  const wanted = readAnnotations(file, readFileSync(join(ROOT, file), 'utf8')).filter((a) => a.expect.has('confidence'));
  assert.ok(wanted.length >= 5, 'the fixture holds its annotations');
  const { result } = await analyzeFixture(ROOT, { rules: [rule] });
  const said = (c: Chain): string => (c.confidence === 'likely' ? 'likely' : `${c.confidence} (${lowering(c).join(', ')})`);
  const at = (c: Chain): string => `${c.hops[0]!.file}:${c.hops[0]!.line}:${c.hops[0]!.column}`;
  const actual = wanted.map((a) => `${a.at} ${result.chains.filter((c) => at(c) === a.at).map(said).join(' | ') || 'no chain'}`);
  assert.deepEqual(actual, wanted.map((a) => `${a.at} ${a.expect.get('confidence')!}`));
  return result.chains;
}

test('confidence: a copy-up whose object is its parameter is a directory only when every caller passes one (annotated)', async () => {
  const chains = await annotatedConfidence('fs/stack/object_callers.c', RULE);
  const walked = chains.find((c) => c.acquire.function === 'stack_encode_copy_up')!;
  assert.match(walked.reasons.at(-1)!.text, new RegExp([
    'every call of stack_encode_copy_up passes a directory: stack_connect_dir passes next = dget\\(dentry\\) or parent, with parent = NULL or dget_parent\\(next\\) \\(fs/stack/object_callers.c:\\d+\\)',
    'every call of stack_connect_dir passes a directory: case_encode_dir calls stack_connect_dir only when d_is_dir\\(dentry\\) \\(fs/stack/object_callers.c:\\d+\\), a directory, to stack_copy_object',
  ].join('; ')));
});

test('confidence: a copy-up made again on an object copied up before, after a failure left, never copies (annotated)', async () => {
  const rule: RuleSpec = {
    ...RULE,
    repeatedCalls: [{ function: 'stack_link_copy_up', arg: 0, skips: 'stack_link_copy_one', why: 'it stops at its check once copied up' }],
  };
  const chains = await annotatedConfidence('fs/stack/link.c', rule);
  const repeat = chains.find((c) => c.acquire.function === 'case_link_counts_after_copy_up' && c.confidence === 'possible')!;
  assert.match(repeat.reasons.at(-1)!.text,
    /case_link_counts_after_copy_up called stack_link_copy_up\(old\) before \(fs\/stack\/link.c:\d+\) and leaves if it fails; stack_link_count calls stack_link_copy_up on the same object again \(fs\/stack\/link.c:\d+\), which never reaches stack_link_copy_one/);
});

test('confidence: a call made only for exports whose filesystems set a flag, and none of those can be frozen', async () => {
  const by = await chainsFrom();
  const lowered = only(by, 'case_export_close_first');
  assert.equal(lowered.confidence, 'possible');
  assert.deepEqual(lowering(lowered), ['not-freezable']);
  assert.match(lowered.reasons.at(-1)!.text, /only when the exported filesystem sets EXPORT_OP_CLOSE_FIRST \(fs\/open.c:\d+\); only fs\/beta sets it, and none can be frozen/);
  const kept = only(by, 'case_export_sync_first');
  assert.equal(kept.confidence, 'likely', JSON.stringify(kept.reasons));
});

test('confidence: when a guard rules out the way a function takes, its other calls are tried', async () => {
  const c = only(await chainsFrom(), 'case_open_creat');
  assert.equal(c.confidence, 'likely', JSON.stringify(c.reasons));
  assert.deepEqual(c.hops.map((h) => h.callee), ['lookup_open', 'atomic_open', 'alpha_atomic_open', 'alpha_create_common', 'finish_open', 'security_file_open']);
});
