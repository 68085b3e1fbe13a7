// Which of an edited file's functions only moved? Code added above a function shifts its lines
// and columns but leaves its calls, arguments and control flow as they were: everything the
// analyses derived from it still holds, so a patch need not examine it again.
import type { FileFacts, FunctionFact } from '../model/facts';

/** Keys of a function fact that give positions, not content. */
const POSITIONS: ReadonlySet<string> = new Set(['line', 'column', 'startLine', 'endLine', 'nameLine', 'nameColumn']);

/**
 * Whether two parts of function facts are the same but for the `ignored` keys (at any depth),
 * as their JSON would be with those keys left out. Compared in place: a JSON string of each
 * function per edit was most of the time an edit of a large file spent here (13 ms for
 * fs/read_write.c).
 */
function sameContent(a: unknown, b: unknown, ignored: ReadonlySet<string>): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || ArrayBuffer.isView(a)) {
    const x = a as ArrayLike<unknown>;
    const y = b as ArrayLike<unknown>;
    if (Array.isArray(a) !== Array.isArray(b) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameContent(x[i], y[i], ignored)) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  // A key whose value is undefined is no key in JSON: count only the others, on both sides.
  let keys = 0;
  for (const k in x) {
    if (ignored.has(k) || x[k] === undefined) continue;
    if (!sameContent(x[k], y[k], ignored)) return false;
    keys++;
  }
  for (const k in y) if (!ignored.has(k) && y[k] !== undefined) keys--;
  return keys === 0;
}

/**
 * Pairs (index in `before`, index in `after`) of functions with the same name, linkage and
 * place among same-named alternatives, whose content is the same but for positions.
 */
export function movedOnly(before: FileFacts, after: FileFacts): [number, number][] {
  return samePairs(before, after, (a, b) => sameContent(a, b, POSITIONS));
}

/** Pairs of functions with the same name, linkage and place among same-named alternatives, that `same` accepts. */
function samePairs(before: FileFacts, after: FileFacts, same: (a: FunctionFact, b: FunctionFact) => boolean): [number, number][] {
  const key = (fn: FunctionFact): string => `${fn.isStatic ? 's' : 'g'}:${fn.name}`;
  const earlier = new Map<string, number[]>();
  before.functions.forEach((fn, i) => {
    const list = earlier.get(key(fn)) ?? [];
    list.push(i);
    earlier.set(key(fn), list);
  });
  const seen = new Map<string, number>();
  const pairs: [number, number][] = [];
  after.functions.forEach((fn, j) => {
    const k = key(fn);
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    const i = earlier.get(k)?.[n];
    if (i !== undefined && same(before.functions[i]!, fn)) pairs.push([i, j]);
  });
  return pairs;
}

/** Whether a function that only moved kept every position too (code changed below it, or nothing at all). */
export function samePositions(before: FunctionFact, after: FunctionFact): boolean {
  if (before.startLine !== after.startLine || before.endLine !== after.endLine || before.nameLine !== after.nameLine || before.nameColumn !== after.nameColumn) return false;
  return before.calls.every((c, i) => c.line === after.calls[i]?.line && c.column === after.calls[i]?.column);
}

/** Whether `after` is `before` moved down (or up) by whole lines: every position moved by the same number of lines, no column moved. */
export function lineDelta(before: FunctionFact, after: FunctionFact): number | undefined {
  const d = after.startLine - before.startLine;
  if (after.endLine - before.endLine !== d || after.nameLine - before.nameLine !== d || after.nameColumn !== before.nameColumn) return undefined;
  return before.calls.every((c, i) => after.calls[i]?.line === c.line + d && after.calls[i]?.column === c.column) ? d : undefined;
}

/** Keys the reader decides rather than the code: control flow (a full parse reads it, tokens do not) and parse errors in the body. */
const READER_KEYS: ReadonlySet<string> = new Set([...POSITIONS, 'flow', 'bodyErrors']);

/**
 * Pairs of functions at the same positions whose facts differ at most in what the reader gives
 * (the file read from tokens before and parsed now, or the other way round), that call none of
 * `effectful` (the names with an effect on the held context now). Nothing reads such a
 * function's flow: a summary needs a call with an effect, and with no call that releases,
 * every call runs under the caller's hold (HeldThrough). So it analyses as before: a file read
 * again in full because one of its functions calls a new wrapper need not send its other
 * functions (most of them) through the searches again.
 */
export function readerOnly(before: FileFacts, after: FileFacts, effectful: ReadonlySet<string>): [number, number][] {
  const callsEffectful = (fn: FunctionFact): boolean => fn.calls.some((c) => c.kind === 'direct' && effectful.has(c.callee));
  return samePairs(before, after, (a, b) => samePositions(a, b) && !callsEffectful(a) && !callsEffectful(b) && sameContent(a, b, READER_KEYS));
}
