import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLockEvent, tokenizeFtraceLine } from '../../../../src/core/traces/parse/ftrace/lineTokenizer';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tokenizeGraphLine, tokenizeGraphRange } from '../../../../src/core/traces/parse/ftrace/graphLineTokenizer';
import { charCodes } from '../../../../src/core/traces/parse/lineReader';
import { NameTable } from '../../../../src/core/traces/parse/nameTable';

test('function tracer lines: 4 and 5 flag columns, no irq-info, tgid, task names with spaces', () => {
  assert.deepEqual(tokenizeFtraceLine('            bash-1994  [002] ....  3082.063030: mutex_unlock <-rb_simple_write'), {
    kind: 'call', ctx: { task: 'bash-1994', cpu: 2, flags: '....', timestamp: 3082.06303 }, function: 'mutex_unlock', parent: 'rb_simple_write',
  });
  const t5 = tokenizeFtraceLine('     ftrace_test-228     [000] d..1.    69.275893: rw_verify_area <-vfs_write');
  assert.equal(t5.kind === 'call' && t5.ctx.flags, 'd..1.');
  const noirq = tokenizeFtraceLine('            bash-1994  [002]  3082.063030: vfs_read');
  assert.deepEqual(noirq.kind === 'call' && [noirq.ctx.flags, noirq.parent], [null, null]);
  const tgid = tokenizeFtraceLine('     kworker/0:1-31    (-----) [000]  3082.063031: ext4_create [ext4] <-vfs_create');
  assert.deepEqual(tgid.kind === 'call' && [tgid.ctx.task, tgid.module, tgid.parent], ['kworker/0:1-31', 'ext4', 'vfs_create']);
  const spaces = tokenizeFtraceLine(' rs:main Q:Reg-5857    [000] ....  1.0: f <-g');
  assert.equal(spaces.kind === 'call' && spaces.ctx.task, 'rs:main Q:Reg-5857');
});

test('stack trace lines, events, trace-cmd function lines, syscall events', () => {
  assert.equal(tokenizeFtraceLine('  ftrace_test-228 [000] ..... 69.275969: <stack trace>').kind, 'stackStart');
  assert.deepEqual(tokenizeFtraceLine(' => 0xffffffffc064e083'), { kind: 'stackFrame', frame: { function: '0xffffffffc064e083', inline: false, unreliable: false, mapped: false } });
  assert.deepEqual(tokenizeFtraceLine(' => ext4_file_write_iter+0x1a/0x40 [ext4]'), {
    kind: 'stackFrame', frame: { function: 'ext4_file_write_iter', offset: '+0x1a/0x40', module: 'ext4', inline: false, unreliable: false, mapped: false },
  });
  const ev = tokenizeFtraceLine('  ftrace_test-228 [000] ..... 69.276100: tracing_mark_write: ftrace_test: begin write(2)');
  assert.deepEqual(ev.kind === 'event' && [ev.name, ev.args], ['tracing_mark_write', 'ftrace_test: begin write(2)']);
  const tc = tokenizeFtraceLine('           sleep-89142 [001] ...1. 162573.215752: function:             mutex_unlock');
  assert.deepEqual(tc.kind === 'call' && [tc.function, tc.parent], ['mutex_unlock', null]);
  const sys = tokenizeFtraceLine('  t-1 [000] ..... 1.0: sys_write(fd: 1, buf: 2, count: 3)');
  assert.deepEqual(sys.kind === 'event' && [sys.name, sys.args], ['sys_enter_write', 'fd: 1, buf: 2, count: 3']);
  assert.equal(tokenizeFtraceLine('cpus=8').kind, 'meta');
  assert.equal(tokenizeFtraceLine('# tracer: function').kind, 'comment');
  assert.equal(tokenizeFtraceLine('garbage').kind, 'unparsed');
});

test('lock events: try/read flags, 0x addresses, lock: prefix', () => {
  assert.deepEqual(parseLockEvent('lock_acquire', 'ffff8880003f1468 try read sb_writers'), { op: 'acquire', address: 'ffff8880003f1468', class: 'sb_writers', read: true, try: true });
  assert.deepEqual(parseLockEvent('lock:lock_release', '0xffff892a01b54420 sb_writers'), { op: 'release', address: 'ffff892a01b54420', class: 'sb_writers', read: false, try: false });
  assert.deepEqual(parseLockEvent('lock_acquire', 'ffff888007034d90 &type->i_mutex_dir_key'), { op: 'acquire', address: 'ffff888007034d90', class: '&type->i_mutex_dir_key', read: false, try: false });
  assert.equal(parseLockEvent('lock_contended', 'ffff sb_writers'), undefined);
});

test('function_graph columns: abstime, cpu, proc, every overhead marker, tails, retvals, irq arrows', () => {
  const l = tokenizeGraphLine('    6.922809 |   0)  ftrace_-128   | ! 160.003 us  |    }');
  assert.deepEqual(l, { kind: 'line', columns: { timestamp: 6.922809, cpu: 0, task: 'ftrace_-128', duration: 160.003, overhead: '!', depth: 1 }, body: { kind: 'exit' } });
  for (const [mark, text] of [['+', '+ 13.925 us  '], ['#', '# 1837.709 us'], ['*', '* 33998.59 us'], ['@', '@ 119760.2 us'], ['$', '$ 3594274 us ']] as const) {
    const t = tokenizeGraphLine(`    3) ${text} |  } /* schedule */`);
    assert.ok(t.kind === 'line' && t.columns.overhead === mark && t.body.kind === 'exit' && t.body.tail === 'schedule', mark);
  }
  const mod = tokenizeGraphLine('   50.619986 |   1)  ftrace_-201   |               |  ovl_copy_up_flags [overlay]() {');
  assert.deepEqual(mod.kind === 'line' && mod.body, { kind: 'entry', function: 'ovl_copy_up_flags', module: 'overlay' });
  const ret = tokenizeGraphLine(' 0)   1.000 us    |  } /* vfs_read = 0x2000 */');
  assert.deepEqual(ret.kind === 'line' && ret.body, { kind: 'exit', tail: 'vfs_read', retval: '0x2000' });
  const leafRet = tokenizeGraphLine(' 0)   1.000 us    |    rw_verify_area(); /* = 0x0 */');
  assert.deepEqual(leafRet.kind === 'line' && leafRet.body, { kind: 'leaf', function: 'rw_verify_area', retval: '0x0' });
  const arrow = tokenizeGraphLine(' 0)   ==========> |');
  assert.deepEqual(arrow.kind === 'line' && arrow.body, { kind: 'irq', enter: true });
  const cm = tokenizeGraphLine('    5.218419 |   0)   ftrace_-65   |               |  /* lock_acquire: ffff8880003f0468 read sb_writers */');
  assert.deepEqual(cm.kind === 'line' && cm.body, { kind: 'comment', name: 'lock_acquire', args: 'ffff8880003f0468 read sb_writers' });
  assert.deepEqual(tokenizeGraphLine(' 20)  syslogd-3299  =>   <...>-3318'), { kind: 'switch', cpu: 20, from: 'syslogd-3299', to: '<...>-3318' });
  assert.equal(tokenizeGraphLine(' ------------------------------------------').kind, 'separator');
  assert.equal(tokenizeGraphLine('^C').kind, 'unparsed');
});

test('function_graph lines read in place from a whole chunk, with name tables, give the tokens line by line does', () => {
  const dir = join('test', 'fixtures', 'traces');
  for (const file of readdirSync(dir).filter((f) => f.startsWith('fgraph_') || f.startsWith('lockdep_fgraph'))) {
    // Extra shapes: CRLF, a task with non-Latin-1 characters, module and retval bodies, irq arrows.
    const chunk = `${readFileSync(join(dir, file), 'utf8')}\n 1)  ft中文-7    |   0.1 us    |  f();\r\n 0)   1.000 us    |  } /* vfs_read = 0x2000 */\n 0)   ==========> |\n`;
    const codes = charCodes(chunk);
    const names = { functions: new NameTable(), tasks: new NameTable() };
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', from);
      let end = nl < 0 ? chunk.length : nl;
      if (end > from && chunk.charCodeAt(end - 1) === 13) end--;
      const line = chunk.slice(from, end);
      assert.deepEqual(tokenizeGraphRange(chunk, codes, from, end, names), tokenizeGraphLine(line), `${file}: ${line}`);
      if (nl < 0) break;
      from = nl + 1;
    }
  }
});
