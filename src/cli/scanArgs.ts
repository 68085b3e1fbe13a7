// The command line of `lockpath scan`: its options as a table for the shared parser
// (commandLine.ts), and the usage text, which is also what `lockpath --help` prints.
import { choiceOption, HELP_OPTION, optionsUsage, UsageError, type CommandSpec, type OptionSpec } from './commandLine';
import type { Confidence } from '../core/model/chain';
import { defaultTreeOptions, TREE_OPTIONS, type TreeOptions } from './treeOptions';

export type Format = 'text' | 'json' | 'sarif';

export interface ScanArgs extends TreeOptions {
  tree: string;
  format: Format;
  out?: string;
  failOnFindings: boolean;
  /** The least confidence a reported chain has. */
  confidence: Confidence;
  /** An earlier JSON report to compare with (SARIF baselineState). */
  baseline?: string;
  /** Exit 1 only on chains the baseline does not have. */
  failOnNew: boolean;
}

const SCAN_OPTIONS: readonly OptionSpec<ScanArgs>[] = [
  ...TREE_OPTIONS,
  { names: ['--rules'], value: 'FILE', help: 'JSON rule file: tweak built-in rules or add new ones', apply: (a, v) => { a.ruleFile = v; } },
  choiceOption('--format', 'FMT', ['text', 'json', 'sarif'], 'text (default), json or sarif (SARIF 2.1.0 with codeFlows)', (a, f) => { a.format = f; }),
  { names: ['--out'], value: 'FILE', help: 'write the report to FILE instead of stdout', apply: (a, v) => { a.out = v; } },
  choiceOption('--confidence', 'LEVEL', ['likely', 'possible'],
    'likely (default): chains whose every hop the source shows on the object at hand; possible: also chains that rest on a type alone, an unusual stacking or a hold on a superblock that cannot be frozen, marked as such',
    (a, c) => { a.confidence = c; }),
  { names: ['--fail-on-findings'], help: 'exit 1 when any chain is reported', apply: (a) => { a.failOnFindings = true; } },
  {
    names: ['--baseline'], value: 'FILE',
    help: 'compare with an earlier JSON report: SARIF results get baselineState (new, unchanged, updated; absent for chains only in FILE)',
    apply: (a, v) => { a.baseline = v; },
  },
  {
    names: ['--fail-on'], value: 'new', help: 'exit 1 only when there are chains the --baseline report does not have',
    apply: (a, v) => {
      if (v !== 'new') throw new UsageError(`--fail-on takes new, not "${v}"`);
      a.failOnNew = true;
    },
  },
  HELP_OPTION,
];

export const USAGE = `usage: lockpath scan <tree> [options]
       lockpath trace <log>... [--tree DIR] [--format text|json]   (lockpath trace --help)

Finds call chains where a lock context (freeze protection by default) is held while the
code reaches a callee that must never run under it (fanotify permission hooks).

scan options:
${optionsUsage(SCAN_OPTIONS)}

exit codes: 0 done (findings or not, unless --fail-on-findings), 1 findings with
--fail-on-findings, 2 usage or input error (bad tree, bad rule file), 3 internal error,
130 cancelled (SIGINT).`;

export const SCAN_COMMAND: CommandSpec<ScanArgs> = {
  usage: USAGE,
  options: SCAN_OPTIONS,
  defaults: () => ({ ...defaultTreeOptions(), tree: '', format: 'text', failOnFindings: false, confidence: 'likely', failOnNew: false }),
  operand: (args, value) => {
    if (args.tree !== '') throw new UsageError(`one tree at a time (got "${args.tree}" and "${value}")`);
    args.tree = value;
  },
  check: (args) => {
    if (args.tree === '') throw new UsageError('scan needs a tree: lockpath scan <tree>');
    if (args.failOnNew && args.baseline === undefined) throw new UsageError('--fail-on new needs --baseline FILE');
  },
};
