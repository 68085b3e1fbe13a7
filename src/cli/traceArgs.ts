// The command line of `lockpath trace`: its options as a table for the shared parser
// (commandLine.ts), and its usage text.
import { choiceOption, HELP_OPTION, optionsUsage, UsageError, type CommandSpec, type OptionSpec } from './commandLine';
import { defaultTreeOptions, TREE_OPTIONS, type TreeOptions } from './treeOptions';

export interface TraceArgs extends TreeOptions {
  logs: string[];
  tree?: string;
  format: 'text' | 'json';
}

const TRACE_OPTIONS: readonly OptionSpec<TraceArgs>[] = [
  {
    names: ['--tree'], value: 'DIR', help: 'kernel source tree to overlay the logs on',
    apply: (a, v) => {
      if (a.tree !== undefined) throw new UsageError('one --tree at a time');
      a.tree = v;
    },
  },
  choiceOption('--format', 'FMT', ['text', 'json'], 'text (default) or json', (a, f) => { a.format = f; }),
  HELP_OPTION,
];

export const TRACE_USAGE = `usage: lockpath trace <log>... [--tree DIR] [options]

Parses ftrace captures (function, function_graph, trace-cmd report) and kernel logs (lockdep
reports, hung-task reports) and prints what they show. With --tree, scans DIR as \`lockpath scan\`
does and overlays the logs on it: which functions map to definitions, which observed calls
the static call graph explains, and which hops of each chain were seen running.

trace options:
${optionsUsage(TRACE_OPTIONS)}
with --tree, as for scan:
${optionsUsage(TREE_OPTIONS)}

exit codes: 0 done, 2 usage or input error (unreadable log, bad tree), 3 internal error,
130 cancelled (SIGINT).`;

export const TRACE_COMMAND: CommandSpec<TraceArgs> = {
  usage: TRACE_USAGE,
  options: [...TRACE_OPTIONS, ...TREE_OPTIONS],
  defaults: () => ({ ...defaultTreeOptions(), logs: [], format: 'text' }),
  operand: (args, value) => { args.logs.push(value); },
  check: (args) => {
    if (args.logs.length === 0) throw new UsageError('trace needs at least one log: lockpath trace <log>...');
    // Tree-only options without a tree are a mistake worth saying, not a silent no-op.
    if (args.tree === undefined) {
      const treeOnly = [args.include.length > 0 ? '--include' : '', args.rules.length > 0 ? '--rule' : '', args.jobs !== undefined ? '--jobs' : ''].filter((x) => x !== '');
      if (treeOnly.length > 0) throw new UsageError(`${treeOnly.join(', ')} only apply with --tree`);
    }
  },
};
