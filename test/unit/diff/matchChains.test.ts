// Chain identity and matching on hand-made chains: what counts as the same chain, a changed
// path, or another chain; and the step a removal explanation names, over a scripted side.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareToBaseline, countStates } from '../../../src/core/diff/baselineState';
import { describeChange, diffResults } from '../../../src/core/diff/chainDiff';
import { demotedChains } from '../../../src/core/diff/demotedChains';
import { explainRemoval, confirmMove } from '../../../src/core/diff/explainRemoval';
import { matchChains } from '../../../src/core/diff/matchChains';
import { describeRemoval } from '../../../src/core/diff/removalReason';
import { resultSideView, type Answer, type SideView } from '../../../src/core/diff/sideView';
import type { Chain } from '../../../src/core/model/chain';
import { emptyResult } from '../report/sampleResult';

/** A chain through `path` (acquirer first, sink last); `line` moves every location. */
function chain(path: string[], opts: { line?: number; file?: string; call?: string; via?: string[] } = {}): Chain {
  const line = opts.line ?? 10;
  const file = opts.file ?? 'fs/a.c';
  const hops = path.slice(1).map((callee, i) => ({ caller: path[i]!, callee, file, line: line + i + 1, column: 2, via: opts.via?.[i] ?? 'direct' }));
  return {
    id: ['freeze', path[0], opts.call ?? 'file_start_write', path[1], path.at(-1)].join('/'),
    rule: 'freeze',
    acquire: { function: path[0]!, call: opts.call ?? 'file_start_write', file, line, column: 2 },
    hops, sink: path.at(-1)!, indirect: hops.some((h) => h.via !== 'direct'), confidence: 'likely', reasons: [],
  };
}

const SENDFILE = ['do_sendfile', 'do_splice_direct', 'splice_direct_to_actor', 'do_splice_to', 'rw_verify_area', 'security_file_permission'];

test('line shifts and moves between files keep a chain unchanged', () => {
  const m = matchChains([chain(SENDFILE)], [chain(SENDFILE, { line: 400, file: 'fs/moved.c' })]);
  assert.equal(m.unchanged.length, 1);
  assert.deepEqual([m.changed.length, m.added.length, m.removed.length], [0, 0, 0]);
});

test('same acquisition, sink and first call with another path is changed; another first call is another chain', () => {
  const other = ['do_sendfile', 'do_splice_direct', 'splice_direct_to_actor', 'vfs_splice_read', 'rw_verify_area', 'security_file_permission'];
  const changed = matchChains([chain(SENDFILE)], [chain(other)]);
  assert.equal(changed.changed.length, 1);
  assert.match(describeChange({ ...changed.changed[0]!, firstDifference: 2 }), /from hop 3 the path goes splice_direct_to_actor\(\) -> vfs_splice_read\(\) instead of splice_direct_to_actor\(\) -> do_splice_to\(\)/);
  const elsewhere = matchChains([chain(SENDFILE)], [chain(['do_sendfile', 'rw_verify_area', 'security_file_permission'])]);
  assert.deepEqual([elsewhere.changed.length, elsewhere.added.length, elsewhere.removed.length], [0, 1, 1]);
  // Pointer chains pair on acquisition and sink alone: the finder keeps one per site and sink.
  const viaA = chain(['f', 'g', 'a_read', 'security_file_permission'], { via: ['direct', '->read', 'direct'] });
  const viaB = chain(['f', 'h', 'b_read', 'security_file_permission'], { via: ['direct', '->read', 'direct'] });
  assert.equal(matchChains([viaA], [viaB]).changed.length, 1);
  // Another acquisition primitive is another chain.
  assert.equal(matchChains([chain(SENDFILE)], [chain(SENDFILE, { call: 'sb_start_write' })]).unchanged.length, 0);
});

test('a held call now made through a hook is the same chain, changed; the text says through what', () => {
  // 6.1: do_open() calls ima_file_check(); 6.12: through security_file_post_open()'s LSM hook.
  const tail = ['process_measurement', 'ima_collect_measurement', 'ima_calc_file_hash', 'dentry_open', 'vfs_open', 'do_dentry_open', 'security_file_open'];
  const direct = chain(['do_open', 'ima_file_check', ...tail], { call: 'mnt_want_write' });
  const hooked = chain(['do_open', 'security_file_post_open', 'ima_file_check', ...tail], { call: 'mnt_want_write', via: ['direct', '->file_post_open'] });
  // A pointer chain with the same acquisition and sink that does not reach ima_file_check().
  const truncate = chain(['do_open', 'handle_truncate', 'do_truncate', 'notify_change', 'ecryptfs_setattr', 'dentry_open', 'vfs_open', 'do_dentry_open', 'security_file_open'],
    { call: 'mnt_want_write', via: ['direct', 'direct', 'direct', '->setattr'] });
  const m = matchChains([direct, truncate], [hooked]);
  assert.equal(m.changed.length, 1);
  assert.equal(m.changed[0]!.old, direct);
  assert.deepEqual(m.removed, [truncate]);
  assert.equal(describeChange({ ...m.changed[0]!, firstDifference: 0 }),
    'do_open() now reaches ima_file_check() through security_file_post_open() (hop 1 was do_open() -> ima_file_check())');
  // The other way round is a new held call (a new chain), as in the sendfile test above; a
  // pointer pair of that shape still says what changed.
  assert.equal(matchChains([hooked], [direct]).changed.length, 0);
  assert.equal(describeChange({ old: hooked, new: direct, firstDifference: 0 }), 'do_open() now calls ima_file_check() itself, no longer through security_file_post_open()');
});

test('chains with one identity pair in source order; the extra one is added', () => {
  const m = matchChains([chain(SENDFILE, { line: 5 })], [chain(SENDFILE, { line: 50 }), chain(SENDFILE, { line: 7 })]);
  assert.equal(m.unchanged[0]!.new.acquire.line, 7);
  assert.equal(m.added[0]!.acquire.line, 50);
});

test('baseline states: new, unchanged, updated and absent', () => {
  const kept = chain(SENDFILE);
  const updatedOld = chain(['x', 'y', 'z', 'security_file_open']);
  const updatedNew = chain(['x', 'y', 'w', 'security_file_open']);
  const gone = chain(['p', 'q', 'fsnotify_perm']);
  const fresh = chain(['n', 'm', 'fsnotify_perm']);
  const cmp = compareToBaseline([kept, updatedOld, gone], [chain(SENDFILE, { line: 99 }), updatedNew, fresh]);
  assert.deepEqual(countStates(cmp), { new: 1, unchanged: 1, updated: 1, absent: 1 });
  assert.equal(cmp.states.get(fresh), 'new');
  assert.equal(cmp.states.get(updatedNew), 'updated');
  assert.deepEqual(cmp.absent, [gone]);
});

/** A side that knows what `facts` say, and says false for the rest. */
function scripted(facts: { calls?: string[]; acquires?: string[]; notHeldAt?: string[]; dropsHold?: string[]; acquirers?: string[]; refs?: Record<string, string[]> }): SideView {
  const has = (list: string[] | undefined, k: string): Answer => (list ?? []).includes(k);
  return {
    defines: () => true,
    calls: (a, b) => has(facts.calls, `${a}>${b}`),
    acquires: (fn, call) => has(facts.acquires, `${fn}:${call}`),
    heldAt: (fn, _call, callee) => !has(facts.notHeldAt, `${fn}:${callee}`),
    keepsHold: (a, b) => !has(facts.dropsHold, `${a}>${b}`),
    exempt: () => false,
    isSink: () => true,
    acquirers: () => facts.acquirers ?? [],
    references: (fn) => new Set(facts.refs?.[fn] ?? []),
  };
}

const PATH_CALLS = SENDFILE.slice(1).map((c, i) => `${SENDFILE[i]}>${c}`);

test('explanations: moved, released before a later call of the path, a hold dropped on the way', () => {
  const c = chain(SENDFILE);
  const moved = explainRemoval(c, scripted({ calls: PATH_CALLS, acquirers: ['direct_splice_actor', 'vfs_iter_write'], refs: { do_splice_direct: ['direct_splice_actor'] } }));
  assert.equal(describeRemoval(moved), 'file_start_write() moved from do_sendfile() into direct_splice_actor()');
  assert.deepEqual(confirmMove(moved, new Set(['direct_splice_actor'])), { kind: 'acquisition-gone', step: 0, fn: 'do_sendfile', call: 'file_start_write' });

  const copy = chain(['vfs_copy_file_range', 'generic_copy_file_range', 'do_splice_direct', 'rw_verify_area', 'security_file_permission']);
  const released = explainRemoval(copy, scripted({
    acquires: ['vfs_copy_file_range:file_start_write'], calls: ['vfs_copy_file_range>do_splice_direct', 'do_splice_direct>rw_verify_area', 'rw_verify_area>security_file_permission'],
    notHeldAt: ['vfs_copy_file_range:do_splice_direct'],
  }));
  assert.equal(describeRemoval(released), "vfs_copy_file_range() no longer calls generic_copy_file_range(); it calls do_splice_direct() itself, after file_start_write()'s hold is released");
  assert.equal(released.step, 1);

  const dropped = explainRemoval(c, scripted({ acquires: ['do_sendfile:file_start_write'], calls: PATH_CALLS, dropsHold: ['do_splice_to>rw_verify_area'] }));
  assert.deepEqual(dropped, { kind: 'hold-dropped', step: 4, caller: 'do_splice_to', callee: 'rw_verify_area' });
  const gone = explainRemoval(c, scripted({ acquires: ['do_sendfile:file_start_write'], calls: PATH_CALLS.filter((x) => x !== 'splice_direct_to_actor>do_splice_to') }));
  assert.equal(describeRemoval(gone), 'splice_direct_to_actor() no longer calls do_splice_to()');
});

test('explanations from a result alone say what the chains show, and no more', () => {
  const c = chain(SENDFILE);
  const newSide = { ...emptyResult(), chains: [chain(['do_sendfile', 'do_splice_direct', 'other', 'security_file_permission'])] };
  const reason = explainRemoval(c, resultSideView(newSide, 'freeze'));
  assert.deepEqual(reason, { kind: 'not-seen', step: 2, caller: 'do_splice_direct', callee: 'splice_direct_to_actor' });
  const d = diffResults({ ...emptyResult(), chains: [c] }, newSide, { old: 'json:a', new: 'json:b' }, (x) => explainRemoval(x, resultSideView(newSide, 'freeze')));
  assert.deepEqual([d.added.length, d.removed.length, d.changed.length], [0, 0, 1]);
});

test('at likely, a chain only demoted to possible is removed because it is possible now, with what lowers it', () => {
  const old = chain(SENDFILE);
  const lowered: Chain = {
    ...chain(SENDFILE, { line: 90 }), confidence: 'possible',
    reasons: [{ hop: 2, kind: 'type-only-dispatch', lowers: true, text: 'the call rests on the type alone' }, { hop: -1, kind: 'not-freezable', lowers: false, text: 'kept' }],
  };
  const gone = chain(['do_sendfile', 'rw_verify_area', 'security_file_permission']);
  const reasons = demotedChains([old, gone], { ...emptyResult(), chains: [lowered] });
  assert.deepEqual([...reasons.keys()], [old]);
  const reason = reasons.get(old)!;
  assert.deepEqual(reason, { kind: 'now-possible', step: -1, because: ['the call rests on the type alone'] });
  assert.equal(describeRemoval(reason), 'the chain is still there, but now only possible: the call rests on the type alone (--confidence possible shows it)');
});
