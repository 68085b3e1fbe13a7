// argv -> options for `lockpath diff` (and its usage text). Errors are UsageError: exit 2.
import { ArgCursor, defaultTreeOptions, takeTreeOption, TREE_OPTIONS_USAGE, UsageError, type TreeOptions } from './treeOptions';

/** One side as given: a path (a JSON report or a tree, told apart when read) or a git revision. */
export type DiffSideArg = { kind: 'path'; path: string } | { kind: 'git'; rev: string };

export interface DiffArgs extends TreeOptions {
  sides: DiffSideArg[];
  /** Where the git repository of --git sides is: a tree in it (default: the current directory). */
  tree?: string;
  format: 'text' | 'json' | 'sarif';
  out?: string;
  failOnNew: boolean;
  help: boolean;
}

export const DIFF_USAGE = `usage: lockpath diff <old> <new> [options]

Which chains a patch, a branch or a kernel upgrade added, removed (fixed) or changed. Each side
is a JSON report (lockpath scan --format json), a tree, or --git REV: a revision of the git
repository the tree is in, checked out into a temporary worktree (the cache is shared, so the
second side costs a warm scan plus the files that differ). Each removed chain names the step
that no longer holds on the new side.

diff options:
  --git REV              a side: this revision of the repository of --tree (repeatable)
  --tree DIR             the tree whose repository --git reads (default: the current directory)
  --format FMT           text (default), json, or sarif (the new side, with baselineState)
  --out FILE             write the report to FILE instead of stdout
  --fail-on new          exit 1 when the new side has chains the old one does not
  --rules FILE           JSON rule file, as for scan
  --help                 this text
for tree and --git sides, as for scan:
${TREE_OPTIONS_USAGE}

exit codes: 0 done, 1 new chains with --fail-on new, 2 usage or input error (bad side, unknown
revision, not a git repository), 3 internal error, 130 cancelled (SIGINT).`;

export function parseDiffArgs(argv: readonly string[]): DiffArgs {
  const args: DiffArgs = { ...defaultTreeOptions(), sides: [], format: 'text', failOnNew: false, help: false };
  const cursor = new ArgCursor(argv);
  for (let a = cursor.next(); a !== undefined; a = cursor.next()) {
    if (takeTreeOption(a, cursor, args)) continue;
    switch (a) {
      case '--git': args.sides.push({ kind: 'git', rev: cursor.value(a) }); break;
      case '--tree':
        if (args.tree !== undefined) throw new UsageError('one --tree at a time');
        args.tree = cursor.value(a);
        break;
      case '--rules': args.ruleFile = cursor.value(a); break;
      case '--format': {
        const f = cursor.value(a);
        if (f !== 'text' && f !== 'json' && f !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not "${f}"`);
        args.format = f;
        break;
      }
      case '--out': args.out = cursor.value(a); break;
      case '--fail-on': {
        const v = cursor.value(a);
        if (v !== 'new') throw new UsageError(`--fail-on takes new, not "${v}"`);
        args.failOnNew = true;
        break;
      }
      case '--help': case '-h': args.help = true; break;
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
        args.sides.push({ kind: 'path', path: a });
    }
  }
  if (args.help) return args;
  if (args.sides.length !== 2) throw new UsageError(`diff compares two sides (old and new), got ${args.sides.length}`);
  return args;
}
