// argv -> options for `lockpath trace` (and its usage text). Errors are UsageError: exit 2.
import { ArgCursor, defaultTreeOptions, takeTreeOption, TREE_OPTIONS_USAGE, UsageError, type TreeOptions } from './treeOptions';

export interface TraceArgs extends TreeOptions {
  logs: string[];
  tree?: string;
  format: 'text' | 'json';
  help: boolean;
}

export const TRACE_USAGE = `usage: lockpath trace <log>... [--tree DIR] [options]

Parses ftrace captures (function, function_graph, trace-cmd report) and kernel logs (lockdep
reports, hung-task reports) and prints what they show. With --tree, scans DIR as \`lockpath scan\`
does and overlays the logs on it: which functions map to definitions, which observed calls
the static call graph explains, and which hops of each chain were seen running.

trace options:
  --tree DIR             kernel source tree to overlay the logs on
  --format FMT           text (default) or json
  --help                 this text
with --tree, as for scan:
${TREE_OPTIONS_USAGE}

exit codes: 0 done, 2 usage or input error (unreadable log, bad tree), 3 internal error,
130 cancelled (SIGINT).`;

export function parseTraceArgs(argv: readonly string[]): TraceArgs {
  const args: TraceArgs = { ...defaultTreeOptions(), logs: [], format: 'text', help: false };
  const cursor = new ArgCursor(argv);
  for (let a = cursor.next(); a !== undefined; a = cursor.next()) {
    if (takeTreeOption(a, cursor, args)) continue;
    switch (a) {
      case '--tree':
        if (args.tree !== undefined) throw new UsageError('one --tree at a time');
        args.tree = cursor.value(a);
        break;
      case '--format': {
        const f = cursor.value(a);
        if (f !== 'text' && f !== 'json') throw new UsageError(`--format must be text or json, not "${f}"`);
        args.format = f;
        break;
      }
      case '--help': case '-h': args.help = true; break;
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
        args.logs.push(a);
    }
  }
  if (args.help) return args;
  if (args.logs.length === 0) throw new UsageError('trace needs at least one log: lockpath trace <log>...');
  // Tree-only options without a tree are a mistake worth saying, not a silent no-op.
  if (args.tree === undefined) {
    const treeOnly = [args.include.length > 0 ? '--include' : '', args.rules.length > 0 ? '--rule' : '', args.jobs !== undefined ? '--jobs' : ''].filter((x) => x !== '');
    if (treeOnly.length > 0) throw new UsageError(`${treeOnly.join(', ')} only apply with --tree`);
  }
  return args;
}
