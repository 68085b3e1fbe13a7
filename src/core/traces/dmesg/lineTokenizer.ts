// Stage 2 for kernel console logs: strip the printk prefix (`<4>`, `[  75.037355]`, `[T1234]` /
// `[C0]` caller id), then classify the message into one plain record. Only the lines that
// lockdep and the hung-task detector print are recognized; everything else is `text`, and the
// report interpreter decides whether that is a foreign console line or a garbled report line.

import type { Frame, ReportKind } from '../../model/trace';

export interface DmesgPrefix {
  timestamp: number | null;
  /** `T1234` (task) or `C0` (CPU) with CONFIG_PRINTK_CALLER. */
  caller: string | null;
}

export interface LockLine {
  /** `#N:` index in a held-locks list. */
  index: number | null;
  address: string | null;
  class: string;
  /** The `, at:` frame when printed on this line. */
  at: Frame | null;
  /** The line ends with `, at:` and the frame is on the next line (wrapped). */
  atNext: boolean;
}

export type DmesgBody =
  | { kind: 'blank' }
  | { kind: 'separator' }
  | { kind: 'header'; report: ReportKind; task: string | null }
  | { kind: 'frame'; frame: Frame }
  | { kind: 'lock'; lock: LockLine }
  /** `-> #N (class){usage}-{x:y}:` or, in irq-inversion reports, `-> (class){usage} {`. */
  | { kind: 'dependency'; index: number | null; class: string }
  | { kind: 'heldBy'; task: string; count: number }
  /** `task/pid is trying to acquire lock:`, `... takes:` (inconsistent lock state). */
  | { kind: 'trying'; task: string }
  | { kind: 'holdingIntro' }
  | { kind: 'stackLabel'; label: string }
  /** Names the stack printed under the next `Call Trace:` (NMI backtrace, panic). */
  | { kind: 'nextStackLabel'; label: string }
  | { kind: 'chainIntro' }
  | { kind: 'scenarioIntro' }
  | { kind: 'scenario'; text: string }
  | { kind: 'showAllLocks' }
  | { kind: 'register' }
  | { kind: 'marker' }
  | { kind: 'info' }
  | { kind: 'text'; text: string };

export interface DmesgToken {
  prefix: DmesgPrefix;
  body: DmesgBody;
}

const PREFIX = /^(?:<\d+>)?(?:\[\s*(\d+\.\d+)\])?(?:\[\s*([TC]\d+)\])?/;

export function tokenizeDmesgLine(text: string): DmesgToken {
  const { prefix, message } = splitPrefix(text);
  return { prefix, body: classifyMessage(message) };
}

/** The printk prefix and the trimmed message after it. */
export function splitPrefix(text: string): { prefix: DmesgPrefix; message: string } {
  const m = PREFIX.exec(text)!;
  const prefix: DmesgPrefix = { timestamp: m[1] !== undefined ? Number(m[1]) : null, caller: m[2] ?? null };
  return { prefix, message: text.slice(m[0].length).trim() };
}

/**
 * The report header a message starts, or null. Outside reports this is the only question, and
 * console logs are mostly other messages: a cheap test before the full classification.
 */
export function classifyHeader(s: string): DmesgBody | null {
  if (s.startsWith('WARNING: ') || s.startsWith('[ INFO: ')) {
    for (const [re, report] of HEADERS) if (re.test(s)) return { kind: 'header', report, task: null };
    return null;
  }
  if (!s.startsWith('INFO: task ')) return null;
  const hung = HUNG.exec(s);
  return hung ? { kind: 'header', report: 'hung-task', task: `${hung[1]}/${hung[2]}` } : null;
}

const HEADERS: readonly [RegExp, ReportKind][] = [
  [/^(?:WARNING|\[ INFO): possible circular locking dependency detected/, 'circular-locking'],
  [/^(?:WARNING|\[ INFO): possible recursive locking detected/, 'recursive-locking'],
  [/^(?:WARNING|\[ INFO): inconsistent lock state/, 'inconsistent-lock-state'],
  [/^(?:WARNING|\[ INFO): (?:HARDIRQ|SOFTIRQ)(?:-READ)?-safe -> (?:HARDIRQ|SOFTIRQ)(?:-READ)?-unsafe lock order detected/, 'irq-inversion'],
  [/^(?:WARNING|\[ INFO): possible irq lock inversion dependency detected/, 'irq-inversion'],
];
const HUNG = /^INFO: task (.+):(\d+) blocked for more than \d+ seconds\.$/;

// `[<addr>] ` (pre-4.16 stacks), `? ` (unreliable), name, `+0xoff/0xsize`, ` [module]`,
// ` file.c:123` and ` [inline]` (syzbot's symbolizer). A frame needs an offset or a file:line,
// so that a plain word never reads as a frame.
const FRAME =
  /^(\? )?(?:\[<([0-9a-f]+)>\] )?(\? )?([A-Za-z_][\w.]*)(\+0x[0-9a-f]+\/0x[0-9a-f]+)?(?: \[([\w-]+)\])?(?: ((?:[\w.+-]+\/)*[\w.+-]+\.[chS]):(-?\d+))?( \[inline\])?(?: \[([\w-]+)\])?$/;

export function parseFrame(text: string): Frame | undefined {
  const m = FRAME.exec(text);
  if (!m || (m[5] === undefined && m[7] === undefined)) return undefined;
  const frame: Frame = {
    function: m[4]!,
    inline: m[9] !== undefined,
    unreliable: m[1] !== undefined || m[3] !== undefined,
    mapped: false,
  };
  if (m[5] !== undefined) frame.offset = m[5];
  const module = m[6] ?? m[10];
  if (module !== undefined) frame.module = module;
  if (m[7] !== undefined) {
    frame.file = m[7];
    // The symbolizer prints `:-1` when it knows the file but not the line.
    const line = Number(m[8]);
    if (line > 0) frame.line = line;
  }
  return frame;
}

/** Finds the `)` that closes the `(` at `open`; classes nest parens: `((wq_completion)"events")`. */
function closeParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 40) depth++;
    else if (c === 41 && --depth === 0) return i;
  }
  return -1;
}

const LOCK_HEAD = /^(?:#(\d+):\s+)?(?:([0-9a-f]{8,16})\s+)?\(/;
const LOCK_TAIL = /^(?:\{[^}]*\})?(?:-\{\d+:\d+\})?(.*)$/;

/** `[#N: ][addr ](class){usage}-{x:y}[, at: frame]` -> the lock line, with what follows it. */
function parseLockHead(s: string): { index: number | null; address: string | null; class: string; rest: string } | undefined {
  const m = LOCK_HEAD.exec(s);
  if (!m) return undefined;
  const open = m[0].length - 1;
  const close = closeParen(s, open);
  if (close < 0) return undefined;
  const tail = LOCK_TAIL.exec(s.slice(close + 1))!;
  return {
    index: m[1] !== undefined ? Number(m[1]) : null,
    address: m[2] ?? null,
    class: s.slice(open + 1, close),
    rest: tail[1]!,
  };
}

const INFO: readonly RegExp[] = [
  /(?:^|\s)(?:Not tainted|Tainted:)/,
  /^which lock already depends on the new lock\.$/,
  /^the existing dependency chain \(in reverse order\) is:$/,
  /^other info that might help us debug this:$/,
  /^May be due to missing lock nesting notation$/,
  /^\*\*\* DEADLOCK \*\*\*$/,
  /^stack backtrace:$/,
  /^CPU: \d+ /,
  /^Hardware name: /,
  /^Workqueue: /,
  /^Modules linked in:/,
  /^task:\S.*\s+state:\w/,
  /^"echo 0 > \/proc\/sys\/kernel\/hung_task_timeout_secs" disables this message\.$/,
  /^\S+\s+[DRSTZXI]\s*\d+\s+\d+\s+\d+ 0x[0-9a-f]+$/,
  /^irq event stamp: \d+$/,
  /^(?:hard|soft)irqs last\s+(?:en|dis)abled at \(\d+\):/,
  /^inconsistent \{.*\} -> \{.*\} usage\.$/,
  /^\.\.\. key\s+at: /,
  /^which would create a new lock dependency:$/,
  /^but this new dependency connects a .* lock:$/,
  /^to a .* lock:$/,
  /^the dependencies between .*:$/,
  /^the shortest dependencies between .*:$/,
  /^\}$/,
  /^\(.*\)(?:\{[^}]*\})?(?:-\{\d+:\d+\})? -> \(.*\)(?:\{[^}]*\})?(?:-\{\d+:\d+\})?$/,
  // A lock class alone, as irq-inversion reports name the two locks they connect.
  /^\(.*\)(?:\{[^}]*\})?(?:-\{\d+:\d+\})?$/,
  /^Sending NMI from CPU \d+ to CPUs/,
  /^NMI backtrace for cpu \d+ skipped/,
  /^Dumping ftrace buffer:$/,
  /^\(ftrace buffer empty\)$/,
  /^Kernel Offset: /,
  /^Rebooting in \d+ seconds/,
  /^---\[ end /,
  /^INFO: lockdep is turned off\.$/,
  /^turning off the locking correctness validator\.$/,
  /^\*\*\* WARNING: .* \*\*\*$/,
];

const REGISTER = /^(?:RIP|RSP|RAX|RBX|RCX|RDX|RSI|RDI|RBP|R\d{1,2}|FS|GS|CS|DS|ES|CR\d|DR\d|Code|PKRU|EFLAGS|ORIG_RAX|pc|lr|sp|x\d+):/;
const MARKER = /^<\/?(?:TASK|IRQ|NMI|SOFTIRQ|EOI|#DF|MCE|DB|VE)>$/;
const SCENARIO = /^(?:CPU0(?:\s+CPU1)?|-{4}(?:\s+-{4})?|r?lock\(.*\);|<Interrupt>|local_irq_disable\(\);|local_bh_disable\(\);|wlock\(.*\);)$/;

/** Classifies one message (prefix removed, trimmed). */
export function classifyMessage(s: string): DmesgBody {
  if (s === '') return { kind: 'blank' };
  if (/^(?:={8,}|-{8,})$/.test(s)) return { kind: 'separator' };
  const header = classifyHeader(s);
  if (header) return header;
  if (s === 'Call Trace:') return { kind: 'stackLabel', label: 'Call Trace' };
  const frame = parseFrame(s);
  if (frame) return { kind: 'frame', frame };
  if (MARKER.test(s)) return { kind: 'marker' };
  if (REGISTER.test(s)) return { kind: 'register' };

  let m = /^-> (?:#(\d+) )?(\(.*)$/.exec(s);
  if (m) {
    const head = parseLockHead(m[2]!);
    if (head && /^(?::| \{)$/.test(head.rest)) {
      return { kind: 'dependency', index: m[1] !== undefined ? Number(m[1]) : null, class: head.class };
    }
  }
  const head = parseLockHead(s);
  if (head) {
    const at = /^, at: (.+)$/.exec(head.rest);
    if (at || head.rest === ', at:' || (head.rest === '' && (head.address !== null || head.index !== null))) {
      const frameAt = at ? (parseFrame(at[1]!.trim()) ?? null) : null;
      if (!at || frameAt) {
        return {
          kind: 'lock',
          lock: { index: head.index, address: head.address, class: head.class, at: frameAt, atNext: head.rest === ', at:' },
        };
      }
    }
  }
  m = /^(\d+|no) locks? held by (.+):$/.exec(s) ?? /^(no) locks held by (.+)\.$/.exec(s);
  if (m) return { kind: 'heldBy', task: m[2]!, count: m[1] === 'no' ? 0 : Number(m[1]) };
  m = /^(\S.*?\/\d+)(?: \[.*\])? (?:is trying to acquire(?: lock)?|takes):$/.exec(s);
  if (m) return { kind: 'trying', task: m[1]! };
  if (/^(?:but task is already holding lock|and this task is already holding):$/.test(s)) return { kind: 'holdingIntro' };
  if (s === 'Chain exists of:') return { kind: 'chainIntro' };
  if (/^Possible (?:interrupt )?unsafe locking scenario(?: by crosslock)?:$/.test(s)) return { kind: 'scenarioIntro' };
  // The table's columns are padded with runs of spaces: fold them before matching.
  if (SCENARIO.test(s.replace(/\s{2,}/g, ' '))) {
    return { kind: 'scenario', text: s };
  }
  if (s === 'Showing all locks held in the system:') return { kind: 'showAllLocks' };
  m = /^(NMI backtrace for cpu \d+)$/.exec(s) ?? /^(Kernel panic - not syncing): /.exec(s);
  if (m) return { kind: 'nextStackLabel', label: m[1]! };
  if (s.endsWith(' at:') && !s.includes('(')) return { kind: 'stackLabel', label: s.slice(0, -1).trim() };
  if (/^\{[\w-]+\} state was registered at:$/.test(s)) return { kind: 'stackLabel', label: s.slice(0, -1) };
  for (const re of INFO) if (re.test(s)) return { kind: 'info' };
  return { kind: 'text', text: s };
}
