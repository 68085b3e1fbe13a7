// argv -> options for `lockpath scan` (and the usage text). Errors are UsageError: exit 2.
import type { Confidence } from '../core/model/chain';
import { ArgCursor, defaultTreeOptions, takeTreeOption, TREE_OPTIONS_USAGE, UsageError, type TreeOptions } from './treeOptions';

export type Format = 'text' | 'json' | 'sarif';

export interface ScanArgs extends TreeOptions {
  command: 'scan';
  tree: string;
  format: Format;
  out?: string;
  failOnFindings: boolean;
  /** The least confidence a reported chain has. */
  confidence: Confidence;
}

export type CliArgs = ScanArgs | { command: 'help' } | { command: 'version' } | { command: 'trace'; argv: string[] };

export const USAGE = `usage: lockpath scan <tree> [options]
       lockpath trace <log>... [--tree DIR] [--format text|json]   (lockpath trace --help)

Finds call chains where a lock context (freeze protection by default) is held while the
code reaches a callee that must never run under it (fanotify permission hooks).

scan options:
${TREE_OPTIONS_USAGE}
  --rules FILE           JSON rule file: tweak built-in rules or add new ones
  --format FMT           text (default), json or sarif (SARIF 2.1.0 with codeFlows)
  --out FILE             write the report to FILE instead of stdout
  --confidence LEVEL     likely (default): chains whose every hop the source shows on the
                         object at hand; possible: also chains resting on a type alone
                         (any function stored in a field), unusual stacking, or a hold on a
                         superblock that cannot be frozen, marked as such
  --fail-on-findings     exit 1 when any chain is reported

exit codes: 0 done (findings or not, unless --fail-on-findings), 1 findings with
--fail-on-findings, 2 usage or input error (bad tree, bad rule file), 3 internal error,
130 cancelled (SIGINT).`;

export function parseArgs(argv: readonly string[]): CliArgs {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { command: 'help' };
  if (command === '--version' || command === '-V') return { command: 'version' };
  if (command === 'trace') return { command: 'trace', argv: rest };
  if (command !== 'scan') throw new UsageError(`unknown command "${command}"`);
  const args: ScanArgs = { ...defaultTreeOptions(), command: 'scan', tree: '', format: 'text', failOnFindings: false, confidence: 'likely' };
  const cursor = new ArgCursor(rest);
  for (let a = cursor.next(); a !== undefined; a = cursor.next()) {
    if (takeTreeOption(a, cursor, args)) continue;
    switch (a) {
      case '--rules': args.ruleFile = cursor.value(a); break;
      case '--format': {
        const f = cursor.value(a);
        if (f !== 'text' && f !== 'json' && f !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not "${f}"`);
        args.format = f;
        break;
      }
      case '--out': args.out = cursor.value(a); break;
      case '--fail-on-findings': args.failOnFindings = true; break;
      case '--confidence': {
        const c = cursor.value(a);
        if (c !== 'likely' && c !== 'possible') throw new UsageError(`--confidence must be likely or possible, not "${c}"`);
        args.confidence = c;
        break;
      }
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
        if (args.tree !== '') throw new UsageError(`one tree at a time (got "${args.tree}" and "${a}")`);
        args.tree = a;
    }
  }
  if (args.tree === '') throw new UsageError('scan needs a tree: lockpath scan <tree>');
  return args;
}
