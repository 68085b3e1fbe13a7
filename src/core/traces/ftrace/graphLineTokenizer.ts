// Stage 2 for the `function_graph` tracer: one line -> one plain record.
// Columns, each optional by trace option: `TIME |` (funcgraph-abstime), `CPU)` (funcgraph-cpu),
// `TASK-PID |` (funcgraph-proc), `DURATION |` (funcgraph-duration, with an overhead marker
// + ! # * @ $ and the irq arrows in the same column), then the body indented two spaces per depth.

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

// Column prefix: `TIME |`, `CPU)`, `TASK-PID |`, each optional, in one sticky regex; then the
// duration column in another. This runs once per line of gigabyte traces: two regexes with
// captures measured faster than a charCodeAt scanner or one `test()` per column (see
// bench/traceThroughput.mjs).
const PREFIX = /^ *(?:(\d+\.\d+) +\| *)?(?:(\d+)\))?(?: *([^ |][^|]*-\d+) +\|)?/y;
const DURATION = / *(?:([+!#*@$]) *)?(\d+(?:\.\d+)?) us +\|| *(==========>|<==========) *\|| *\|/y;
const SPACES = / */y;
const SEPARATOR = /^ *-{10,} *$/;

const EXIT_BODY: GraphBody = { kind: 'exit' };

/**
 * `digits[.digits]` as a number, as Number() reads it but about twice as fast: the digits form
 * one integer (exact below 2^53) divided once by a power of ten, so rounding happens once.
 */
function parseDecimal(s: string): number {
  let v = 0;
  let scale = 1;
  let frac = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) frac = true;
    else {
      v = v * 10 + (c - 48);
      if (frac) scale *= 10;
    }
  }
  return v / scale;
}

/**
 * One function_graph line. `prevTask` is the previous line's task: when the proc column repeats
 * it, that string is reused, which saves the interpreter a hash of a fresh string per line.
 */
export function tokenizeGraphLine(text: string, prevTask: string | null = null): GraphToken {
  PREFIX.lastIndex = 0;
  const m = PREFIX.exec(text)!;
  let i = PREFIX.lastIndex;
  const seen = m[1] !== undefined || m[2] !== undefined || m[3] !== undefined;
  if (i === text.length) return seen ? NOT_GRAPH : COMMENT_TOKEN;
  if (!seen) {
    const first = text.charCodeAt(i);
    if (first === 35) return COMMENT_TOKEN; // '#'
    if (first === 45 && SEPARATOR.test(text)) return SEPARATOR_TOKEN;
  }
  const columns: GraphColumns = {
    timestamp: m[1] !== undefined ? parseDecimal(m[1]) : null,
    cpu: m[2] !== undefined ? parseDecimal(m[2]) : null,
    task: m[3] === undefined ? null : m[3] === prevTask ? prevTask : m[3],
    duration: null,
    overhead: null,
    depth: 0,
  };
  DURATION.lastIndex = i;
  const d = DURATION.exec(text);
  let irq: boolean | null = null;
  if (d) {
    i = DURATION.lastIndex;
    if (d[2] !== undefined) {
      columns.duration = parseDecimal(d[2]);
      columns.overhead = d[1] ?? null;
    } else if (d[3] !== undefined) {
      irq = d[3] === '==========>';
    }
  } else if (text.indexOf('|', i) < 0) {
    return switchOr(text, seen ? null : NOT_GRAPH, columns, i);
  } else {
    return seen ? BAD_DURATION : NOT_GRAPH;
  }
  SPACES.lastIndex = i;
  SPACES.test(text);
  const b = SPACES.lastIndex;
  // Two spaces separate the column bar from the body, then two per nesting level.
  columns.depth = Math.max(0, (b - i - 2) >> 1);
  let end = text.length;
  while (end > b && text.charCodeAt(end - 1) === 32) end--;
  if (irq !== null) {
    if (end > b) return { kind: 'unparsed', reason: 'text after an irq arrow' };
    return { kind: 'line', columns, body: { kind: 'irq', enter: irq } };
  }
  // Fast paths for the shapes that make up nearly every line: `f() {`, `f();`, `}`.
  const last = text.charCodeAt(end - 1);
  if (last === 123 && text.startsWith('() {', end - 4) && end - 4 > b) {
    const fn = text.slice(b, end - 4);
    if (!fn.includes(' ')) return { kind: 'line', columns, body: { kind: 'entry', function: fn } };
  } else if (last === 59 && text.startsWith('();', end - 3) && end - 3 > b) {
    const fn = text.slice(b, end - 3);
    if (!fn.includes(' ')) return { kind: 'line', columns, body: { kind: 'leaf', function: fn } };
  } else if (last === 125 && end - b === 1) {
    return { kind: 'line', columns, body: EXIT_BODY };
  }
  const parsed = tokenizeBody(text.slice(b, end));
  if (!parsed) return BAD_BODY;
  return { kind: 'line', columns, body: parsed };
}

/** No column bar after the CPU: a context-switch line, or not function_graph at all. */
function switchOr(text: string, fail: GraphToken | null, columns: GraphColumns, i: number): GraphToken {
  const sw = SWITCH.exec(text);
  if (sw) return { kind: 'switch', cpu: sw[1] !== undefined ? Number(sw[1]) : null, from: sw[2]!, to: sw[3]! };
  if (fail) return fail;
  // funcgraph-duration off: the body follows the CPU or TIME column directly.
  SPACES.lastIndex = i;
  SPACES.test(text);
  const b = SPACES.lastIndex;
  columns.depth = Math.max(0, (b - i - 2) >> 1);
  const parsed = tokenizeBody(text.slice(b).trimEnd());
  return parsed ? { kind: 'line', columns, body: parsed } : BAD_BODY;
}

const ENTRY = /^(\S+?)(?: \[([\w-]+)\])?\(\) \{$/;
const LEAF = /^(\S+?)(?: \[([\w-]+)\])?\(\);(?:\s*\/\*\s*(?:ret\s*)?=\s*(.*?)\s*\*\/)?(?:\s*\(ret=(.*)\))?$/;
const EXIT = /^\}(?:\s*\/\*\s*(.*?)\s*\*\/)?(?:\s*\(ret=(.*)\))?$/;
const COMMENT = /^\/\*\s?(.*?)\s?\*\/$/;
const EVENT_TEXT = /^([a-z_][a-z0-9_:]*): ?(.*)$/;

function tokenizeBody(body: string): GraphBody | undefined {
  let m = ENTRY.exec(body);
  if (m) {
    const entry: GraphBody = { kind: 'entry', function: m[1]! };
    if (m[2] !== undefined) entry.module = m[2];
    return entry;
  }
  m = LEAF.exec(body);
  if (m) {
    const leaf: GraphBody = { kind: 'leaf', function: m[1]! };
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
