// The command line of `lockpath diff`: its options as a table for the shared parser
// (commandLine.ts), and its usage text.
import { choiceOption, HELP_OPTION, optionsUsage, UsageError, type CommandSpec, type OptionSpec } from './commandLine';
import type { Confidence } from '../core/model/chain';
import { defaultTreeOptions, TREE_OPTIONS, type TreeOptions } from './treeOptions';

/** One side as given: a path (a JSON report or a tree, told apart when read) or a git revision. */
export type DiffSideArg = { kind: 'path'; path: string } | { kind: 'git'; rev: string };

export interface DiffArgs extends TreeOptions {
  sides: DiffSideArg[];
  /** Where the git repository of --git sides is: a tree in it (default: the current directory). */
  tree?: string;
  format: 'text' | 'json' | 'sarif';
  out?: string;
  failOnNew: boolean;
  /** The least confidence of the chains compared, as for scan. */
  confidence: Confidence;
}

const DIFF_OPTIONS: readonly OptionSpec<DiffArgs>[] = [
  { names: ['--git'], value: 'REV', help: 'a side: this revision of the repository of --tree (repeatable)', apply: (a, v) => { a.sides.push({ kind: 'git', rev: v }); } },
  {
    names: ['--tree'], value: 'DIR', help: 'the tree whose repository --git reads (default: the current directory)',
    apply: (a, v) => {
      if (a.tree !== undefined) throw new UsageError('one --tree at a time');
      a.tree = v;
    },
  },
  choiceOption('--format', 'FMT', ['text', 'json', 'sarif'], 'text (default), json, or sarif (the new side, with baselineState)', (a, f) => { a.format = f; }),
  { names: ['--out'], value: 'FILE', help: 'write the report to FILE instead of stdout', apply: (a, v) => { a.out = v; } },
  choiceOption('--confidence', 'LEVEL', ['likely', 'possible'],
    'the chains compared, as scan reports them: likely (default), or possible\n(all); a chain only demoted to possible is removed, and says so',
    (a, c) => { a.confidence = c; }),
  {
    names: ['--fail-on'], value: 'new', help: 'exit 1 when the new side has chains the old one does not',
    apply: (a, v) => {
      if (v !== 'new') throw new UsageError(`--fail-on takes new, not "${v}"`);
      a.failOnNew = true;
    },
  },
  { names: ['--rules'], value: 'FILE', help: 'JSON rule file, as for scan', apply: (a, v) => { a.ruleFile = v; } },
  ...TREE_OPTIONS,
  HELP_OPTION,
];

export const DIFF_USAGE = `usage: lockpath diff <old> <new> [options]

Which chains a patch, a branch or a kernel upgrade added, removed (fixed) or changed. Each side
is a JSON report (lockpath scan --format json), a tree, or --git REV: a revision of the git
repository the tree is in. A revision the tree was scanned at is found from its git listing (a
cached result, nothing written out); another is written into a checkout kept under the cache
(not a git worktree), which shares the tree's facts, so it costs about a scan after an edit.
Each removed chain names the step that no longer holds on the new side.

diff options (the tree options are for tree and --git sides, as for scan):
${optionsUsage(DIFF_OPTIONS)}

exit codes: 0 done, 1 new chains with --fail-on new, 2 usage or input error (bad side, unknown
revision, not a git repository), 3 internal error, 130 cancelled (SIGINT).`;

export const DIFF_COMMAND: CommandSpec<DiffArgs> = {
  usage: DIFF_USAGE,
  options: DIFF_OPTIONS,
  defaults: () => ({ ...defaultTreeOptions(), sides: [], format: 'text', failOnNew: false, confidence: 'likely' }),
  operand: (args, value) => { args.sides.push({ kind: 'path', path: value }); },
  check: (args) => {
    if (args.sides.length !== 2) throw new UsageError(`diff compares two sides (old and new), got ${args.sides.length}`);
  },
};
