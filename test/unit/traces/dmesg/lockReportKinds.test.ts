// The lock report kinds besides lockdep's dependency reports, on own fixtures
// (test/fixtures/logs/ok/dmesg): kind, title as syzbot names it, guilty frame, locks and stacks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Report } from '../../../../src/core/model/trace';
import { parseLogFile } from '../../../../src/core/traces/parse/parseLog';

const DIR = join('test', 'fixtures', 'logs', 'ok', 'dmesg');

interface Expect {
  kind: Report['kind'];
  title: string;
  task: string;
  guilty: string;
  /** `role class@at` of each lock. */
  locks: string[];
  stacks: string[];
}

const CASES: Record<string, Expect> = {
  'bad-unlock-balance-rwsem.txt': {
    kind: 'bad-unlock-balance', title: 'WARNING: bad unlock balance in lpfs_release_alloc', task: 'lpwriter/8120', guilty: 'lpfs_release_alloc@6',
    locks: ['releasing &sbi->alloc_sem@-', 'held sb_writers#5@vfs_write'], stacks: ['released at:1', 'Call Trace:10'],
  },
  'held-lock-freed-socket.txt': {
    kind: 'held-lock-freed', title: 'WARNING: held lock freed in lpnet_release', task: 'lpsock/4411', guilty: 'lpnet_release@7',
    locks: ['freed sk_lock-AF_LPNET@lpnet_release', 'held &sb->s_type->i_mutex_key#12@__sock_release', 'held sk_lock-AF_LPNET@lpnet_release'],
    stacks: ['Call Trace:14'],
  },
  'still-has-locks-held-pipe.txt': {
    kind: 'still-has-locks-held', title: 'WARNING: still has locks held in lppipe_splice_wait', task: 'lppipe/5150', guilty: 'lppipe_splice_wait@7',
    locks: ['held &pipe->mutex/1@lppipe_splice_wait'], stacks: ['Call Trace:8'],
  },
  'lock-held-returning-to-user.txt': {
    kind: 'lock-held-returning-to-user', title: 'WARNING: lock held when returning to user space in lpdev_ioctl', task: 'lpioctl/3301', guilty: 'lpdev_ioctl@7',
    locks: ['held &lpdev->cfg_mutex@lpdev_ioctl'], stacks: [],
  },
  'suspicious-rcu-usage-list.txt': {
    kind: 'suspicious-rcu', title: 'WARNING: suspicious RCU usage in lpfs_for_each_zone', task: 'lpmount/2870', guilty: 'lpfs_for_each_zone@20',
    locks: ['held &type->s_umount_key#41@lpfs_remount'], stacks: ['Call Trace:12'],
  },
  'locking-bug-lockdep-warn.txt': {
    kind: 'locking-bug', title: 'WARNING: locking bug in check_wait_context', task: 'lpbind/6633', guilty: 'check_wait_context@8',
    locks: [], stacks: ['Call Trace:11'],
  },
  'spinlock-bad-magic.txt': {
    kind: 'spinlock-bug', title: 'BUG: spinlock bad magic in lpdrv_probe', task: 'lpinit/1', guilty: 'lpdrv_probe@11',
    locks: ['subject lpdrv_state@-'], stacks: ['Call Trace:11'],
  },
  'sleeping-function-invalid-context.txt': {
    kind: 'sleeping-in-atomic', title: 'BUG: sleeping function called from invalid context in lpfs_flush_zone', task: 'lpfsync/9001', guilty: 'lpfs_flush_zone@19',
    locks: ['held sb_writers#5@vfs_fsync_range', 'held &lpi->state_lock@lpfs_fsync'], stacks: ['Preemption disabled at:2', 'Call Trace:12'],
  },
};

for (const [name, want] of Object.entries(CASES)) {
  test(`${name}: kind, title, guilty frame, locks and stacks`, async () => {
    const log = await parseLogFile(join(DIR, name));
    assert.deepEqual(log.unparsed, []);
    assert.equal(log.reports.length, 1);
    const r = log.reports[0]!;
    assert.equal(r.kind, want.kind);
    assert.equal(r.title, want.title);
    assert.equal(log.title, want.title);
    assert.equal(r.task, want.task);
    assert.equal(`${r.guiltyFrame?.function}@${r.guiltyFrame?.line}`, want.guilty);
    assert.deepEqual(r.locks.map((l) => `${l.role} ${l.class}@${l.at ?? '-'}`), want.locks);
    assert.deepEqual(r.stacks.map((s) => `${s.label}:${s.frames.length}`), want.stacks);
  });
}

test('suspicious RCU usage keeps its message', async () => {
  const log = await parseLogFile(join(DIR, 'suspicious-rcu-usage-list.txt'));
  assert.equal(log.reports[0]!.detail, 'fs/lpfs/super.c:402 RCU-list traversed in non-reader section!!');
});

test('console log without caller ids: another CPU line inside a stack does not cut it; the first report is the title', async () => {
  const log = await parseLogFile(join(DIR, 'console-several-reports-interleaved.txt'));
  assert.deepEqual(log.unparsed, []);
  assert.deepEqual(log.reports.map((r) => r.title), ['INFO: task hung in lpfs_flush_journal', 'possible deadlock in lpfs_flush_journal']);
  assert.equal(log.title, 'INFO: task hung in lpfs_flush_journal');
  const hung = log.reports[0]!;
  assert.equal(hung.stacks[0]!.frames.length, 9);
  assert.equal(hung.endLine, 17);
});

test('caller ids: two reports printed at once come apart, in the order they start', async () => {
  const log = await parseLogFile(join(DIR, 'caller-ids-two-reports-interleaved.txt'));
  assert.deepEqual(log.unparsed, []);
  assert.deepEqual(log.reports.map((r) => `${r.kind} ${r.task} ${r.line}`), ['circular-locking lpcopy/812 2', 'hung-task lpcopy/913 5']);
  assert.deepEqual(log.reports.map((r) => r.title), ['possible deadlock in lpfs_map_extent', 'INFO: task hung in sb_start_write']);
  assert.equal(log.reports[1]!.stacks[0]!.frames.length, 11);
});

test('a comm with a line break in it: the hung-task header is read across both lines', async () => {
  const log = await parseLogFile(join(DIR, 'hung-task-comm-with-line-break.txt'));
  assert.deepEqual(log.unparsed, []);
  assert.equal(log.reports[0]!.task, 'lp\ufffd\ufffd\\n\ufffdx\ufffd/6120');
  assert.equal(log.title, 'INFO: task hung in lpnet_close_link');
});

test('arm "Backtrace:" and arm64 "Call trace:" stacks name hung tasks', async () => {
  const log = await parseLogFile(join(DIR, 'hung-task-arm-backtrace.txt'));
  assert.deepEqual(log.unparsed, []);
  assert.deepEqual(log.reports.map((r) => r.title), ['INFO: task hung in lpfs_write_pages', 'INFO: task hung in lpfs_sync_fs']);
  // Each arm line names a frame and its caller; the caller is not repeated by the next line.
  assert.deepEqual(log.reports[0]!.stacks[0]!.frames.map((f) => f.function).slice(0, 4), ['__schedule', 'schedule', 'io_schedule', 'folio_wait_bit_common']);
});
