// Stage 2 for the `function_graph` tracer: one line -> one plain record.
// Columns, each optional by trace option: `TIME |` (funcgraph-abstime), `CPU)` (funcgraph-cpu),
// `TASK-PID |` (funcgraph-proc), `DURATION |` (funcgraph-duration, with an overhead marker
// + ! # * @ $ and the irq arrows in the same column), then the body indented two spaces per depth.

import type { CharCodes } from '../lineReader';
import { charCodes } from '../lineReader';
import type { NameTable } from '../nameTable';

export type GraphBody =
  | { kind: 'entry'; function: string; module?: string }
  | { kind: 'leaf'; function: string; module?: string; retval?: string }
  | { kind: 'exit'; tail?: string; retval?: string }
  /** `/* text *\/`: a trace event, a trace_marker write, or a printk. */
  | { kind: 'comment'; name: string; args: string }
  /** `==========>` (irq entry) or `<==========` (irq exit) in the duration column. */
  | { kind: 'irq'; enter: boolean };

export interface GraphColumns {
  timestamp: number | null;
  cpu: number | null;
  task: string | null;
  duration: number | null;
  overhead: string | null;
  depth: number;
}

/** Tables for the names a function_graph line holds (two: each finds its last name first). */
export interface GraphNames {
  functions: NameTable;
  tasks: NameTable;
}

export type GraphToken =
  | { kind: 'comment' }
  | { kind: 'separator' }
  /** ` 20)  syslogd-3299  =>   <...>-3318`: the task on a CPU changed (context switch). */
  | { kind: 'switch'; cpu: number | null; from: string; to: string }
  | { kind: 'line'; columns: GraphColumns; body: GraphBody }
  | { kind: 'unparsed'; reason: string };

const SWITCH = /^\s*(?:\d+\.\d+\s+\|\s*)?(?:(\d+)\)\s+)?(\S.*?-\d+)\s+=>\s+(\S.*?-\d+)\s*$/;

const COMMENT_TOKEN: GraphToken = { kind: 'comment' };
const SEPARATOR_TOKEN: GraphToken = { kind: 'separator' };
const NOT_GRAPH: GraphToken = { kind: 'unparsed', reason: 'not a function_graph line (expected "CPU)  DURATION  |  body")' };
const BAD_DURATION: GraphToken = { kind: 'unparsed', reason: 'function_graph duration column is not "[+!#*@$] N.NNN us"' };
const BAD_BODY: GraphToken = { kind: 'unparsed', reason: 'function_graph body is not "func() {", "func();", "}" or "/* comment */"' };

const SEPARATOR = /^ *-{10,} *$/;

const EXIT_BODY: GraphBody = { kind: 'exit' };

const SPACE = 32;
const BAR = 124;
const DOT = 46;
const DASH = 45;
const HASH = 35;
const CLOSE_PAREN = 41;
const OPEN_PAREN = 40;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const SEMICOLON = 59;
const EQUALS = 61;
const LESS = 60;
const GREATER = 62;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `+ ! # * @ $`: the duration column's overhead markers. */
function isOverhead(c: number): boolean {
  return c === 43 || c === 33 || c === 35 || c === 42 || c === 64 || c === 36;
}

function skipSpaces(codes: CharCodes, i: number): number {
  while (codes[i] === SPACE) i++;
  return i;
}

// A hand-written scanner, not regexes: this runs once per line of gigabyte traces, and regex
// captures allocate a match array and a substring per column. Each step below reads what a
// column regex would (the regex is quoted above it) and keeps its first-alternative-wins result.
// It reads `codes` (see CharCodes in lineReader.ts), not the string: in V8 a typed-array read is
// a bounds check and a load, a charCodeAt also a dispatch on the string's representation, and
// a scan of these columns measured twice as fast on bytes.

/** Where the last {@link scanDecimal} stopped, and whether it read a fraction. */
let scanEnd = 0;
let scanFraction = false;

/**
 * `\d+` then, when `fraction` and a `.` and a digit follow, `.\d+`: the value, or -1 when there
 * is no digit at `i`. The digits form one integer (exact below 2^53) divided once by a power of
 * ten, as Number() would round it. (The value is returned, not stored beside scanEnd: a number
 * stored outside the function is boxed, one allocation per call.)
 */
function scanDecimal(codes: CharCodes, i: number, fraction: boolean): number {
  let c = codes[i]!;
  if (!isDigit(c)) return -1;
  let v = 0;
  do {
    v = v * 10 + (c - 48);
    c = codes[++i]!;
  } while (isDigit(c));
  let scale = 1;
  scanFraction = fraction && c === DOT && isDigit(codes[i + 1]!);
  if (scanFraction) {
    c = codes[++i]!;
    do {
      v = v * 10 + (c - 48);
      scale *= 10;
      c = codes[++i]!;
    } while (isDigit(c));
  }
  scanEnd = i;
  return v / scale;
}

/** One function_graph line. */
export function tokenizeGraphLine(text: string): GraphToken {
  return tokenizeGraphRange(text, charCodes(text), 0, text.length, null);
}

/**
 * The line `text[start, end)`, read in place: the streaming parser passes the decoded chunk and
 * the line's bounds (a slice per line would be one more allocation), with the chunk's
 * {@link CharCodes}. With tables, function and task names come from them (one kept string per
 * distinct name), so that the interpreter's map lookups hash no fresh string.
 */
export function tokenizeGraphRange(text: string, codes: CharCodes, start: number, end: number, names: GraphNames | null): GraphToken {
  let i = skipSpaces(codes, start);
  let timestamp: number | null = null;
  let cpu: number | null = null;
  let task: string | null = null;
  // `(\d+\.\d+) +\| *`: TIME |
  let v = scanDecimal(codes, i, true);
  if (v >= 0 && scanFraction && codes[scanEnd] === SPACE) {
    const bar = skipSpaces(codes, scanEnd);
    if (codes[bar] === BAR) {
      timestamp = v;
      i = skipSpaces(codes, bar + 1);
    }
  }
  // `(\d+)\)`: CPU)
  v = scanDecimal(codes, i, false);
  if (v >= 0 && codes[scanEnd] === CLOSE_PAREN) {
    cpu = v;
    i = scanEnd + 1;
  }
  // ` *([^ |][^|]*-\d+) +\|`: TASK-PID |, the bar being the first one after the task's start.
  const p = skipSpaces(codes, i);
  // Most often the previous line's task, which is known to match: only the bar is left to find.
  const recent = names === null ? null : names.tasks.recentAt(codes, p);
  const after = recent === null || codes[p + recent.length] !== SPACE ? -1 : skipSpaces(codes, p + recent.length);
  if (after >= 0 && codes[after] === BAR) {
    task = recent;
    i = after + 1;
  } else if (p < end && codes[p] !== BAR) {
    let bar = p + 1;
    while (bar < end && codes[bar] !== BAR) bar++;
    if (bar < end) {
      let s = bar;
      while (codes[s - 1] === SPACE) s--;
      let d = s;
      while (d > p && isDigit(codes[d - 1]!)) d--;
      if (s < bar && d < s && d >= p + 2 && codes[d - 1] === DASH) {
        task = names === null ? text.slice(p, s) : names.tasks.get(text, codes, p, s);
        i = bar + 1;
      }
    }
  }
  const seen = timestamp !== null || cpu !== null || task !== null;
  if (i === end) return seen ? NOT_GRAPH : COMMENT_TOKEN;
  if (!seen) {
    const first = codes[i];
    if (first === HASH) return COMMENT_TOKEN;
    if (first === DASH && SEPARATOR.test(text.slice(start, end))) return SEPARATOR_TOKEN;
  }
  const columns: GraphColumns = { timestamp, cpu, task, duration: null, overhead: null, depth: 0 };
  // ` *(?:([+!#*@$]) *)?(\d+(?:\.\d+)?) us +\|`, ` *(==========>|<==========) *\|` or ` *\|`:
  // the three start with different characters, so the first that matches is the only one.
  let irq: boolean | null = null;
  let at = skipSpaces(codes, i);
  let c = codes[at];
  let ok = false;
  if (c === BAR) {
    ok = true;
  } else if (c === EQUALS || c === LESS) {
    irq = irqArrow(codes, at);
    if (irq !== null) {
      at = skipSpaces(codes, at + 11);
      ok = codes[at] === BAR;
      if (!ok) irq = null;
    }
  } else {
    let overhead: string | null = null;
    if (isOverhead(c!)) {
      overhead = text[at]!;
      at = skipSpaces(codes, at + 1);
    }
    v = scanDecimal(codes, at, true);
    // ` us ` then more spaces and the bar.
    if (v >= 0 && codes[scanEnd] === SPACE && codes[scanEnd + 1] === 117 && codes[scanEnd + 2] === 115 && codes[scanEnd + 3] === SPACE) {
      const bar = skipSpaces(codes, scanEnd + 4);
      if (codes[bar] === BAR) {
        ok = true;
        at = bar;
        columns.duration = v;
        columns.overhead = overhead;
      }
    }
  }
  if (ok) {
    i = at + 1;
  } else if (!hasBar(codes, i, end)) {
    return switchOr(text, codes, start, end, seen ? null : NOT_GRAPH, columns, i, names);
  } else {
    return seen ? BAD_DURATION : NOT_GRAPH;
  }
  const b = skipSpaces(codes, i);
  // Two spaces separate the column bar from the body, then two per nesting level.
  columns.depth = Math.max(0, (b - i - 2) >> 1);
  while (end > b && codes[end - 1] === SPACE) end--;
  if (irq !== null) {
    if (end > b) return { kind: 'unparsed', reason: 'text after an irq arrow' };
    return { kind: 'line', columns, body: { kind: 'irq', enter: irq } };
  }
  // Fast paths for the shapes that make up nearly every line: `f() {`, `f();`, `}`.
  c = codes[end - 1];
  if (c === OPEN_BRACE && end - 4 > b && codes[end - 2] === SPACE && codes[end - 3] === CLOSE_PAREN && codes[end - 4] === OPEN_PAREN) {
    if (!hasSpace(codes, b, end - 4)) return { kind: 'line', columns, body: { kind: 'entry', function: name(text, codes, b, end - 4, names) } };
  } else if (c === SEMICOLON && end - 3 > b && codes[end - 2] === CLOSE_PAREN && codes[end - 3] === OPEN_PAREN) {
    if (!hasSpace(codes, b, end - 3)) return { kind: 'line', columns, body: { kind: 'leaf', function: name(text, codes, b, end - 3, names) } };
  } else if (c === CLOSE_BRACE && end - b === 1) {
    return { kind: 'line', columns, body: EXIT_BODY };
  }
  const parsed = tokenizeBody(text.slice(b, end), names);
  if (!parsed) return BAD_BODY;
  return { kind: 'line', columns, body: parsed };
}

/** `==========>` (true) or `<==========` (false) at `i`, else null. */
function irqArrow(codes: CharCodes, i: number): boolean | null {
  const enter = codes[i] === EQUALS;
  for (let k = enter ? 0 : 1; k < (enter ? 10 : 11); k++) if (codes[i + k] !== EQUALS) return null;
  return codes[enter ? i + 10 : i] === (enter ? GREATER : LESS) ? enter : null;
}

function hasBar(codes: CharCodes, from: number, end: number): boolean {
  for (let i = from; i < end; i++) if (codes[i] === BAR) return true;
  return false;
}

function hasSpace(codes: CharCodes, from: number, end: number): boolean {
  for (let i = from; i < end; i++) if (codes[i] === SPACE) return true;
  return false;
}

/** `text[start, end)`: from the table when there is one, else a slice. */
function name(text: string, codes: CharCodes, start: number, end: number, names: GraphNames | null): string {
  return names === null ? text.slice(start, end) : names.functions.get(text, codes, start, end);
}

/** No column bar after the CPU: a context-switch line, or not function_graph at all. */
function switchOr(text: string, codes: CharCodes, start: number, end: number, fail: GraphToken | null, columns: GraphColumns, i: number, names: GraphNames | null): GraphToken {
  const sw = SWITCH.exec(text.slice(start, end));
  if (sw) return { kind: 'switch', cpu: sw[1] !== undefined ? Number(sw[1]) : null, from: sw[2]!, to: sw[3]! };
  if (fail) return fail;
  // funcgraph-duration off: the body follows the CPU or TIME column directly.
  const b = skipSpaces(codes, i);
  columns.depth = Math.max(0, (b - i - 2) >> 1);
  const parsed = tokenizeBody(text.slice(b, end).trimEnd(), names);
  return parsed ? { kind: 'line', columns, body: parsed } : BAD_BODY;
}

const ENTRY = /^(\S+?)(?: \[([\w-]+)\])?\(\) \{$/;
const LEAF = /^(\S+?)(?: \[([\w-]+)\])?\(\);(?:\s*\/\*\s*(?:ret\s*)?=\s*(.*?)\s*\*\/)?(?:\s*\(ret=(.*)\))?$/;
const EXIT = /^\}(?:\s*\/\*\s*(.*?)\s*\*\/)?(?:\s*\(ret=(.*)\))?$/;
const COMMENT = /^\/\*\s?(.*?)\s?\*\/$/;
const EVENT_TEXT = /^([a-z_][a-z0-9_:]*): ?(.*)$/;

function tableName(fn: string, names: GraphNames | null): string {
  return names === null ? fn : name(fn, charCodes(fn), 0, fn.length, names);
}

function tokenizeBody(body: string, names: GraphNames | null): GraphBody | undefined {
  let m = ENTRY.exec(body);
  if (m) {
    const entry: GraphBody = { kind: 'entry', function: tableName(m[1]!, names) };
    if (m[2] !== undefined) entry.module = m[2];
    return entry;
  }
  m = LEAF.exec(body);
  if (m) {
    const leaf: GraphBody = { kind: 'leaf', function: tableName(m[1]!, names) };
    if (m[2] !== undefined) leaf.module = m[2];
    const retval = m[3] ?? m[4];
    if (retval !== undefined) leaf.retval = retval;
    return leaf;
  }
  m = EXIT.exec(body);
  if (m) return exitBody(m[1], m[2]);
  m = COMMENT.exec(body);
  if (m) {
    const ev = EVENT_TEXT.exec(m[1]!);
    return ev ? { kind: 'comment', name: ev[1]!, args: ev[2]! } : { kind: 'comment', name: 'marker', args: m[1]! };
  }
  return undefined;
}

/** `}`, `} /* func *\/`, `} /* func [mod] *\/`, `} /* func = 0x0 *\/`, `} /* = 0x0 *\/`, `} (ret=0x0)`. */
function exitBody(comment: string | undefined, ret: string | undefined): GraphBody {
  const exit: GraphBody = { kind: 'exit' };
  if (comment !== undefined) {
    const m = /^(?:([^\s=]+?)(?: \[[\w-]+\])?)?\s*(?:(?:ret\s*)?=\s*(.*))?$/.exec(comment);
    if (m?.[1] !== undefined) exit.tail = m[1];
    if (m?.[2] !== undefined) exit.retval = m[2];
  }
  if (ret !== undefined) exit.retval = ret;
  return exit;
}
