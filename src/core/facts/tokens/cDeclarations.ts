// Declarations read from tokens: specifiers, declarators, initializer lists. Shared by file
// scope, struct bodies, parameter lists and local declarations of the token reader; each
// mirrors what tree-sitter's readers (syntax.ts typeName/declaredName, tree/initializers.ts) take
// from the same text.
import type { FieldAssignment } from '../../model/facts';
import { isLsmHookRegistration, LSM_HOOK_UNION } from '../kernelMacros';
import {
  isLiteralName, isPrimitive, isQualifier, KW_ENUM, KW_STATIC, KW_STRUCT, KW_TYPEDEF, KW_TYPEOF, KW_TYPEOF2, KW_TYPEOF3,
  isKeyword, T_IDENT, T_PP, T_PUNCT, type Tokens,
} from './cTokens';

export interface Specifiers {
  /** Struct/union tag or typedef name; undefined for primitive and enum types (as typeName). */
  type: string | undefined;
  /** A type was read (a declaration, not a bare expression). */
  hasType: boolean;
  isStatic: boolean;
  isTypedef: boolean;
  /** `{` of a struct/union body among the specifiers, or -1. */
  bodyOpen: number;
  /** Tag of that struct/union, when it has one. */
  tag: string | undefined;
  /** First token after the specifiers. */
  next: number;
}

export function isPunct(t: Tokens, i: number, p: number): boolean {
  return t.kind[i] === T_PUNCT && t.id[i] === p;
}

/** A name (not a keyword) at `i`. */
export function isName(t: Tokens, i: number): boolean {
  return t.kind[i] === T_IDENT && !isKeyword(t.id[i]!);
}

/** Skips preprocessor lines from `i`. */
export function skipPP(t: Tokens, i: number, end: number): number {
  while (i < end && t.kind[i] === T_PP) i++;
  return i;
}

export function readSpecifiers(t: Tokens, from: number, end: number): Specifiers {
  const s: Specifiers = { type: undefined, hasType: false, isStatic: false, isTypedef: false, bodyOpen: -1, tag: undefined, next: from };
  let i = from;
  while (i < end) {
    const k = t.kind[i];
    if (k === T_PP) {
      i++;
      continue;
    }
    if (k !== T_IDENT) break;
    const id = t.id[i]!;
    if (isQualifier(id)) {
      if (id === KW_STATIC) s.isStatic = true;
      else if (id === KW_TYPEDEF) s.isTypedef = true;
      i++;
    } else if (isPrimitive(id)) {
      s.hasType = true;
      s.type = undefined;
      i++;
    } else if (id >= KW_STRUCT && id <= KW_ENUM) {
      s.hasType = true;
      i++;
      let tag: string | undefined;
      if (i < end && isName(t, i)) tag = t.names[t.id[i++]!];
      if (i < end && isPunct(t, i, 123)) {
        if (id !== KW_ENUM) {
          s.bodyOpen = i;
          s.tag = tag;
        }
        const close = t.match[i]!;
        i = close < 0 ? end : close + 1;
      }
      s.type = id === KW_ENUM ? undefined : tag;
    } else if ((id === KW_TYPEOF || id === KW_TYPEOF2 || id === KW_TYPEOF3) && isPunct(t, i + 1, 40)) {
      s.hasType = true;
      s.type = undefined;
      const close = t.match[i + 1]!;
      i = close < 0 ? end : close + 1;
    } else if (!s.hasType && !isKeyword(id)) {
      s.hasType = true;
      s.type = t.names[id];
      i++;
    } else {
      break;
    }
  }
  s.next = i;
  return s;
}

export interface Declarator {
  /** Token of the declared name, or -1 (abstract declarator or not a declarator). */
  name: number;
  /** A function or function pointer (declaredName's isFunction). */
  isFunction: boolean;
  /** `(` of the parameter list directly after the name, or -1. */
  params: number;
  next: number;
}

/** One declarator from `from`: pointers, a name or `( declarator )`, then `[...]` and `(...)` suffixes. */
export function readDeclarator(t: Tokens, from: number, end: number): Declarator {
  const d: Declarator = { name: -1, isFunction: false, params: -1, next: from };
  let i = from;
  while (i < end && ((t.kind[i] === T_PUNCT && t.id[i] === 42) || (t.kind[i] === T_IDENT && isQualifier(t.id[i]!)) || t.kind[i] === T_PP)) i++;
  if (i >= end) return d;
  if (isName(t, i)) {
    d.name = i++;
    if (i < end && isPunct(t, i, 40)) d.params = i;
  } else if (isPunct(t, i, 40)) {
    const close = t.match[i]!;
    if (close < 0) return d;
    const inner = readDeclarator(t, i + 1, close);
    if (inner.name < 0 || inner.next !== close) return d;
    d.name = inner.name;
    d.isFunction = inner.isFunction;
    d.params = inner.params;
    i = close + 1;
  } else {
    return d;
  }
  while (i < end && t.kind[i] === T_PUNCT) {
    const p = t.id[i]!;
    if (p !== 91 && p !== 40) break;
    if (p === 40) d.isFunction = true;
    const close = t.match[i]!;
    if (close < 0) break;
    i = close + 1;
  }
  d.next = i;
  return d;
}

/**
 * First token at or after `from` that is `stop1` or `stop2` at bracket depth 0, or `end`; with
 * `stopAtPP`, also a preprocessor line (at file scope one ends a declaration that lacks its `;`).
 */
export function findAtDepth0(t: Tokens, from: number, end: number, stop1: number, stop2: number, stopAtPP = false): number {
  let i = from;
  while (i < end) {
    if (stopAtPP && t.kind[i] === T_PP) return i;
    if (t.kind[i] === T_PUNCT) {
      const p = t.id[i]!;
      if (p === stop1 || p === stop2) return i;
      if (p === 40 || p === 91 || p === 123) {
        const close = t.match[i]!;
        if (close < 0) return end;
        i = close + 1;
        continue;
      }
      if (p === 41 || p === 93 || p === 125) return i;
    }
    i++;
  }
  return end;
}

/** Inner range of `[a, b]` without enclosing parentheses and casts: `((T *) x)` -> `x`. */
export function unwrap(t: Tokens, a: number, b: number, casts: boolean): [number, number] {
  for (;;) {
    if (a >= b || !isPunct(t, a, 40)) return [a, b];
    const close = t.match[a]!;
    if (close === b) {
      a++;
      b--;
    } else if (casts && close > a && close < b && (isCastGroup(t, a, close) || isOperand(t, close + 1))) {
      a = close + 1;
    } else {
      return [a, b];
    }
  }
}

/** `(u16) slot`: a name or literal right after `( ... )` makes the group a cast. */
function isOperand(t: Tokens, i: number): boolean {
  const k = t.kind[i];
  return (k === T_IDENT && !isKeyword(t.id[i]!)) || k === 2 || k === 3 || k === 4;
}

/** `( type )`: starts with a type keyword or ends with `*` (an abstract pointer declarator). */
export function isCastGroup(t: Tokens, open: number, close: number): boolean {
  if (close <= open + 1) return false;
  const first = open + 1;
  if (t.kind[first] === T_IDENT) {
    const id = t.id[first]!;
    if ((id >= 1 && id <= KW_ENUM) || id === KW_TYPEOF || id === KW_TYPEOF2 || id === KW_TYPEOF3) return true;
  }
  return isPunct(t, close - 1, 42) && close - 1 > first && t.kind[close - 2] !== T_PUNCT;
}

/** Items of a list that never hold a pair (numbers, strings, negative numbers). */
function startsInert(t: Tokens, i: number): boolean {
  const k = t.kind[i];
  return k === 2 || k === 3 || k === 4 || (k === T_PUNCT && t.id[i] === 45);
}

/**
 * `.field = fn` pairs of the initializer list opened at `open`, as collectInitializers reads
 * them: a nested list without designator keeps the type, one behind a designator has none; the
 * GNU `field: fn` form and `[i] = fn` give nothing (their designator is no field_designator).
 */
export function tokenInitializers(t: Tokens, open: number, structType: string | undefined, out: FieldAssignment[], object?: string): void {
  eachItem(t, open, 44, (i, itemEnd) => {
    if (!startsInert(t, i)) pair(t, i, itemEnd, structType, out, object);
  });
}

/**
 * The items of the block opened at `open` (`{ a, b }`, a struct body's `x; y;`), separated by
 * `separator` at depth 0, preprocessor lines skipped: `visit` gets each item as [start, end).
 */
export function eachItem(t: Tokens, open: number, separator: number, visit: (start: number, end: number) => void): void {
  const close = t.match[open]!;
  if (close < 0) return;
  let i = open + 1;
  while (i < close) {
    i = skipPP(t, i, close);
    if (i >= close) break;
    const end = findAtDepth0(t, i, close, separator, separator);
    if (end > i) visit(i, end);
    i = end + 1;
  }
}

function pair(t: Tokens, i: number, itemEnd: number, structType: string | undefined, out: FieldAssignment[], object: string | undefined): void {
  if (t.kind[i] === T_IDENT) {
    lsmHookRegistration(t, i, itemEnd, out);
    return;
  }
  if (isPunct(t, i, 123)) {
    // An array element or a member without designator: no name reaches it.
    if (t.match[i] === itemEnd - 1) tokenInitializers(t, i, structType, out);
    return;
  }
  let field: string | undefined;
  let j = i;
  if (isPunct(t, i, 46) && t.kind[i + 1] === T_IDENT) {
    field = t.names[t.id[i + 1]!];
    j = i + 2;
  } else if (!isPunct(t, i, 91)) {
    return;
  }
  const firstDesignatorEnd = j;
  // further designators: `.a.b`, `.a[2]`, `[1].x`
  while (j < itemEnd) {
    if (isPunct(t, j, 46) && t.kind[j + 1] === T_IDENT) j += 2;
    else if (isPunct(t, j, 91) && t.match[j]! > j) j = t.match[j]! + 1;
    else break;
  }
  if (!isPunct(t, j, 61)) return;
  const a = j + 1;
  const b = itemEnd - 1;
  if (a > b) return;
  if (isPunct(t, a, 123) && t.match[a] === b) {
    const member = object === undefined || field === undefined || j !== firstDesignatorEnd ? undefined : `${object}.${field}`;
    tokenInitializers(t, a, field === undefined ? structType : undefined, out, member);
    return;
  }
  if (field === undefined) return;
  let [x, y] = unwrap(t, a, b, true);
  if (x < y && isPunct(t, x, 38)) [x, y] = unwrap(t, x + 1, y, true);
  if (x !== y || t.kind[x] !== T_IDENT || isLiteralName(t.id[x]!)) return;
  if (isKeyword(t.id[x]!)) return;
  const fa: FieldAssignment = { field, fn: t.names[t.id[x]!]!, line: t.line[i]! };
  if (structType !== undefined) fa.structType = structType;
  if (object !== undefined) fa.object = object;
  out.push(fa);
}

/** `LSM_HOOK_INIT(hook, fn)` as the item [i, itemEnd): fn stored in field `hook` of the LSM hook union (kernelMacros). */
function lsmHookRegistration(t: Tokens, i: number, itemEnd: number, out: FieldAssignment[]): void {
  if (itemEnd !== i + 6 || t.match[i + 1] !== i + 5 || !isPunct(t, i + 3, 44)) return;
  if (!isName(t, i + 2) || !isName(t, i + 4) || !isLsmHookRegistration(t.names[t.id[i]!]!)) return;
  out.push({ field: t.names[t.id[i + 2]!]!, fn: t.names[t.id[i + 4]!]!, structType: LSM_HOOK_UNION, line: t.line[i]! });
}
