// The shared option parser: one table per command gives parsing, usage lines and --help.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { optionsUsage, parseCommandLine, UsageError, type CommandSpec } from '../../../src/cli/commandLine';
import { SCAN_COMMAND } from '../../../src/cli/scanArgs';
import { TRACE_COMMAND } from '../../../src/cli/traceArgs';

interface Toy { names: string[]; level: number; loud: boolean }

const TOY: CommandSpec<Toy> = {
  usage: 'usage: toy <name>...',
  options: [
    {
      names: ['--level', '-l'], value: 'N', help: 'how high\nsecond line',
      apply: (a, v) => { if (!/^\d+$/.test(v)) throw new UsageError(`--level takes a number, not "${v}"`); a.level = Number(v); },
    },
    { names: ['--loud'], help: 'shout', apply: (a) => { a.loud = true; } },
  ],
  defaults: () => ({ names: [], level: 0, loud: false }),
  operand: (a, v) => { a.names.push(v); },
  check: (a) => { if (a.names.length === 0) throw new UsageError('toy needs a name'); },
};

test('command line: options, aliases and operands in any order', () => {
  assert.deepEqual(parseCommandLine(TOY, ['a', '-l', '3', '--loud', 'b']), { help: false, args: { names: ['a', 'b'], level: 3, loud: true } });
});

test('command line: mistakes are UsageErrors that say what is wrong', () => {
  const cases: [string[], RegExp][] = [
    [['a', '--bogus'], /^unknown option --bogus$/],
    [['a', '--level'], /^--level needs a value$/],
    [['a', '--level', '--loud'], /^--level needs a value$/],
    [['a', '--level', 'x'], /^--level takes a number, not "x"$/],
    [[], /^toy needs a name$/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseCommandLine(TOY, argv), (e: unknown) => e instanceof UsageError && message.test(e.message), argv.join(' '));
  }
});

test('command line: --help and -h answer before any check, for every command', () => {
  for (const spec of [TOY, SCAN_COMMAND, TRACE_COMMAND] as CommandSpec<unknown>[]) {
    assert.deepEqual(parseCommandLine(spec, ['--help']), { help: true });
    assert.deepEqual(parseCommandLine(spec, ['--bogus', 'x', '-h']), { help: true });
  }
});

test('command line: usage lines come from the table, continuation lines aligned', () => {
  assert.equal(optionsUsage(TOY.options), [
    '  --level N              how high',
    '                         second line',
    '  --loud                 shout',
  ].join('\n'));
  for (const spec of [SCAN_COMMAND, TRACE_COMMAND]) {
    for (const o of spec.options) assert.ok(spec.usage.includes(`  ${o.names[0]!}`), `${o.names[0]!} missing from the usage`);
  }
});
