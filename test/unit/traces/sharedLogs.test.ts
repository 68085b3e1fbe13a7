// Real public lockdep, hung-task and ftrace outputs in ../shared/logs (read, never copied; see
// SOURCES.md there). Each renders to test/golden/traces/shared/<name>.golden, and the facts the
// provenance notes state are asserted on top.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ParsedLog, Report } from '../../../src/core/model/trace';
import { parseLogFile } from '../../../src/core/traces/parse/parseLog';
import { renderParsedLog } from '../../../src/core/traces/parse/renderParsedLog';
import { assertGolden } from '../../support/golden';

const DIR = resolve(process.cwd(), '../shared/logs');
const present = existsSync(DIR);
const skip = present ? false : `shared logs not found at ${DIR}: skipped`;
const files = present ? readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort() : [];

const parsed = new Map<string, Promise<ParsedLog>>();
function parse(name: string): Promise<ParsedLog> {
  let p = parsed.get(name);
  if (!p) {
    p = parseLogFile(join(DIR, name));
    parsed.set(name, p);
  }
  return p;
}

test('shared logs folder holds the expected files', { skip }, () => {
  assert.ok(files.length >= 20, `found ${files.length} logs`);
});

for (const name of files) {
  test(`shared log ${name} matches its golden`, { skip }, async () => {
    const log = await parse(name);
    assertGolden(`traces/shared/${name}.golden`, renderParsedLog({ ...log, file: name }, { maxTreeLines: 60, maxEdges: 20 }));
  });
}

interface Expect {
  kind: Report['kind'];
  title: string;
  task: string;
  /** Freeze classes among the report's locks, with the role they appear in. */
  freeze: string[];
  /** Frame counts of the stacks, in order. */
  stacks: string[];
}

const REPORTS: Record<string, Expect> = {
  'lockdep-ovl-maybe-copy-up-1.txt': {
    kind: 'circular-locking', title: 'possible deadlock in ovl_maybe_copy_up', task: 'syz-executor.4/12280',
    freeze: ['acquiring sb_writers#4 write ovl_maybe_copy_up', 'dependency sb_writers#4 write mnt_want_write'],
    stacks: ['-> #1:14', '-> #0:29', 'Call Trace:32'],
  },
  'lockdep-ovl-splice-write-1.txt': {
    kind: 'circular-locking', title: 'possible deadlock in iter_file_splice_write', task: 'syz-executor919/8626',
    freeze: ['holding sb_writers#5 write __se_sys_splice', 'dependency sb_writers#5 write ovl_write_iter', 'held sb_writers#5 write __se_sys_splice'],
    stacks: ['-> #2:17', '-> #1:15', '-> #0:17', 'Call Trace:21'],
  },
  'lockdep-ovl-sendfile-seq-read-1.txt': {
    kind: 'circular-locking', title: 'possible deadlock in seq_read_iter', task: 'syz-executor.0/14284',
    freeze: ['holding sb_writers#4 write do_sendfile', 'dependency sb_writers#4 write mnt_want_write', 'held sb_writers#4 write do_sendfile'],
    stacks: ['-> #3:17', '-> #2:18', '-> #1:12', '-> #0:20', 'Call Trace:23'],
  },
  'lockdep-ovl-copy-up-start-1.txt': {
    kind: 'circular-locking', title: 'possible deadlock in ovl_copy_up_start', task: 'syz-executor.2/5264',
    freeze: ['holding sb_writers#4 write mnt_want_write', 'dependency sb_writers#4 write ovl_start_write', 'held sb_writers#13 write mnt_want_write', 'held sb_writers#4 write mnt_want_write'],
    stacks: ['-> #1:21', '-> #0:25', 'Call Trace:28'],
  },
  'lockdep-recursive-ovl-copy-up-flags-1.txt': {
    kind: 'recursive-locking', title: 'possible deadlock in ovl_copy_up_flags', task: 'syz-executor489/5091',
    freeze: ['acquiring sb_writers#4 write ovl_copy_up_flags', 'holding sb_writers#4 write mnt_want_write', 'held sb_writers#9 write mnt_want_write', 'held sb_writers#4 write mnt_want_write'],
    stacks: ['Call Trace:27'],
  },
  'lockdep-ext4-freeze-super-1.txt': {
    kind: 'circular-locking', title: 'possible deadlock in freeze_super', task: 'syz.1.1609/17619',
    freeze: ['acquiring sb_internal internal freeze_super', 'holding sb_pagefaults pagefault freeze_super', 'dependency sb_pagefaults pagefault ext4_page_mkwrite', 'dependency sb_internal internal sb_wait_write', 'held sb_writers#4 write freeze_super', 'held sb_pagefaults pagefault freeze_super'],
    stacks: ['-> #4:16', '-> #3:14', '-> #2:12', '-> #1:12', '-> #0:20', 'Call Trace:23'],
  },
  'lockdep-ext4-sb-internal-nofileline-1.txt': {
    kind: 'circular-locking', title: 'possible deadlock in ext4_evict_inode', task: 'syz-executor.3/1006',
    freeze: ['acquiring sb_internal internal ext4_evict_inode', 'dependency sb_internal internal ext4_evict_inode', 'held sb_writers#4 write mnt_want_write_file'],
    stacks: ['-> #3:9', '-> #2:9', '-> #1:14', '-> #0:11', 'Call Trace:13'],
  },
  'lockdep-splice-vcs-read-sb-writers-1.txt': {
    kind: 'circular-locking', title: 'possible deadlock in vcs_read', task: 'syz-executor7/8848',
    freeze: ['dependency sb_writers write dput'],
    stacks: ['-> #3:7', '-> #2:5', '-> #1:19', '-> #0:10', 'Call Trace:71'],
  },
  'lockdep-recursive-xfs-sb-internal-1.txt': {
    kind: 'recursive-locking', title: 'possible deadlock in xfs_free_eofblocks', task: 'fsstress/17733',
    freeze: ['acquiring sb_internal internal xfs_free_eofblocks', 'holding sb_internal internal xfs_trans_alloc_inode'],
    stacks: ['Call Trace:27'],
  },
  'lockdep-xfs-freeze-fs-reclaim-1.txt': {
    kind: 'circular-locking', title: 'possible deadlock in fs_reclaim_acquire', task: 'fsfreeze/4346',
    freeze: ['holding sb_internal internal percpu_down_write', 'held sb_writers#8 write percpu_down_write', 'held sb_pagefaults pagefault percpu_down_write', 'held sb_internal internal percpu_down_write'],
    stacks: ['Call Trace:21'],
  },
  'hungtask-ext4-sb-start-write-1.txt': {
    kind: 'hung-task', title: 'INFO: task hung in sb_start_write', task: 'syz.2.2299/13275',
    freeze: ['held sb_writers#4 write vfs_write', 'held sb_writers#4 write kmmpd', 'held sb_writers#8 write'],
    stacks: ['Call Trace:15', 'NMI backtrace for cpu 0:10', 'NMI backtrace for cpu 1:12'],
  },
  'hungtask-sendfile-jbd2-1.txt': {
    kind: 'hung-task', title: 'INFO: task hung in jbd2_journal_commit_transaction', task: 'jbd2/sda-8/3563',
    freeze: [],
    stacks: ['Call Trace:11'],
  },
};

for (const [name, want] of Object.entries(REPORTS)) {
  test(`shared log ${name}: kind, title, task, freeze locks and stacks`, { skip }, async () => {
    const log = await parse(name);
    assert.equal(log.format, 'dmesg');
    const r = log.reports[0]!;
    assert.equal(r.kind, want.kind);
    assert.equal(r.title, want.title);
    assert.equal(r.task, want.task);
    const freeze = r.locks
      .filter((l) => l.freeze !== null)
      .map((l) => `${l.role} ${l.class} ${l.freeze}${l.at ? ` ${l.at}` : ''}`);
    for (const f of want.freeze) assert.ok(freeze.some((x) => x === f || x.startsWith(`${f} `)), `missing ${f} in ${freeze.join(', ')}`);
    assert.deepEqual(r.stacks.map((s) => `${s.label}:${s.frames.length}`), want.stacks);
  });
}

test('shared hungtask-sendfile-jbd2-1: four blocked tasks, both sendfile tasks hold sb_writers#3 at do_sendfile', { skip }, async () => {
  const log = await parse('hungtask-sendfile-jbd2-1.txt');
  assert.deepEqual(log.reports.map((r) => r.task), ['jbd2/sda-8/3563', 'kworker/u12:5/1980', 'syz-executor2/6677', 'syz-executor2/6693']);
  for (const r of log.reports.slice(2)) {
    const own = r.locks.filter((l) => l.holder === r.task && l.freeze === 'write');
    assert.deepEqual(own.map((l) => `${l.class}@${l.at}`), ['sb_writers#3@do_sendfile']);
    assert.ok(r.stacks[0]!.frames.some((f) => f.function === 'do_splice_direct'));
  }
});

test('shared lockdep-splice-vcs-read: unreliable security_file_permission frame is marked, not an edge', { skip }, async () => {
  const log = await parse('lockdep-splice-vcs-read-sb-writers-1.txt');
  const trace = log.reports[0]!.stacks.find((s) => s.label === 'Call Trace')!;
  const f = trace.frames.find((x) => x.function === 'security_file_permission')!;
  assert.equal(f.unreliable, true);
  assert.equal(f.offset, '+0x89/0x1f0');
  assert.ok(!log.observedEdges.some((e) => e.callee === 'security_file_permission'));
  assert.deepEqual(log.freezeHeld, []);
});

test('shared syzbot frames carry file, line and [inline]', { skip }, async () => {
  const log = await parse('lockdep-ovl-sendfile-seq-read-1.txt');
  const dep0 = log.reports[0]!.stacks.find((s) => s.label === '-> #0')!;
  const sendfile = dep0.frames.find((f) => f.function === 'do_sendfile')!;
  assert.deepEqual(sendfile, { function: 'do_sendfile', offset: '+0x623/0x1070', file: 'fs/read_write.c', line: 1254, inline: false, unreliable: false, mapped: false });
  const inl = dep0.frames.find((f) => f.function === '__do_sys_sendfile64')!;
  assert.equal(inl.inline, true);
  assert.equal(inl.line, 1322);
  assert.ok(log.observedEdges.some((e) => e.caller === 'do_splice_direct' && e.callee === 'splice_direct_to_actor'));
});

test('shared ftrace logs: format detection and what they show', { skip }, async () => {
  const formats = await Promise.all(files.filter((f) => f.startsWith('ftrace-')).map(async (f) => `${f}=${(await parse(f)).format}`));
  assert.deepEqual(formats, [
    'ftrace-function-doc-1.txt=function',
    'ftrace-function-ext4-create-2.txt=function',
    'ftrace-function-graph-doc-1.txt=function_graph',
    'ftrace-function-graph-doc-overhead-1b.txt=function_graph',
    'ftrace-function-graph-vfs-read-2.txt=function_graph',
    'ftrace-function-graph-vfs-write-3.txt=function_graph',
    'ftrace-trace-cmd-report-1.txt=trace-cmd',
    'ftrace-trace-cmd-report-2.txt=trace-cmd',
  ]);
  const read = await parse('ftrace-function-graph-vfs-read-2.txt');
  assert.ok(read.observedEdges.some((e) => e.caller === 'rw_verify_area' && e.callee === 'security_file_permission'));
  const write = await parse('ftrace-function-graph-vfs-write-3.txt');
  assert.ok(write.observedEdges.some((e) => e.caller === 'vfs_write' && e.callee === '__sb_start_write'));
  const tc = await parse('ftrace-trace-cmd-report-2.txt');
  assert.ok(tc.events.some((e) => e.lock?.op === 'release' && e.lock.class === 'sb_writers' && e.lock.address === 'ffff892a01b54420'));
});
