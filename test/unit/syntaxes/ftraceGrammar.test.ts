import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describe, loadGrammar, scopeExpectation, scopesOf, tokenizeLines, tokensOf } from './tokenizeLines';

// Short lines in the shapes the kernel prints; written for these tests, not copied from logs.
const expectScope = scopeExpectation('source.ftrace');
const tokens = (line: string) => tokensOf('source.ftrace', line);

test('header comments and the tracer name', async () => {
  await expectScope('# tracer: function_graph', '#', 'comment.line.number-sign.ftrace');
  await expectScope('# tracer: function_graph', 'function_graph', 'entity.name.type.tracer.ftrace');
  await expectScope('#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION', '#', 'punctuation.definition.comment.ftrace');
  await expectScope('cpus=2', '2', 'constant.numeric.integer.ftrace');
});

test('function tracer line: task, pid, CPU, flags, timestamp, func <-parent', async () => {
  const line = '     my task-42     [001] d..1.   123.456789: do_sendfile <-__x64_sys_sendfile64';
  await expectScope(line, 'my task', 'entity.name.task.ftrace');
  await expectScope(line, '42', 'constant.numeric.pid.ftrace');
  await expectScope(line, '001', 'constant.numeric.cpu.ftrace');
  await expectScope(line, 'd..1.', 'constant.other.flags.ftrace');
  await expectScope(line, '123.456789', 'constant.numeric.timestamp.ftrace');
  await expectScope(line, 'do_sendfile', 'entity.name.function.ftrace');
  await expectScope(line, '<-', 'keyword.operator.parent.ftrace');
  await expectScope(line, '__x64_sys_sendfile64', 'entity.name.function.parent.ftrace');
});

test('a task name with a dash keeps its last -N as the pid', async () => {
  const line = '  kworker/u8:4-61  [000] .....  5.000001: vfs_write <-ksys_write';
  await expectScope(line, 'kworker/u8:4', 'entity.name.task.ftrace');
  await expectScope(line, '61', 'constant.numeric.pid.ftrace');
});

test('stack traces: <stack trace> marker and => frames', async () => {
  await expectScope('  t-1  [000] .....  1.000000: <stack trace>', '<stack trace>', 'keyword.other.stack-trace.ftrace');
  await expectScope(' => rw_verify_area', '=>', 'keyword.operator.stack-frame.ftrace');
  await expectScope(' => rw_verify_area', 'rw_verify_area', 'entity.name.function.ftrace');
  await expectScope(' => 0xffffffffc0001234', '0xffffffffc0001234', 'constant.numeric.address.ftrace');
  await expectScope(' => ext4_file_write_iter+0x1a/0x40 [ext4]', 'ext4', 'entity.name.namespace.module.ftrace', 25);
});

test('function_graph: entry, leaf, exit with duration and overhead markers', async () => {
  await expectScope(' 0)               |  do_sendfile() {', 'do_sendfile', 'entity.name.function.ftrace');
  await expectScope(' 0)               |  do_sendfile() {', '{', 'punctuation.section.block.begin.ftrace');
  await expectScope(' 0)               |  do_sendfile() {', '0', 'constant.numeric.cpu.ftrace');
  await expectScope(' 1)   0.804 us    |    __rcu_read_lock();', '__rcu_read_lock', 'entity.name.function.leaf.ftrace');
  await expectScope(' 1)   0.804 us    |    __rcu_read_lock();', '0.804', 'constant.numeric.duration.ftrace');
  await expectScope(' 1)   0.804 us    |    __rcu_read_lock();', 'us', 'keyword.other.unit.ftrace');
  for (const marker of ['+', '!', '#', '*', '@', '$']) {
    const line = ` 2) ${marker} 160.003 us  |    }`;
    await expectScope(line, marker, 'keyword.other.overhead.ftrace');
    await expectScope(line, '160.003', 'constant.numeric.duration.ftrace');
    await expectScope(line, '}', 'punctuation.section.block.end.ftrace');
  }
});

test('function_graph without the CPU column (funcgraph-cpu off)', async () => {
  await expectScope('               |  sys_open() {', 'sys_open', 'entity.name.function.ftrace');
  await expectScope('   2.478 us    |        }', '2.478', 'constant.numeric.duration.ftrace');
});

test('function_graph with abstime and proc columns, and funcgraph-tail comments', async () => {
  const line = '    6.922809 |   0)  ftrace_-128   | ! 160.003 us  |    } /* __fdget */';
  await expectScope(line, '6.922809', 'constant.numeric.timestamp.ftrace');
  await expectScope(line, 'ftrace_', 'entity.name.task.ftrace');
  await expectScope(line, '128', 'constant.numeric.pid.ftrace');
  await expectScope(line, '!', 'keyword.other.overhead.ftrace');
  await expectScope(line, '/*', 'punctuation.definition.comment.begin.ftrace');
  await expectScope(line, ' __fdget ', 'comment.block.ftrace');
});

test('lock events inside function_graph comments: sb_writers gets the freeze lock-class scope', async () => {
  const line = '    5.216374 |   0)   ftrace_-65   |               |  /* lock_acquire: ffff8880003f0468 read sb_writers */';
  await expectScope(line, 'lock_acquire', 'entity.name.tag.event.ftrace');
  await expectScope(line, 'ffff8880003f0468', 'constant.numeric.address.ftrace');
  await expectScope(line, 'read ', 'storage.modifier.lock-mode.ftrace');
  await expectScope(line, 'sb_writers', 'entity.name.type.lock-class.ftrace');
  await expectScope(line, 'sb_writers', 'entity.name.type.lock-class.freeze.ftrace');
  const other = '  1.0 |   0)   t-1   |               |  /* lock_acquire: ffff888007034d90 &type->i_mutex_dir_key */';
  const ts = await tokens(other);
  const t = scopesOf(ts, other, '&type->i_mutex_dir_key');
  assert.ok(t.scopes.includes('entity.name.type.lock-class.ftrace'), describe(ts));
  assert.ok(!t.scopes.includes('entity.name.type.lock-class.freeze.ftrace'), describe(ts));
});

test('trace-cmd report events: lock_acquire class and key=value arguments', async () => {
  const line = '  sleep-77 [001] ..... 1627.215757: lock_acquire:         0xffff892a01b54420 try read sb_writers#3';
  await expectScope(line, 'lock_acquire', 'entity.name.tag.event.ftrace');
  await expectScope(line, 'sb_writers#3', 'entity.name.type.lock-class.freeze.ftrace');
  const args = '  sleep-77 [001] ...1. 1627.215758: preempt_disable:      caller=vfs_write+0x147 parent=vfs_write+0x147';
  await expectScope(args, 'preempt_disable', 'entity.name.tag.event.ftrace');
  await expectScope(args, 'caller', 'variable.parameter.ftrace');
  await expectScope(args, 'vfs_write', 'entity.name.function.ftrace');
  await expectScope(args, '+0x147', 'constant.numeric.offset.ftrace');
  const fn = '  sleep-77 [001] ...1. 1627.215752: function:             mutex_unlock';
  await expectScope(fn, 'mutex_unlock', 'entity.name.function.ftrace');
});

test('irq arrows and context-switch separators', async () => {
  await expectScope(' 0)   ==========> |', '==========>', 'keyword.control.irq-entry.ftrace');
  await expectScope(' 0)   <========== |', '<==========', 'keyword.control.irq-exit.ftrace');
  await expectScope(' ------------------------------------------', '------', 'punctuation.separator.context-switch.ftrace');
  const sw = ' 20)  syslogd-3299  =>   <...>-3318';
  await expectScope(sw, '=>', 'keyword.operator.context-switch.ftrace');
  await expectScope(sw, 'syslogd', 'entity.name.task.ftrace');
  await expectScope(sw, '<...>', 'entity.name.task.ftrace');
  await expectScope(sw, '3318', 'constant.numeric.pid.ftrace');
});

test('no line leaks state into the next one', async () => {
  const grammar = await loadGrammar('source.ftrace');
  const lines = ['  1.0 |   0)   t-1   |               |  /* unterminated', ' 0)   1.382 us    |          __might_sleep();'];
  const [, second] = tokenizeLines(grammar, lines);
  assert.ok(scopesOf(second!, lines[1]!, '__might_sleep').scopes.includes('entity.name.function.leaf.ftrace'), describe(second!));
});
