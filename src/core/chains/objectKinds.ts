// File-type tests against the object a chain works on. ovl_create_or_link() copies up the
// parent directory of the new dentry (`dentry->d_parent`), and copy-up takes its O_TMPFILE
// path only `if (S_ISREG(c->stat.mode) && …)`: a chain from there into ovl_copy_up_tmpfile()
// is not a path the code takes. What is a directory is read from the source (a dentry's
// parent is one); which functions' tests are about their object argument is rule data
// (objectScopes), since nothing in the source ties `c->stat.mode` to the dentry passed in.
import { constantText, type CallerLookup, type CallerSite, type CallSiteReader, type Condition } from '../model/callSites';
import type { ChainReason, FoundChain } from '../model/chain';
import type { ObjectScope } from '../rules/ruleSpec';

/** Expressions that always give a directory's dentry: a dentry's parent. */
const DIRECTORY = /(?:->d_parent|^dget_parent\(.*\))$/;
/** Tests true only of a file that is not a directory. */
const NOT_DIRECTORY_TESTS = new Set(['S_ISREG', 'S_ISLNK', 'S_ISCHR', 'S_ISBLK', 'S_ISFIFO', 'S_ISSOCK', 'd_is_reg', 'd_is_symlink', 'd_is_special']);
/** Tests true of a directory. */
const DIRECTORY_TESTS = new Set(['S_ISDIR', 'd_is_dir', 'd_can_lookup']);

/** How many hops back an argument is followed to where its value is made. */
const TRACE_DEPTH = 6;
/** How many callers up the acquiring function's parameter is followed. */
const CALLER_DEPTH = 3;
/** Calls that give back the object they are passed (a new reference to it). */
const SAME_OBJECT = /^dget\((.+)\)$/;

/** The test in `c` that, for `c` to be `truth`, a directory fails; undefined when there is none. */
function directoryFails(c: Condition, truth: boolean): string | undefined {
  switch (c.kind) {
    case 'call':
      if (truth ? NOT_DIRECTORY_TESTS.has(c.callee) : DIRECTORY_TESTS.has(c.callee)) return `${truth ? '' : '!'}${c.callee}(${c.args.join(', ')})`;
      return undefined;
    case 'not': return directoryFails(c.of, !truth);
    // `a && b` true needs both; `a || b` false needs neither.
    case 'and': return truth ? directoryFails(c.left, true) ?? directoryFails(c.right, true) : undefined;
    case 'or': return truth ? undefined : directoryFails(c.left, false) ?? directoryFails(c.right, false);
    default: return undefined;
  }
}

/** The test in `c` that, for `c` to be `truth`, only a directory `name` passes; undefined when there is none. */
function directoryNeeded(c: Condition, truth: boolean, name: string): string | undefined {
  switch (c.kind) {
    case 'call': {
      const of = c.args[0]?.trim();
      const onName = of === name || of === `d_inode(${name})->i_mode` || of === `${name}->d_inode->i_mode`;
      return truth && onName && DIRECTORY_TESTS.has(c.callee) ? `${c.callee}(${c.args.join(', ')})` : undefined;
    }
    case 'not': return directoryNeeded(c.of, !truth, name);
    case 'and': return truth ? directoryNeeded(c.left, true, name) ?? directoryNeeded(c.right, true, name) : undefined;
    case 'or': return truth ? undefined : directoryNeeded(c.left, false, name) ?? directoryNeeded(c.right, false, name);
    default: return undefined;
  }
}

/** A call, and the function it calls. */
type Site = CallerSite & { callee: string };

/** Where what a function was passed as its parameter `param` is a directory; undefined when not known. */
type ParamOrigin = (caller: string, param: number) => string[] | undefined;

/** Why a value is a directory: what locals it went through at the call, then clauses from further up. */
interface Origin {
  locals: string[];
  clauses: string[];
}

/**
 * Why the value `arg` passed at `site` is a directory; null when it is no object (NULL, or only
 * what a loop carries round); undefined when it is not known to be a directory.
 */
function directoryAt(site: Site, arg: string, reader: CallSiteReader, up: ParamOrigin, seen: ReadonlySet<string>): Origin | null | undefined {
  const text = arg.trim();
  if (DIRECTORY.test(text)) return { locals: [], clauses: [] };
  if (constantText(text) === '0') return null;
  const same = SAME_OBJECT.exec(text);
  if (same !== null) return directoryAt(site, same[1]!, reader, up, seen);
  if (!/^\w+$/.test(text)) return undefined;
  // A local set from itself round a loop holds what its other values give.
  if (seen.has(text)) return null;
  const values = reader.localValues?.(site.file, site.line, site.column, text);
  if (values !== undefined) {
    const inner = new Set([...seen, text]);
    const origin: Origin = { locals: [`${text} = ${values.join(' or ')}`], clauses: [] };
    let some = false;
    for (const value of values) {
      const got = directoryAt(site, value, reader, up, inner);
      if (got === undefined) return undefined;
      if (got === null) continue;
      some = true;
      origin.locals.push(...got.locals);
      origin.clauses.push(...got.clauses);
    }
    return some ? origin : null;
  }
  const guards = reader.guards(site.file, site.line, site.column);
  const param = guards?.params.indexOf(text) ?? -1;
  if (guards === undefined || param < 0 || guards.reassigned.includes(text)) return undefined;
  for (const { condition, truth } of guards.conditions) {
    const test = directoryNeeded(condition, truth, text);
    if (test !== undefined) return { locals: [], clauses: [`${site.caller} calls ${site.callee} only when ${test} (${site.file}:${site.line})`] };
  }
  const further = up(site.caller, param);
  return further === undefined ? undefined : { locals: [], clauses: further };
}

/** An origin in words: what the call passes, then why that is a directory. */
function said(site: Site, arg: string, origin: Origin): string[] {
  const passes = origin.locals.length > 0 ? origin.locals.join(', with ') : arg.trim();
  const own = origin.locals.length > 0 || origin.clauses.length === 0 ? [`${site.caller} passes ${passes} (${site.file}:${site.line})`] : [];
  return [...own, ...origin.clauses];
}

/**
 * Where every call of `fn` (defined in `file`) passes a directory as its parameter `param`;
 * undefined unless all its calls are known and each does.
 */
function fromCallers(file: string, fn: string, param: number, reader: CallSiteReader, callers: CallerLookup, depth: number): string[] | undefined {
  const sites = depth < CALLER_DEPTH ? callers(file, fn) : undefined;
  if (sites === undefined) return undefined;
  const clauses: string[] = [];
  for (const s of sites) {
    const arg = reader.arguments(s.file, s.line, s.column)?.[param];
    const site = { ...s, callee: fn };
    const up: ParamOrigin = (caller, p) => fromCallers(s.file, caller, p, reader, callers, depth + 1);
    const got = arg === undefined ? undefined : directoryAt(site, arg, reader, up, new Set());
    if (got === undefined) return undefined;
    if (got !== null) clauses.push(...said(site, arg!, got));
  }
  return clauses.length === 0 ? undefined : [`every call of ${fn} passes a directory: ${clauses[0]}`, ...clauses.slice(1)];
}

/**
 * Where the argument `arg` of the call at hops[i] gets a directory; undefined when it is not
 * known to be one. A parameter passed on unchanged is followed to the hop before, and the
 * acquiring function's to all its callers.
 */
function directoryOrigin(chain: FoundChain, i: number, arg: string, reader: CallSiteReader, callers: CallerLookup | undefined, depth: number): string[] | undefined {
  const hop = chain.hops[i]!;
  const up: ParamOrigin = (caller, param) => {
    const before = chain.hops[i - 1];
    if (before === undefined) return callers === undefined ? undefined : fromCallers(hop.file, caller, param, reader, callers, 0);
    if (before.via !== 'direct' || depth + 1 >= TRACE_DEPTH) return undefined;
    const passed = reader.arguments(before.file, before.line, before.column)?.[param];
    return passed === undefined ? undefined : directoryOrigin(chain, i - 1, passed, reader, callers, depth + 1);
  };
  const origin = directoryAt(hop, arg, reader, up, new Set());
  return origin == null ? undefined : said(hop, arg, origin);
}

/** The first hop a directory object cannot take, under the rule's object scopes. */
export function objectKindReason(chain: FoundChain, reader: CallSiteReader, scopes: readonly ObjectScope[], callers?: CallerLookup): ChainReason | undefined {
  const { hops } = chain;
  for (const scope of scopes) {
    const entry = hops.findIndex((h) => h.callee === scope.function && h.via === 'direct');
    if (entry < 0) continue;
    const into = hops[entry]!;
    const arg = reader.arguments(into.file, into.line, into.column)?.[scope.arg];
    const origin = arg === undefined ? undefined : directoryOrigin(chain, entry, arg, reader, callers, 0)?.join('; ');
    if (origin === undefined) continue;
    // Only calls made in the scope's own file, without leaving it, test the same object.
    for (let j = entry + 1; j < hops.length && hops[j]!.file === scope.file; j++) {
      const at = hops[j]!;
      const guards = reader.guards(at.file, at.line, at.column);
      for (const { condition, truth } of guards?.conditions ?? []) {
        const test = directoryFails(condition, truth);
        if (test === undefined) continue;
        return {
          hop: j, kind: 'object-kind', lowers: true,
          text: `${origin}, a directory, to ${scope.function}, which ${scope.why}; ${at.caller} calls ${at.callee} only when ${test} (${at.file}:${at.line})`,
        };
      }
    }
  }
  return undefined;
}
