// argv -> options for `lockpath scan` (and the usage text). Errors are UsageError: exit 2.

export class UsageError extends Error {}

export type Format = 'text' | 'json' | 'sarif';

export interface ScanArgs {
  command: 'scan';
  tree: string;
  rules: string[];
  ruleFile?: string;
  format: Format;
  out?: string;
  jobs?: number;
  cache: string | false | undefined;
  include: string[];
  exclude: string[] | undefined;
  failOnFindings: boolean;
  quiet: boolean;
  pointers: 'typed' | 'all';
}

export type CliArgs = ScanArgs | { command: 'help' } | { command: 'version' } | { command: 'trace'; argv: string[] };

export const USAGE = `usage: lockpath scan <tree> [options]
       lockpath trace <log>... [--tree DIR] [--format text|json]

Finds call chains where a lock context (freeze protection by default) is held while the
code reaches a callee that must never run under it (fanotify permission hooks).

scan options:
  --rule ID              rule to run (repeatable; default: every rule, built-in: freeze)
  --rules FILE           JSON rule file: tweak built-in rules or add new ones
  --format FMT           text (default), json or sarif (SARIF 2.1.0 with codeFlows)
  --out FILE             write the report to FILE instead of stdout
  --jobs N               parser threads (default: number of CPUs; 0 = parse in the main thread)
  --cache DIR            fact cache directory (default: $XDG_CACHE_HOME/lockpath/<tree hash>)
  --no-cache             neither read nor write the fact cache
  --include PATH         scan only PATH under <tree> (repeatable)
  --exclude PATH         never scan PATH under <tree> (repeatable; default: tools scripts
                         Documentation usr, which are not kernel code)
  --pointers MODE        typed (default): follow calls through struct fields whose struct
                         type the source shows; all: also untyped ones, to every function
                         stored in a field of that name
  --fail-on-findings     exit 1 when any chain is reported
  --quiet                no progress on stderr

exit codes: 0 done (findings or not, unless --fail-on-findings), 1 findings with
--fail-on-findings, 2 usage or input error (bad tree, bad rule file), 3 internal error,
130 cancelled (SIGINT).`;

export function parseArgs(argv: readonly string[]): CliArgs {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { command: 'help' };
  if (command === '--version' || command === '-V') return { command: 'version' };
  if (command === 'trace') return { command: 'trace', argv: rest };
  if (command !== 'scan') throw new UsageError(`unknown command "${command}"`);
  const args: ScanArgs = { command: 'scan', tree: '', rules: [], format: 'text', cache: undefined, include: [], exclude: undefined, failOnFindings: false, quiet: false, pointers: 'typed' };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--rule': args.rules.push(value()); break;
      case '--rules': args.ruleFile = value(); break;
      case '--format': {
        const f = value();
        if (f !== 'text' && f !== 'json' && f !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not "${f}"`);
        args.format = f;
        break;
      }
      case '--out': args.out = value(); break;
      case '--jobs': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 256) throw new UsageError(`--jobs takes a whole number from 0 to 256, not "${v}"`);
        args.jobs = n;
        break;
      }
      case '--cache': args.cache = value(); break;
      case '--no-cache': args.cache = false; break;
      case '--include': args.include.push(value()); break;
      case '--exclude': (args.exclude ??= []).push(value()); break;
      case '--fail-on-findings': args.failOnFindings = true; break;
      case '--pointers': {
        const p = value();
        if (p !== 'typed' && p !== 'all') throw new UsageError(`--pointers must be typed or all, not "${p}"`);
        args.pointers = p;
        break;
      }
      case '--quiet': case '-q': args.quiet = true; break;
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
        if (args.tree !== '') throw new UsageError(`one tree at a time (got "${args.tree}" and "${a}")`);
        args.tree = a;
    }
  }
  if (args.tree === '') throw new UsageError('scan needs a tree: lockpath scan <tree>');
  return args;
}
