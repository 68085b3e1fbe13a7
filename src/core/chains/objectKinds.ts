// File-type tests against the object a chain works on. ovl_create_or_link() copies up the
// parent directory of the new dentry (`dentry->d_parent`), and copy-up takes its O_TMPFILE
// path only `if (S_ISREG(c->stat.mode) && …)`: a chain from there into ovl_copy_up_tmpfile()
// is not a path the code takes. What is a directory is read from the source (a dentry's
// parent is one); which functions' tests are about their object argument is rule data
// (objectScopes), since nothing in the source ties `c->stat.mode` to the dentry passed in.
import type { CallSiteReader, Condition } from '../model/callSites';
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

/**
 * Where the argument `arg` of the call at hops[i] gets a directory, in words; undefined when
 * it is not known to be one. A parameter passed on unchanged is followed to the hop before.
 */
function directoryOrigin(chain: FoundChain, i: number, arg: string, reader: CallSiteReader, depth: number): string | undefined {
  const hop = chain.hops[i]!;
  const text = arg.trim();
  if (DIRECTORY.test(text)) return `${hop.caller} passes ${text} (${hop.file}:${hop.line})`;
  if (!/^\w+$/.test(text) || depth >= TRACE_DEPTH) return undefined;
  const locals = reader.localValues?.(hop.file, hop.line, hop.column, text);
  if (locals !== undefined) {
    return locals.length > 0 && locals.every((v) => DIRECTORY.test(v.trim()))
      ? `${hop.caller} passes ${text} = ${locals.join(' or ')} (${hop.file}:${hop.line})`
      : undefined;
  }
  const guards = reader.guards(hop.file, hop.line, hop.column);
  const param = guards?.params.indexOf(text) ?? -1;
  const before = chain.hops[i - 1];
  if (guards === undefined || param < 0 || guards.reassigned.includes(text) || before === undefined || before.via !== 'direct') return undefined;
  const passed = reader.arguments(before.file, before.line, before.column)?.[param];
  return passed === undefined ? undefined : directoryOrigin(chain, i - 1, passed, reader, depth + 1);
}

/** The first hop a directory object cannot take, under the rule's object scopes. */
export function objectKindReason(chain: FoundChain, reader: CallSiteReader, scopes: readonly ObjectScope[]): ChainReason | undefined {
  const { hops } = chain;
  for (const scope of scopes) {
    const entry = hops.findIndex((h) => h.callee === scope.function && h.via === 'direct');
    if (entry < 0) continue;
    const into = hops[entry]!;
    const arg = reader.arguments(into.file, into.line, into.column)?.[scope.arg];
    const origin = arg === undefined ? undefined : directoryOrigin(chain, entry, arg, reader, 0);
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
