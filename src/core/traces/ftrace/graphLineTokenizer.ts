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

const ABSTIME = /^\s*(\d+\.\d+)\s+\|/y;
const CPU = /\s*(\d+)\)/y;
const PROC = /\s+(\S[^|]*?-\d+)\s+\|/y;
const DURATION = /\s*(?:([+!#*@$])\s*)?(\d+(?:\.\d+)?) us\s+\|/y;
const IRQ_ARROW = /\s*(==========>|<==========)\s*\|/y;
const BLANK_DURATION = /\s*\|/y;
const SWITCH = /^\s*(?:\d+\.\d+\s+\|\s*)?(?:(\d+)\)\s+)?(\S.*?-\d+)\s+=>\s+(\S.*?-\d+)\s*$/;

const ENTRY = /^(\S+?)(?: \[([\w-]+)\])?\(\) \{$/;
const LEAF = /^(\S+?)(?: \[([\w-]+)\])?\(\);(?:\s*\/\*\s*(?:ret\s*)?=\s*(.*?)\s*\*\/)?(?:\s*\(ret=(.*)\))?$/;
const EXIT = /^\}(?:\s*\/\*\s*(.*?)\s*\*\/)?(?:\s*\(ret=(.*)\))?$/;
const COMMENT = /^\/\*\s?(.*?)\s?\*\/$/;
const EVENT_TEXT = /^([a-z_][a-z0-9_:]*): ?(.*)$/;

export function tokenizeGraphLine(text: string): GraphToken {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return { kind: 'comment' };
  if (/^-{10,}$/.test(trimmed)) return { kind: 'separator' };
  const sw = SWITCH.exec(text);
  if (sw) return { kind: 'switch', cpu: sw[1] !== undefined ? Number(sw[1]) : null, from: sw[2]!, to: sw[3]! };

  let at = 0;
  const take = (re: RegExp): RegExpExecArray | null => {
    re.lastIndex = at;
    const m = re.exec(text);
    if (m) at = re.lastIndex;
    return m;
  };
  const columns: GraphColumns = { timestamp: null, cpu: null, task: null, duration: null, overhead: null, depth: 0 };
  const abs = take(ABSTIME);
  if (abs) columns.timestamp = Number(abs[1]);
  const cpu = take(CPU);
  if (cpu) columns.cpu = Number(cpu[1]);
  const proc = take(PROC);
  if (proc) columns.task = proc[1]!;
  let irq: boolean | null = null;
  const dur = take(DURATION);
  if (dur) {
    columns.duration = Number(dur[2]);
    columns.overhead = dur[1] ?? null;
  } else {
    const arrow = take(IRQ_ARROW);
    if (arrow) irq = arrow[1] === '==========>';
    else if (!take(BLANK_DURATION) && !abs && !cpu && !proc) {
      return { kind: 'unparsed', reason: 'not a function_graph line (expected "CPU)  DURATION  |  body")' };
    }
  }
  const rest = text.slice(at);
  const body = rest.trimStart();
  // Two spaces separate the column bar from the body, then two per nesting level.
  columns.depth = Math.max(0, (rest.length - body.length - 2) >> 1);
  if (irq !== null) {
    if (body !== '') return { kind: 'unparsed', reason: 'text after an irq arrow' };
    return { kind: 'line', columns, body: { kind: 'irq', enter: irq } };
  }
  const parsed = tokenizeBody(body.trimEnd());
  if (!parsed) return { kind: 'unparsed', reason: 'function_graph body is not "func() {", "func();", "}" or "/* comment */"' };
  return { kind: 'line', columns, body: parsed };
}

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
