// argv -> options for `lockpath trace` (and its usage text). Errors are UsageError: exit 2.
import { UsageError } from './args';

export interface TraceArgs {
  logs: string[];
  tree?: string;
  rules: string[];
  format: 'text' | 'json';
  include: string[];
  /** undefined: the default cache dir; false: --no-cache. */
  cache: string | false | undefined;
  jobs?: number;
  pointers: 'typed' | 'all';
  quiet: boolean;
  help: boolean;
}

export const TRACE_USAGE = `usage: lockpath trace <log>... [--tree DIR] [options]

Parses ftrace captures (function, function_graph, trace-cmd report) and kernel logs (lockdep
reports, hung-task reports) and prints what they show. With --tree, scans DIR as \`lockpath scan\`
does and overlays the logs on it: which functions map to definitions, which observed calls
the static call graph explains, and which hops of each chain were seen running.

trace options:
  --tree DIR             kernel source tree to overlay the logs on
  --rule ID              rule whose chains to overlay (repeatable; default: every rule)
  --format FMT           text (default) or json
  --include PATH         scan only PATH under DIR (repeatable)
  --cache DIR            fact cache directory (default: $XDG_CACHE_HOME/lockpath/<tree hash>)
  --no-cache             neither read nor write the fact cache
  --jobs N               parser threads (default: number of CPUs; 0 = parse in the main thread)
  --pointers MODE        typed (default) or all, as for scan
  --quiet                no progress on stderr

exit codes: 0 done, 2 usage or input error (unreadable log, bad tree), 3 internal error,
130 cancelled (SIGINT).`;

export function parseTraceArgs(argv: readonly string[]): TraceArgs {
  const args: TraceArgs = { logs: [], rules: [], format: 'text', include: [], cache: undefined, pointers: 'typed', quiet: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--tree':
        if (args.tree !== undefined) throw new UsageError('one --tree at a time');
        args.tree = value();
        break;
      case '--rule': args.rules.push(value()); break;
      case '--format': {
        const f = value();
        if (f !== 'text' && f !== 'json') throw new UsageError(`--format must be text or json, not "${f}"`);
        args.format = f;
        break;
      }
      case '--include': args.include.push(value()); break;
      case '--cache': args.cache = value(); break;
      case '--no-cache': args.cache = false; break;
      case '--jobs': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 256) throw new UsageError(`--jobs takes a whole number from 0 to 256, not "${v}"`);
        args.jobs = n;
        break;
      }
      case '--pointers': {
        const p = value();
        if (p !== 'typed' && p !== 'all') throw new UsageError(`--pointers must be typed or all, not "${p}"`);
        args.pointers = p;
        break;
      }
      case '--quiet': case '-q': args.quiet = true; break;
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
