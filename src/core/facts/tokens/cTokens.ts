// C source -> flat token arrays in one pass over char codes, for the token reader.
//
// Why typed arrays and ids: a kernel file has a token every ~5 bytes; an object or a substring
// per token would cost more than the reading itself. Identifiers are interned to small ids as
// they are scanned (the hash is built from the char codes already being read), keywords first
// so that their ids are constants.
//
// Preprocessor: directive lines become one PP token each (their text is not C). Alternative arms
// (`#elif`, `#else`) whose brackets do not balance on their own are dropped, as ctags does: two
// arms that each open `if (x) {` for one shared `}` would otherwise unbalance the rest of the
// file. Balanced alternative arms are kept, as tree-sitter walks every arm.

export const T_IDENT = 1;
export const T_NUMBER = 2;
export const T_STRING = 3;
export const T_CHAR = 4;
export const T_PUNCT = 5;
/** A preprocessor line; `id` says which kind (PP_*). */
export const T_PP = 6;

export const PP_IF = 1;
export const PP_ELSE = 2;
export const PP_ENDIF = 3;
export const PP_OTHER = 4;

// Punctuator ids: single characters keep their char code; these stand for the longer ones.
export const P_ARROW = 300;
/** `+=`, `-=`, `<<=`, ... (`=` itself is 61). */
export const P_ASSIGN_OP = 301;
/** `==`, `!=`, `<=`, `>=`. */
export const P_COMPARE = 302;
/** `++`, `--`. */
export const P_INCDEC = 303;
/** `&&`, `||`, `<<`, `>>`, `...`, `##`. */
export const P_OTHER = 304;

/** Keywords, interned first: keyword `k` has id KEYWORDS.indexOf(k) + 1. */
export const KEYWORDS = [
  // qualifiers and storage classes (skipped among declaration specifiers)
  'extern', 'static', 'auto', 'register', 'inline', '__inline', '__inline__', '__forceinline', 'thread_local',
  '__thread', 'const', 'constexpr', 'volatile', 'restrict', '__restrict__', '__restrict', '__extension__', '_Atomic',
  '_Noreturn', 'noreturn', '_Nonnull', 'typedef', '__volatile__', '__const',
  // primitive types (tree-sitter-c's primitive_type and sized specifiers)
  'bool', 'char', 'int', 'float', 'double', 'void', 'size_t', 'ssize_t', 'ptrdiff_t', 'intptr_t', 'uintptr_t',
  'charptr_t', 'nullptr_t', 'max_align_t', 'int8_t', 'int16_t', 'int32_t', 'int64_t', 'uint8_t', 'uint16_t',
  'uint32_t', 'uint64_t', 'char8_t', 'char16_t', 'char32_t', 'char64_t', 'signed', 'unsigned', 'long', 'short',
  // tagged types
  'struct', 'union', 'enum',
  // operators whose operand is not evaluated (or is a type)
  'sizeof', '__alignof__', '__alignof', '_alignof', 'alignof', '_Alignof', 'offsetof', 'typeof', '__typeof__',
  '__typeof', 'defined',
  // statements
  'if', 'while', 'for', 'switch', 'return', 'else', 'do', 'case', 'default', 'goto', 'break', 'continue',
  'asm', '__asm__', '__asm',
  // literals that are not names
  'NULL', 'nullptr', 'true', 'TRUE', 'false', 'FALSE',
] as const;

export type Keyword = (typeof KEYWORDS)[number];

export function kw(k: Keyword): number {
  return KEYWORDS.indexOf(k) + 1;
}

const LAST_QUALIFIER = kw('__const');
const LAST_PRIMITIVE = kw('short');
export const KW_STRUCT = kw('struct');
export const KW_UNION = kw('union');
export const KW_ENUM = kw('enum');
const FIRST_UNEVALUATED = kw('sizeof');
const LAST_UNEVALUATED = kw('defined');
export const KW_TYPEOF = kw('typeof');
export const KW_TYPEOF2 = kw('__typeof__');
export const KW_TYPEOF3 = kw('__typeof');
export const KW_IF = kw('if');
export const KW_WHILE = kw('while');
export const KW_FOR = kw('for');
export const KW_SWITCH = kw('switch');
export const KW_RETURN = kw('return');
export const KW_ELSE = kw('else');
export const KW_DO = kw('do');
export const KW_CASE = kw('case');
export const KW_DEFAULT = kw('default');
export const KW_STATIC = kw('static');
export const KW_TYPEDEF = kw('typedef');
export const KW_EXTERN = kw('extern');
const FIRST_LITERAL = kw('NULL');
export const KEYWORD_COUNT = KEYWORDS.length;

export function isQualifier(id: number): boolean {
  return id >= 1 && id <= LAST_QUALIFIER;
}
export function isPrimitive(id: number): boolean {
  return id > LAST_QUALIFIER && id <= LAST_PRIMITIVE;
}
/** Starts a declaration's specifiers: qualifier, primitive, struct/union/enum or typeof. */
export function isTypeKeyword(id: number): boolean {
  return (id >= 1 && id <= KW_ENUM) || id === KW_TYPEOF || id === KW_TYPEOF2 || id === KW_TYPEOF3;
}
/** `sizeof(...)`, `typeof(...)`, `offsetof(...)`: nothing inside is a call that runs. */
export function isUnevaluated(id: number): boolean {
  return id >= FIRST_UNEVALUATED && id <= LAST_UNEVALUATED;
}
/** NULL, true, false: identifiers to the tokenizer, literals to tree-sitter. */
export function isLiteralName(id: number): boolean {
  return id >= FIRST_LITERAL && id <= KEYWORD_COUNT;
}
export function isKeyword(id: number): boolean {
  return id >= 1 && id <= KEYWORD_COUNT;
}

export interface Tokens {
  text: string;
  count: number;
  kind: Uint8Array;
  /** Identifier id, punctuator id, or PP_* for T_PP. */
  id: Int32Array;
  start: Int32Array;
  end: Int32Array;
  /** 1-based line of the token's first character. */
  line: Int32Array;
  /** Index of the matching bracket for ( [ { ) ] }, or -1. */
  match: Int32Array;
  /** Brackets left without a match: the text is not C the reader can follow. */
  unmatched: number;
  /** Offset of each line's first character (line n at index n - 1). */
  lineStarts: Int32Array;
  /** Interned identifier strings by id (index 0 unused). */
  names: string[];
}

/** 1-based column of a token in UTF-8 bytes, as tree-sitter counts. */
export function columnOf(t: Tokens, tok: number): number {
  const from = t.lineStarts[t.line[tok]! - 1]!;
  const to = t.start[tok]!;
  let col = 1;
  for (let i = from; i < to; i++) {
    const c = t.text.charCodeAt(i);
    // Surrogate pairs count 2 + 2 = 4 bytes.
    col += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c < 0xe000) ? 2 : 3;
  }
  return col;
}

class Interner {
  readonly names: string[] = [''];
  private table: Int32Array = new Int32Array(4096);
  private hashes: number[] = [0];
  private mask = 4095;

  constructor(private readonly text: string) {
    for (const k of KEYWORDS) this.add(k, hashOf(k));
  }

  /** Id of text[start, end) whose hash is `h`. */
  lookup(start: number, end: number, h: number): number {
    const text = this.text;
    const len = end - start;
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const id = this.table[slot]!;
      if (id === 0) return this.add(text.slice(start, end), h);
      if (this.hashes[id] !== h) continue;
      const name = this.names[id]!;
      if (name.length !== len) continue;
      let same = true;
      for (let k = 0; k < len; k++) {
        if (name.charCodeAt(k) !== text.charCodeAt(start + k)) {
          same = false;
          break;
        }
      }
      if (same) return id;
    }
  }

  private add(name: string, h: number): number {
    const id = this.names.length;
    this.names.push(name);
    this.hashes.push(h);
    if (id * 2 > this.mask) this.grow();
    let slot = h & this.mask;
    while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
    this.table[slot] = id;
    return id;
  }

  private grow(): void {
    this.mask = this.mask * 2 + 1;
    this.table = new Int32Array(this.mask + 1);
    for (let id = 1; id < this.names.length - 1; id++) {
      let slot = this.hashes[id]! & this.mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
      this.table[slot] = id;
    }
  }
}

function hashOf(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

function isIdentChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

/** An open `#if` while tokenizing: enough to drop an alternative arm that does not balance. */
interface Conditional {
  /** First token of the current arm. */
  armStart: number;
  /** Bracket depth when the current arm started. */
  armDepth: number;
  /** Lowest bracket depth inside the current arm. */
  min: number;
  /** Lowest depth over the arms kept so far, passed to the enclosing conditional at #endif. */
  keptMin: number;
  alternative: boolean;
}

export function tokenize(text: string): Tokens {
  const n = text.length;
  let cap = (n >> 2) + 64;
  let kind = new Uint8Array(cap);
  let id = new Int32Array(cap);
  let start = new Int32Array(cap);
  let end = new Int32Array(cap);
  let lineOf = new Int32Array(cap);
  let lineStarts = new Int32Array((n >> 4) + 64);
  lineStarts[0] = 0;
  let lines = 1;
  const interner = new Interner(text);
  const conds: Conditional[] = [];
  let depth = 0;
  let count = 0;
  let line = 1;
  /** Only whitespace (or comments) since the last newline: a `#` here starts a directive. */
  let lineStart = true;

  const newline = (at: number): void => {
    if (lines === lineStarts.length) {
      const bigger = new Int32Array(lines * 2);
      bigger.set(lineStarts);
      lineStarts = bigger;
    }
    lineStarts[lines++] = at + 1;
    line++;
  };
  const push = (k: number, v: number, s: number, e: number): void => {
    if (count === cap) {
      cap *= 2;
      const grow8 = new Uint8Array(cap); grow8.set(kind); kind = grow8;
      let g = new Int32Array(cap); g.set(id); id = g;
      g = new Int32Array(cap); g.set(start); start = g;
      g = new Int32Array(cap); g.set(end); end = g;
      g = new Int32Array(cap); g.set(lineOf); lineOf = g;
    }
    kind[count] = k;
    id[count] = v;
    start[count] = s;
    end[count] = e;
    lineOf[count] = line;
    count++;
  };
  /** Ends the current arm of the innermost conditional; drops it when it is an unbalanced alternative. */
  const endArm = (c: Conditional): void => {
    if (c.alternative && (c.min < c.armDepth || depth !== c.armDepth)) {
      count = c.armStart;
      depth = c.armDepth;
    } else if (c.min < c.keptMin) {
      c.keptMin = c.min;
    }
  };
  /** Skips a block comment starting at `i` (on `/*`); returns the offset after it. */
  const blockComment = (i: number): number => {
    let j = i + 2;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 10) newline(j);
      else if (c === 42 && text.charCodeAt(j + 1) === 47) return j + 2;
      j++;
    }
    return n;
  };

  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      newline(i);
      lineStart = true;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36) {
      let h = c;
      let j = i + 1;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (!isIdentChar(d)) break;
        h = (Math.imul(h, 31) + d) | 0;
      }
      push(T_IDENT, interner.lookup(i, j, h), i, j);
      lineStart = false;
      i = j;
      continue;
    }
    if (c === 47) {
      const d = text.charCodeAt(i + 1);
      if (d === 47) {
        // `//` comment: to the end of the line, continued by a trailing backslash
        let j = i + 2;
        while (j < n) {
          const e = text.charCodeAt(j);
          if (e === 10) {
            if (text.charCodeAt(j - 1) === 92 || (text.charCodeAt(j - 1) === 13 && text.charCodeAt(j - 2) === 92)) {
              newline(j);
              j++;
              continue;
            }
            break;
          }
          j++;
        }
        i = j;
        continue;
      }
      if (d === 42) {
        i = blockComment(i);
        continue;
      }
    }
    if (c === 35 && lineStart) {
      i = directive(i);
      continue;
    }
    lineStart = false;
    if (c >= 48 && c <= 57 || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      let j = i + 1;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (isIdentChar(d) || d === 46) continue;
        // exponent sign: 1e+5, 0x1p-3
        const p = text.charCodeAt(j - 1);
        if ((d === 43 || d === 45) && (p === 101 || p === 69 || p === 112 || p === 80)) continue;
        break;
      }
      push(T_NUMBER, 0, i, j);
      i = j;
      continue;
    }
    if (c === 34 || c === 39) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 92) {
          if (text.charCodeAt(j + 1) === 10) newline(j + 1);
          j += 2;
          continue;
        }
        if (d === c) {
          j++;
          break;
        }
        if (d === 10) break; // unterminated: stop at the line's end
        j++;
      }
      push(c === 34 ? T_STRING : T_CHAR, 0, i, j);
      i = j;
      continue;
    }
    if (c === 92) {
      // line continuation outside a directive
      i++;
      continue;
    }
    // punctuators
    const d = text.charCodeAt(i + 1);
    let p = c;
    let len = 1;
    switch (c) {
      case 40: case 91: case 123: // ( [ {
        depth++;
        break;
      case 41: case 93: case 125: { // ) ] }
        depth--;
        const top = conds.length === 0 ? undefined : conds[conds.length - 1]!;
        if (top !== undefined && depth < top.min) top.min = depth;
        break;
      }
      case 45: // -
        if (d === 62) { p = P_ARROW; len = 2; } else if (d === 45) { p = P_INCDEC; len = 2; } else if (d === 61) { p = P_ASSIGN_OP; len = 2; }
        break;
      case 43: // +
        if (d === 43) { p = P_INCDEC; len = 2; } else if (d === 61) { p = P_ASSIGN_OP; len = 2; }
        break;
      case 61: // =
        if (d === 61) { p = P_COMPARE; len = 2; }
        break;
      case 33: // !
        if (d === 61) { p = P_COMPARE; len = 2; }
        break;
      case 60: case 62: // < >
        if (d === c) {
          p = P_OTHER; len = 2;
          if (text.charCodeAt(i + 2) === 61) { p = P_ASSIGN_OP; len = 3; }
        } else if (d === 61) { p = P_COMPARE; len = 2; }
        break;
      case 38: case 124: // & |
        if (d === c) { p = P_OTHER; len = 2; } else if (d === 61) { p = P_ASSIGN_OP; len = 2; }
        break;
      case 42: case 37: case 94: // * % ^
        if (d === 61) { p = P_ASSIGN_OP; len = 2; }
        break;
      case 47: // / (comments handled above)
        if (d === 61) { p = P_ASSIGN_OP; len = 2; }
        break;
      case 46: // .
        if (d === 46 && text.charCodeAt(i + 2) === 46) { p = P_OTHER; len = 3; }
        break;
      default:
        if (c >= 0x80) {
          // stray non-ASCII outside comments and strings: not C, skip it
          i++;
          continue;
        }
    }
    push(T_PUNCT, p, i, i + len);
    i += len;
  }
  while (conds.length > 0) conds.pop();
  const { match, unmatched } = matchBrackets(kind, id, count);
  return {
    text, count, kind, id, start, end, line: lineOf, match, unmatched,
    lineStarts: lineStarts.subarray(0, lines), names: interner.names,
  };

  /** Reads a directive line starting at `#` (offset `at`); returns the offset of its newline. */
  function directive(at: number): number {
    let j = at + 1;
    while (j < n && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
    const nameStart = j;
    while (j < n && isIdentChar(text.charCodeAt(j))) j++;
    const name = text.slice(nameStart, j);
    let kindOf = PP_OTHER;
    if (name === 'if' || name === 'ifdef' || name === 'ifndef') kindOf = PP_IF;
    else if (name === 'else' || name === 'elif' || name === 'elifdef' || name === 'elifndef') kindOf = PP_ELSE;
    else if (name === 'endif') kindOf = PP_ENDIF;
    if (kindOf === PP_ELSE || kindOf === PP_ENDIF) {
      const top = conds[conds.length - 1];
      if (top !== undefined) {
        endArm(top);
        if (kindOf === PP_ENDIF) {
          conds.pop();
          const outer = conds[conds.length - 1];
          if (outer !== undefined && top.keptMin < outer.min) outer.min = top.keptMin;
        }
      }
    }
    push(T_PP, kindOf, at, at + 1);
    if (kindOf === PP_IF) {
      conds.push({ armStart: count, armDepth: depth, min: depth, keptMin: depth, alternative: false });
    } else if (kindOf === PP_ELSE) {
      const top = conds[conds.length - 1];
      if (top !== undefined) {
        top.armStart = count;
        top.armDepth = depth;
        top.min = depth;
        top.alternative = true;
      }
    }
    // the rest of the line, continued by backslashes; comments may span lines
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 10) {
        const p = text.charCodeAt(j - 1);
        if (p === 92 || (p === 13 && text.charCodeAt(j - 2) === 92)) {
          newline(j);
          j++;
          continue;
        }
        return j;
      }
      if (c === 47 && text.charCodeAt(j + 1) === 42) {
        j = blockComment(j);
        continue;
      }
      if (c === 47 && text.charCodeAt(j + 1) === 47) {
        while (j < n && text.charCodeAt(j) !== 10) j++;
        continue;
      }
      j++;
    }
    return n;
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Pairs brackets; a closer that does not match the innermost opener is left unmatched (-1). */
function matchBrackets(kind: Uint8Array, id: Int32Array, count: number): { match: Int32Array; unmatched: number } {
  const match = new Int32Array(count).fill(-1);
  const stack = new Int32Array(count + 1);
  let sp = 0;
  let brackets = 0;
  let matched = 0;
  for (let i = 0; i < count; i++) {
    if (kind[i] !== T_PUNCT) continue;
    const p = id[i]!;
    if (p === 40 || p === 91 || p === 123) {
      brackets++;
      stack[sp++] = i;
    } else if (p === 41 || p === 93 || p === 125) {
      brackets++;
      const want = p === 41 ? 40 : p === 93 ? 91 : 123;
      // A `}` closes any ( or [ left open inside its block; a stray ) or ] is ignored.
      let k = sp - 1;
      if (p === 125) {
        while (k >= 0 && id[stack[k]!] !== 123) k--;
      }
      if (k >= 0 && id[stack[k]!] === want) {
        match[i] = stack[k]!;
        match[stack[k]!] = i;
        matched += 2;
        sp = k;
      }
    }
  }
  return { match, unmatched: brackets - matched };
}
