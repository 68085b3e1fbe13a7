// Options that `lockpath scan` and `lockpath trace --tree` share, parsed once, and the one
// place that turns them into the core's AnalysisOptions.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { defaultCacheDir, DEFAULT_MAX_FILE_BYTES, type AnalysisOptions } from '../core/analyze';
import { parseRuleFile, RuleFileError } from '../core/rules/ruleFile';
import { BUILTIN_RULES, type RuleSpec } from '../core/rules/ruleSpec';
import { locateWasm } from '../core/parse/wasmLocation';

export class UsageError extends Error {}

/** Parses argv; on a usage error says so with the usage text and gives undefined (exit 2). */
export function parseOrExplain<T>(parse: () => T, usage: string): T | undefined {
  try {
    return parse();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`lockpath: ${e.message}\n\n${usage}\n`);
    return undefined;
  }
}

export interface TreeOptions {
  rules: string[];
  ruleFile?: string;
  include: string[];
  exclude: string[] | undefined;
  /** undefined: the default cache dir; false: --no-cache. */
  cache: string | false | undefined;
  jobs?: number;
  pointers: 'typed' | 'all';
  quiet: boolean;
  parseAll: boolean;
}

export function defaultTreeOptions(): TreeOptions {
  return { rules: [], include: [], exclude: undefined, cache: undefined, pointers: 'typed', quiet: false, parseAll: false };
}

export const TREE_OPTIONS_USAGE = `  --rule ID              rule to run (repeatable; default: every rule, built-in: freeze)
  --include PATH         scan only PATH under the tree (repeatable)
  --exclude PATH         never scan PATH under the tree (repeatable; default: tools scripts
                         Documentation usr, which are not kernel code)
  --jobs N               parser threads (default: number of CPUs; 0 = parse in the main thread)
  --cache DIR            fact cache directory (default: $XDG_CACHE_HOME/lockpath/<tree hash>)
  --no-cache             neither read nor write the fact cache
  --pointers MODE        typed (default): follow calls through struct fields whose struct
                         type the source shows; all: also untyped ones, to every function
                         stored in a field of that name
  --parse-all            parse every file with tree-sitter (default: files are read from
                         tokens, and only those whose control flow the rules need are parsed)
  --quiet                no progress on stderr`;

/** Reads argv left to right; `value()` takes the argument of the option just read. */
export class ArgCursor {
  private i = -1;
  constructor(private readonly argv: readonly string[]) {}

  next(): string | undefined {
    return this.argv[++this.i];
  }

  value(option: string): string {
    const v = this.argv[++this.i];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${option} needs a value`);
    return v;
  }
}

/** Applies `option` if it is a tree option; false when it is not one. */
export function takeTreeOption(option: string, args: ArgCursor, opts: TreeOptions): boolean {
  switch (option) {
    case '--rule': opts.rules.push(args.value(option)); return true;
    case '--include': opts.include.push(args.value(option)); return true;
    case '--exclude': (opts.exclude ??= []).push(args.value(option)); return true;
    case '--cache': opts.cache = args.value(option); return true;
    case '--no-cache': opts.cache = false; return true;
    case '--quiet': case '-q': opts.quiet = true; return true;
    case '--parse-all': opts.parseAll = true; return true;
    case '--jobs': {
      const v = args.value(option);
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 256) throw new UsageError(`--jobs takes a whole number from 0 to 256, not "${v}"`);
      opts.jobs = n;
      return true;
    }
    case '--pointers': {
      const p = args.value(option);
      if (p !== 'typed' && p !== 'all') throw new UsageError(`--pointers must be typed or all, not "${p}"`);
      opts.pointers = p;
      return true;
    }
    default:
      return false;
  }
}

/** Built-in rules, overridden or extended by a rule file, narrowed to --rule ids. */
export function selectRules(opts: TreeOptions): RuleSpec[] {
  let available: RuleSpec[] = [...BUILTIN_RULES];
  if (opts.ruleFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(opts.ruleFile, 'utf8');
    } catch (e) {
      throw new RuleFileError(`cannot read rule file ${opts.ruleFile}: ${(e as Error).message}`);
    }
    const fromFile = parseRuleFile(text, BUILTIN_RULES);
    const ids = new Set(fromFile.map((r) => r.id));
    available = [...available.filter((r) => !ids.has(r.id)), ...fromFile];
  }
  if (opts.rules.length === 0) return available;
  return opts.rules.map((id) => {
    const r = available.find((x) => x.id === id);
    if (r === undefined) throw new RuleFileError(`no rule "${id}" (have: ${available.map((x) => x.id).join(', ')})`);
    return r;
  });
}

/** The core's options for a tree at `root` (absolute), as the bundled CLI runs it. */
export function analysisOptions(root: string, opts: TreeOptions, rules: readonly RuleSpec[], bundleDir: string): AnalysisOptions {
  const underRoot = (p: string): string => (isAbsolute(p) ? relative(root, p) : p);
  return {
    root, rules,
    include: opts.include.map(underRoot),
    ...(opts.exclude !== undefined ? { exclude: opts.exclude.map(underRoot) } : {}),
    wasm: locateWasm(bundleDir),
    cacheDir: opts.cache === false ? undefined : opts.cache ?? defaultCacheDir(root),
    jobs: opts.jobs ?? availableParallelism(),
    workerScript: join(bundleDir, 'scanWorker.js'),
    maxFileBytes: DEFAULT_MAX_FILE_BYTES,
    pointers: opts.pointers,
    ...(opts.parseAll ? { parseAll: true } : {}),
  };
}
