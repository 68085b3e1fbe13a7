import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describe, loadGrammar, scopeExpectation, scopesOf, tokenizeLines, tokensOf } from './tokenizeLines';

// Short lines in the shapes the kernel prints; written for these tests, not copied from logs.
const expectScope = scopeExpectation('source.kernel-log');
const tokens = (line: string) => tokensOf('source.kernel-log', line);

test('dmesg prefix: timestamp, thread and CPU caller ids', async () => {
  await expectScope('[  123.456789] Call Trace:', '123.456789', 'constant.numeric.timestamp.kernel-log');
  await expectScope('[   12.000001][ T1234] Call Trace:', 'T1234', 'constant.other.caller.thread.kernel-log');
  await expectScope('[   12.000001][    C0] NMI backtrace for cpu 0', 'C0', 'constant.other.caller.cpu.kernel-log');
  await expectScope('<4>[   12.000001] hello', '<4>', 'constant.other.log-level.kernel-log');
});

test('report headers, with and without prefix', async () => {
  for (const prefix of ['', '[   75.037357] ', '[ 1.5][ T9] ']) {
    const line = `${prefix}WARNING: possible circular locking dependency detected`;
    await expectScope(line, 'WARNING', 'keyword.other.report.kernel-log');
    await expectScope(line, 'possible circular', 'markup.heading.report.kernel-log');
  }
  const hung = '[  300.1][ T30] INFO: task kworker/u8:5:1980 blocked for more than 143 seconds.';
  await expectScope(hung, 'INFO', 'keyword.other.report.kernel-log');
  await expectScope(hung, 'kworker/u8:5', 'entity.name.task.kernel-log');
  await expectScope(hung, '1980', 'constant.numeric.pid.kernel-log');
  await expectScope(hung, '143', 'constant.numeric.seconds.kernel-log');
  await expectScope(' *** DEADLOCK ***', '*** DEADLOCK ***', 'keyword.control.deadlock.kernel-log');
});

test('lock classes with usage and wait type; freeze classes are marked', async () => {
  const line = 'ffff888029aac460 (sb_writers#4){.+.+}-{0:0}, at: do_sendfile+0x1b6/0x2a0 fs/read_write.c:1253';
  await expectScope(line, 'ffff888029aac460', 'constant.numeric.address.kernel-log');
  await expectScope(line, 'sb_writers#4', 'entity.name.type.lock-class.kernel-log');
  await expectScope(line, 'sb_writers#4', 'entity.name.type.lock-class.freeze.kernel-log');
  await expectScope(line, '{.+.+}', 'constant.other.lock-usage.kernel-log');
  await expectScope(line, '{0:0}', 'constant.other.wait-type.kernel-log');
  await expectScope(line, 'at', 'keyword.other.at.kernel-log', line.indexOf(', at') + 2);
  await expectScope(line, 'do_sendfile', 'entity.name.function.kernel-log');
  await expectScope(line, 'fs/read_write.c', 'string.unquoted.path.kernel-log');
  await expectScope(line, '1253', 'constant.numeric.line.kernel-log');

  const dir = ' #1: ffff8880 (&type->i_mutex_dir_key#3){++++}, at: lookup_slow+0x45/0x70';
  await expectScope(dir, '#', 'punctuation.definition.lock-index.kernel-log');
  await expectScope(dir, '1', 'constant.numeric.lock-index.kernel-log');
  await expectScope(dir, '&type->i_mutex_dir_key#3', 'entity.name.type.lock-class.kernel-log');
  await expectScope(dir, '{++++}', 'constant.other.lock-usage.kernel-log');
  const ts = await tokens(dir);
  assert.ok(!scopesOf(ts, dir, '&type').scopes.includes('entity.name.type.lock-class.freeze.kernel-log'), describe(ts));

  // Class names may hold parentheses: the class ends at the `)` before the usage braces.
  const wq = ' #0: ffff888015078948 ((wq_completion)events){+.+.}-{0:0}, at: process_one_work+0x1/0x2';
  await expectScope(wq, '(wq_completion)events', 'entity.name.type.lock-class.kernel-log');
});

test('dependency chain links, scenario table and "Chain exists of"', async () => {
  const link = '-> #1 (&ovl_i_mutex_key[depth]){+.+.}-{3:3}:';
  await expectScope(link, '->', 'keyword.operator.dependency.kernel-log');
  await expectScope(link, '1', 'constant.numeric.lock-index.kernel-log');
  await expectScope(link, '&ovl_i_mutex_key[depth]', 'entity.name.type.lock-class.kernel-log');
  await expectScope('  lock(sb_writers#5);', 'lock', 'support.function.scenario.kernel-log');
  await expectScope('  lock(sb_writers#5);', 'sb_writers#5', 'entity.name.type.lock-class.freeze.kernel-log');
  await expectScope('                               rlock(sb_internal);', 'sb_internal', 'entity.name.type.lock-class.freeze.kernel-log');
  const chain = '  &pipe->mutex/1 --> &ovl_i_mutex_key[depth] --> sb_writers#5';
  await expectScope(chain, '&pipe->mutex/1', 'entity.name.type.lock-class.kernel-log');
  await expectScope(chain, '-->', 'keyword.operator.dependency.kernel-log');
  await expectScope(chain, 'sb_writers#5', 'entity.name.type.lock-class.freeze.kernel-log');
});

test('stack frames: function, offset, module, unreliable mark, inline frames', async () => {
  const frame = '[  316.804106]  ? xfs_free_eofblocks+0x104/0x1d0 [xfs]';
  await expectScope(frame, '?', 'keyword.operator.unreliable.kernel-log');
  await expectScope(frame, 'xfs_free_eofblocks', 'entity.name.function.kernel-log');
  await expectScope(frame, '0x104', 'constant.numeric.offset.kernel-log');
  await expectScope(frame, 'xfs', 'entity.name.namespace.module.kernel-log', frame.lastIndexOf('['));
  await expectScope(' do_sendfile+0x1b6/0x2a0', 'do_sendfile', 'entity.name.function.kernel-log');
  const inline = ' __sb_start_write include/linux/fs.h:1763 [inline]';
  await expectScope(inline, '__sb_start_write', 'entity.name.function.kernel-log');
  await expectScope(inline, 'include/linux/fs.h', 'string.unquoted.path.kernel-log');
  await expectScope(inline, 'inline', 'storage.modifier.inline.kernel-log');
  await expectScope('[  1.0][ T1] at: __do_splice fs/splice.c:1144 [inline]', '__do_splice', 'entity.name.function.kernel-log');
});

test('section headings and stack context markers', async () => {
  await expectScope('Call Trace:', 'Call Trace', 'markup.heading.section.kernel-log');
  await expectScope('[    9.1][ T77] Call Trace:', 'Call Trace', 'markup.heading.section.kernel-log');
  await expectScope('stack backtrace:', 'stack backtrace', 'markup.heading.section.kernel-log');
  await expectScope('2 locks held by syz.1.2/5091:', '2 locks held by', 'markup.heading.section.kernel-log');
  await expectScope('2 locks held by syz.1.2/5091:', 'syz.1.2', 'entity.name.task.kernel-log');
  await expectScope('the existing dependency chain (in reverse order) is:', 'the existing', 'markup.heading.section.kernel-log');
  await expectScope(' <TASK>', 'TASK', 'entity.name.tag.stack-context.kernel-log');
  await expectScope(' </TASK>', 'TASK', 'entity.name.tag.stack-context.kernel-log');
  await expectScope(' <IRQ>', 'IRQ', 'entity.name.tag.stack-context.kernel-log');
  await expectScope('RIP: 0010:__lock_acquire+0xd3e/0x2040', 'RIP', 'variable.language.register.kernel-log');
  await expectScope('RIP: 0010:__lock_acquire+0xd3e/0x2040', '__lock_acquire', 'entity.name.function.kernel-log');
});

test('a whole report tokenizes line by line without state leaking', async () => {
  const grammar = await loadGrammar('source.kernel-log');
  const lines = [
    '[   75.0] ======================================================',
    '[   75.0] WARNING: possible circular locking dependency detected',
    '[   75.0] ------------------------------------------------------',
    '[   75.0] t/1 is trying to acquire lock:',
    '[   75.0]  (&pipe->mutex/1){+.+.}, at: [<ffffffff81>] pipe_lock+0x56/0x70',
    '[   75.0] Call Trace:',
    '[   75.0]  dump_stack+0x194/0x257',
  ];
  const all = tokenizeLines(grammar, lines);
  assert.ok(all[0]!.some((t) => t.scopes.includes('punctuation.separator.rule.kernel-log')), describe(all[0]!));
  assert.ok(scopesOf(all[3]!, lines[3]!, 't/1 is trying').scopes.includes('markup.heading.section.kernel-log'), describe(all[3]!));
  assert.ok(scopesOf(all[4]!, lines[4]!, 'pipe_lock').scopes.includes('entity.name.function.kernel-log'), describe(all[4]!));
  assert.ok(scopesOf(all[6]!, lines[6]!, 'dump_stack').scopes.includes('entity.name.function.kernel-log'), describe(all[6]!));
});
