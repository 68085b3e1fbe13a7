// Options that `lockpath scan` and `lockpath trace --tree` share, as one table for the shared
// parser (commandLine.ts), and the one place that turns them into the core's AnalysisOptions.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { defaultCacheDir, DEFAULT_MAX_FILE_BYTES, type AnalysisOptions } from '../core/analyze';
import { parseRuleFile, RuleFileError } from '../core/rules/ruleFile';
import { BUILTIN_RULES, type RuleSpec } from '../core/rules/ruleSpec';
import { locateWasm } from '../core/parse/wasmLocation';
import { isArchName } from '../core/sources/architectures';
import { UsageError, type OptionSpec } from './commandLine';

export interface TreeOptions {
  rules: string[];
  ruleFile?: string;
  include: string[];
  exclude: string[] | undefined;
  /** undefined: DEFAULT_ARCH. */
  arch?: string;
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

/** Options of every command that scans a tree. */
export const TREE_OPTIONS: readonly OptionSpec<TreeOptions>[] = [
  {
    names: ['--rule'], value: 'ID', help: 'rule to run (repeatable; default: every rule, built-in: freeze)',
    apply: (o, v) => { o.rules.push(v); },
  },
  { names: ['--include'], value: 'PATH', help: 'scan only PATH under the tree (repeatable)', apply: (o, v) => { o.include.push(v); } },
  {
    names: ['--exclude'], value: 'PATH',
    help: 'never scan PATH under the tree (repeatable; default: tools scripts\nDocumentation usr, which are not kernel code)',
    apply: (o, v) => { (o.exclude ??= []).push(v); },
  },
  {
    names: ['--arch'], value: 'ARCH',
    help: 'the architecture whose arch/ directory is scanned (default: x86; all:\nevery one), as the kernel\'s make tags and make cscope index one',
    apply: (o, v) => {
      if (!isArchName(v)) throw new UsageError(`--arch takes an arch/ directory name or all, not "${v}"`);
      o.arch = v;
    },
  },
  {
    names: ['--jobs'], value: 'N', help: 'parser threads (default: number of CPUs; 0 = parse in the main thread)',
    apply: (o, v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 256) throw new UsageError(`--jobs takes a whole number from 0 to 256, not "${v}"`);
      o.jobs = n;
    },
  },
  {
    names: ['--cache'], value: 'DIR', help: 'fact cache directory (default: $XDG_CACHE_HOME/lockpath/<tree hash>)',
    apply: (o, v) => { o.cache = v; },
  },
  { names: ['--no-cache'], help: 'neither read nor write the fact cache', apply: (o) => { o.cache = false; } },
  {
    names: ['--pointers'], value: 'MODE',
    help: 'typed (default): follow calls through struct fields whose struct\ntype the source shows; all: also untyped ones, to every function\nstored in a field of that name',
    apply: (o, v) => {
      if (v !== 'typed' && v !== 'all') throw new UsageError(`--pointers must be typed or all, not "${v}"`);
      o.pointers = v;
    },
  },
  {
    names: ['--parse-all'],
    help: 'parse every file with tree-sitter (default: files are read from\ntokens, and only those whose control flow the rules need are parsed)',
    apply: (o) => { o.parseAll = true; },
  },
  { names: ['--quiet', '-q'], help: 'no progress on stderr', apply: (o) => { o.quiet = true; } },
];

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
    const fromFile = parseRuleFile(text, BUILTIN_RULES, opts.ruleFile);
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
    ...(opts.arch !== undefined ? { arch: opts.arch } : {}),
    wasm: locateWasm(bundleDir),
    cacheDir: opts.cache === false ? undefined : opts.cache ?? defaultCacheDir(root),
    jobs: opts.jobs ?? availableParallelism(),
    workerScript: join(bundleDir, 'scanWorker.js'),
    maxFileBytes: DEFAULT_MAX_FILE_BYTES,
    pointers: opts.pointers,
    ...(opts.parseAll ? { parseAll: true } : {}),
  };
}
