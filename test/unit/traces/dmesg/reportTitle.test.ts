import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demangle } from '../../../../src/core/traces/parse/dmesg/demangle';
import { FRAME_SKIPS, HUNG_TASK_ANCHORS, HUNG_TASK_SKIPS, KIND_SKIPS } from '../../../../src/core/traces/parse/dmesg/frameSkips';
import { parseLogLines } from '../../../../src/core/traces/parse/parseLog';

test('demangle: Itanium function names without parameters; anything else as printed', () => {
  assert.equal(demangle('_Z8fakeNameiii'), 'fakeName');
  assert.equal(demangle('_ZL6helperv'), 'helper');
  assert.equal(demangle('_ZN2lp6Device5probeEv'), 'lp::Device::probe');
  assert.equal(demangle('_ZNK2lp4Ring4sizeEv'), 'lp::Ring::size');
  assert.equal(demangle('do_sendfile'), 'do_sendfile');
  assert.equal(demangle('_Z'), '_Z');
  assert.equal(demangle('_Z99short'), '_Z99short');
});

test('every skip entry gives its reason', () => {
  const all = [...FRAME_SKIPS, ...Object.values(KIND_SKIPS).flat()];
  for (const s of all) assert.ok(s.reason.length > 10, `no reason for ${s.pattern}`);
  for (const s of [...HUNG_TASK_ANCHORS, ...HUNG_TASK_SKIPS]) assert.ok(s.reason.length > 5, `no reason for ${s.contains}`);
});

const circular = (acquiringAt: string, holdingAt: string, depFrames: string[]): string[] => [
  '======================================================',
  'WARNING: possible circular locking dependency detected',
  '------------------------------------------------------',
  'lp/1 is trying to acquire lock:',
  `ffff888000000010 (&a->lock){+.+.}-{3:3}, at: ${acquiringAt}`,
  '',
  'but task is already holding lock:',
  `ffff888000000020 (&b->lock){+.+.}-{3:3}, at: ${holdingAt}`,
  '',
  'the existing dependency chain (in reverse order) is:',
  '',
  '-> #1 (&b->lock){+.+.}-{3:3}:',
  ...depFrames.map((f) => `       ${f}`),
  '',
  'stack backtrace:',
  'Call Trace:',
  ' dump_stack_lvl+0x5b/0x77',
  ' lpfs_top+0x10/0x20',
];

test('circular: the acquiring at:, then the holding at:, then the chain, each past the skips', () => {
  assert.equal(parseLogLines(circular('lpfs_a+0x1/0x2', 'lpfs_b+0x1/0x2', ['lpfs_c+0x1/0x2'])).title, 'possible deadlock in lpfs_a');
  // flush_workqueue takes the work's lockdep map: the deadlock is the holder's.
  assert.equal(parseLogLines(circular('flush_workqueue+0x1/0x2', 'lpfs_b+0x1/0x2', ['lpfs_c+0x1/0x2'])).title, 'possible deadlock in lpfs_b');
  assert.equal(parseLogLines(circular('mutex_lock_nested+0x1/0x2', '_raw_spin_lock+0x1/0x2', ['lock_acquire+0x1/0x2', '__mutex_lock+0x1/0x2', 'lpfs_c.isra.0+0x1/0x2'])).title, 'possible deadlock in lpfs_c');
  const none = parseLogLines(circular('mutex_lock_nested+0x1/0x2', '_raw_spin_lock+0x1/0x2', ['lock_acquire+0x1/0x2']));
  assert.equal(none.title, 'WARNING: possible circular locking dependency detected');
  assert.equal(none.reports[0]!.guiltyFrame, null);
});

const hung = (frames: string[]): string[] => ['INFO: task lp:7 blocked for more than 120 seconds.', 'Call Trace:', ...frames.map((f) => ` ${f}`)];

// One syscall prefix is stripped (the shortest result wins): `__x64_sys_fsync` reads `sys_fsync`, as syzbot titles it.
test('hung task: rtnl_lock and synchronize_* buckets first, then the first frame not about waiting', () => {
  assert.equal(parseLogLines(hung(['__schedule+0x1/0x2', 'synchronize_rcu_expedited+0x1/0x2', 'lpnet_exit+0x1/0x2'])).title, 'INFO: task hung in synchronize_rcu');
  assert.equal(parseLogLines(hung(['__schedule+0x1/0x2', 'lpnet_dump+0x1/0x2', 'rtnl_lock+0x1/0x2'])).title, 'INFO: task hung in rtnl_lock');
  assert.equal(parseLogLines(hung(['__schedule+0x1/0x2', 'lpfs_wait_io+0x1/0x2', '__x64_sys_fsync+0x1/0x2'])).title, 'INFO: task hung in sys_fsync');
  const r = parseLogLines(hung(['schedule+0x1/0x2', 'synchronize_srcu+0x1/0x2'])).reports[0]!;
  assert.deepEqual(r.guiltyFrame, { function: 'synchronize_rcu', raw: 'synchronize_srcu', line: 4 });
});
