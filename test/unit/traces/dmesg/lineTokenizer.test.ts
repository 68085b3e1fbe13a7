import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFrame, tokenizeDmesgLine } from '../../../../src/core/traces/parse/dmesg/lineTokenizer';

test('printk prefixes: timestamp, caller id, syslog level', () => {
  assert.deepEqual(tokenizeDmesgLine('[ 1431.920513][ T1054] INFO: task jbd2/sda-8:3563 blocked for more than 140 seconds.'), {
    prefix: { timestamp: 1431.920513, caller: 'T1054' },
    body: { kind: 'header', report: 'hung-task', task: 'jbd2/sda-8/3563', title: 'INFO: task hung', rule: 'hung-task' },
  });
  assert.equal(tokenizeDmesgLine('<4>[   75.037357] WARNING: possible circular locking dependency detected').body.kind, 'header');
  assert.deepEqual(tokenizeDmesgLine('[    C1] NMI backtrace for cpu 1').prefix, { timestamp: null, caller: 'C1' });
});

test('frames: syzbot file:line and [inline], modules, ? unreliable, old [<addr>] form', () => {
  assert.deepEqual(parseFrame('do_sendfile+0x623/0x1070 fs/read_write.c:1254'), {
    function: 'do_sendfile', offset: '+0x623/0x1070', file: 'fs/read_write.c', line: 1254, inline: false, unreliable: false, mapped: false,
  });
  assert.deepEqual(parseFrame('__do_sys_sendfile64 fs/read_write.c:1322 [inline]'), {
    function: '__do_sys_sendfile64', file: 'fs/read_write.c', line: 1322, inline: true, unreliable: false, mapped: false,
  });
  assert.deepEqual(parseFrame('? xfs_free_eofblocks+0x104/0x1d0 [xfs]'), {
    function: 'xfs_free_eofblocks', offset: '+0x104/0x1d0', module: 'xfs', inline: false, unreliable: true, mapped: false,
  });
  assert.equal(parseFrame('[<00000000dd7fc330>] pipe_lock+0x56/0x70')!.function, 'pipe_lock');
  assert.equal(parseFrame('ext4_release_dquot+0x3ee/0x6c0 fs/ext4/ext4_jbd2.h:-1')!.line, undefined);
  assert.equal(parseFrame('CPU0'), undefined);
  assert.equal(parseFrame('lock(sb_writers#4);'), undefined);
});

test('lock lines: nested parens, index, wrapped at:, dependency heads', () => {
  const held = tokenizeDmesgLine(' #1: 0000000056cd520a ((work_completion)(&(&wb->dwork)->work)){+.+.}, at: process_one_work+0xc1d/0x1ce0').body;
  assert.ok(held.kind === 'lock');
  assert.equal(held.lock.class, '(work_completion)(&(&wb->dwork)->work)');
  assert.equal(held.lock.index, 1);
  assert.equal(held.lock.at!.function, 'process_one_work');
  const wrapped = tokenizeDmesgLine('0000000026f1d784 (fs_reclaim){+.+.}, at:').body;
  assert.ok(wrapped.kind === 'lock' && wrapped.lock.atNext && wrapped.lock.at === null);
  assert.deepEqual(tokenizeDmesgLine('-> #3 (sb_writers#4){.+.+}-{0:0}:').body, { kind: 'dependency', index: 3, class: 'sb_writers#4' });
  assert.deepEqual(tokenizeDmesgLine('-> (&wb->list_lock){+.-.}-{2:2} {').body, { kind: 'dependency', index: null, class: '&wb->list_lock' });
  assert.deepEqual(tokenizeDmesgLine('4 locks held by fsfreeze/4346:').body, { kind: 'heldBy', task: 'fsfreeze/4346', count: 4 });
  assert.deepEqual(tokenizeDmesgLine('kworker/0:2/123 [HC0[0]:SC0[2]:HE1:SE0] is trying to acquire:').body, { kind: 'trying', task: 'kworker/0:2/123' });
});

test('lock report headers of every kind, bracketed old headers, and the lines only they print', () => {
  const header = (s: string): unknown => {
    const b = tokenizeDmesgLine(s).body;
    return b.kind === 'header' ? [b.report, b.title, b.task] : b.kind;
  };
  assert.deepEqual(header('[ INFO: possible recursive locking detected ]'), ['recursive-locking', 'possible deadlock', null]);
  assert.deepEqual(header('BUG: bad unlock balance detected!'), ['bad-unlock-balance', 'BUG: bad unlock balance', null]);
  assert.deepEqual(header('WARNING: lp/12 still has locks held!'), ['still-has-locks-held', 'WARNING: still has locks held', 'lp/12']);
  assert.deepEqual(header('BUG: rwlock wrong owner on CPU#1, lp/3'), ['spinlock-bug', 'BUG: rwlock wrong owner', 'lp/3']);
  assert.deepEqual(header('[ INFO: suspicious RCU usage. ]'), ['suspicious-rcu', 'INFO: suspicious RCU usage', null]);
  assert.deepEqual(header('WARNING: CPU: 1 PID: 5 at kernel/locking/lockdep.c:232 hlock_class+0x1/0x2'), ['locking-bug', 'WARNING: locking bug', null]);
  assert.equal(header('WARNING: CPU: 1 PID: 5 at fs/lpfs/super.c:12 lpfs_fill+0x1/0x2'), 'text');
  assert.deepEqual(tokenizeDmesgLine('lp/7 is trying to release lock (&a->sem) at:').body, { kind: 'releasing', task: 'lp/7', class: '&a->sem' });
  assert.deepEqual(tokenizeDmesgLine('in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 9, name: lp').body, { kind: 'taskInfo', task: 'lp/9' });
  const rip = tokenizeDmesgLine('RIP: 0010:check_wait_context+0x1e4/0x1c50 kernel/locking/lockdep.c:4730').body;
  assert.ok(rip.kind === 'rip' && rip.frame.function === 'check_wait_context');
  const arm = tokenizeDmesgLine('[<80c1e5e8>] (__schedule) from [<80c1eb20>] (schedule+0x60/0xdc)').body;
  assert.ok(arm.kind === 'armFrame' && arm.frame.function === '__schedule' && arm.caller.offset === '+0x60/0xdc');
  assert.equal(tokenizeDmesgLine('Call trace:').body.kind, 'stackLabel');
});
