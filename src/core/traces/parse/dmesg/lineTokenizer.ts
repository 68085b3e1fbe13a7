// Stage 2 for kernel console logs: strip the printk prefix (`<4>`, `[  75.037355]`, `[T1234]` /
// `[C0]` caller id), then classify the message into one plain record. Only the lines that
// lockdep and the hung-task detector print are recognized; everything else is `text`, and the
// report interpreter decides whether that is a foreign console line or a garbled report line.

import type { Frame, ReportKind } from '../../../model/trace';
import type { TitleRule } from './reportTitle';

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
  | ReportHeader
  | { kind: 'frame'; frame: Frame }
  /** arm's `[<pc>] (fn) from [<lr>] (caller+0x../0x..)`: one line names a frame and its caller. */
  | { kind: 'armFrame'; frame: Frame; caller: Frame }
  /** `RIP: 0010:fn+0x../0x..`: where a WARNING fired. */
  | { kind: 'rip'; frame: Frame }
  | { kind: 'lock'; lock: LockLine }
  /** `-> #N (class){usage}-{x:y}:` or, in irq-inversion reports, `-> (class){usage} {`. */
  | { kind: 'dependency'; index: number | null; class: string }
  | { kind: 'heldBy'; task: string; count: number }
  /** `task/pid is trying to acquire lock:`, `... takes:` (inconsistent lock state). */
  | { kind: 'trying'; task: string }
  /** `task/pid is trying to release lock (class) at:` (bad unlock balance). */
  | { kind: 'releasing'; task: string; class: string }
  /** `task/pid is freeing memory a-b, with a lock still held there!` (held lock freed). */
  | { kind: 'freeing'; task: string }
  /** `task/pid is leaving the kernel with locks still held!`, `in_atomic(): 1, ... pid: P, name: C`, `CPU: 0 PID: P Comm: C`. */
  | { kind: 'taskInfo'; task: string }
  /** ` lock: name+0x0/0x40, .magic: dead4ead, ...` of a spinlock/rwlock debug report. */
  | { kind: 'subjectLock'; name: string }
  /** `file.c:123 message`: a report's own message (suspicious RCU usage). */
  | { kind: 'sourceMessage'; text: string }
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

export interface ReportHeader {
  kind: 'header';
  report: ReportKind;
  task: string | null;
  /** The title without its function: `possible deadlock`, `BUG: spinlock bad magic`. */
  title: string;
  rule: TitleRule;
  /**
   * A hung-task line cut inside the task name (a comm with a line break in it): the rest of
   * the name and "blocked for more than" follow on the next line.
   */
  partial?: true;
}

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
export function classifyHeader(s: string): ReportHeader | null {
  const c = s.charCodeAt(0);
  // W, B, I, [
  if (c !== 87 && c !== 66 && c !== 73 && c !== 91) return null;
  if (c === 91) {
    // Pre-4.12 lockdep brackets its headers: `[ INFO: possible recursive locking detected ]`.
    if (!s.startsWith('[ ')) return null;
    s = s.endsWith(' ]') ? s.slice(2, -2) : s.slice(2);
  }
  if (s.startsWith('INFO: task ')) return hungTaskHeader(s);
  if (!s.startsWith('WARNING: ') && !s.startsWith('BUG: ') && !s.startsWith('INFO: ')) return null;
  for (const h of HEADERS) {
    const m = h.match.exec(s);
    if (!m) continue;
    const task = h.task === undefined ? null : (m[h.task] ?? null);
    return { kind: 'header', report: h.kind, task, title: h.title.replace(/\$(\d)/g, (_, i: string) => m[Number(i)] ?? ''), rule: h.rule };
  }
  return null;
}

function hungTaskHeader(s: string): ReportHeader | null {
  const m = HUNG.exec(s);
  if (m) return { kind: 'header', report: 'hung-task', task: `${m[1]}/${m[2]}`, title: 'INFO: task hung', rule: 'hung-task' };
  // Cut inside the name: no " for more than " yet (and not another "INFO: task" message).
  if (s.includes(' for more than ')) return null;
  return { kind: 'header', report: 'hung-task', task: s.slice('INFO: task '.length), title: 'INFO: task hung', rule: 'hung-task', partial: true };
}

/** The rest of a hung-task header cut by `partial`: `name:PID blocked for more than N seconds.` */
export function hungTaskContinuation(s: string): { name: string; pid: string } | null {
  const m = HUNG_REST.exec(s);
  return m ? { name: m[1]!, pid: m[2]! } : null;
}

interface HeaderRule {
  match: RegExp;
  kind: ReportKind;
  /** `$N` is the match's group N. */
  title: string;
  rule: TitleRule;
  /** Group holding the task (comm/pid), when the header names it. */
  task?: number;
}

/** Lock-related report headers, lockdep's and the lock debug checks' (message after the prefix). */
const HEADERS: readonly HeaderRule[] = [
  { match: /^(?:WARNING|INFO): possible circular locking dependency detected/, kind: 'circular-locking', title: 'possible deadlock', rule: 'circular' },
  { match: /^(?:WARNING|INFO): possible recursive locking detected/, kind: 'recursive-locking', title: 'possible deadlock', rule: 'acquiring-at' },
  { match: /^(?:WARNING|INFO): inconsistent lock state/, kind: 'inconsistent-lock-state', title: 'inconsistent lock state', rule: 'call-trace' },
  // Since 4.12 syzbot names these after the stack where the safe lock became irq-safe.
  { match: /^WARNING: (?:HARDIRQ|SOFTIRQ)(?:-READ)?-safe -> (?:HARDIRQ|SOFTIRQ)(?:-READ)?-unsafe lock order detected/, kind: 'irq-inversion', title: 'possible deadlock', rule: 'irq-safe-unsafe' },
  { match: /^INFO: (?:HARDIRQ|SOFTIRQ)(?:-READ)?-safe -> (?:HARDIRQ|SOFTIRQ)(?:-READ)?-unsafe lock order detected/, kind: 'irq-inversion', title: 'possible deadlock', rule: 'acquiring-at' },
  { match: /^(?:WARNING|INFO): possible irq lock inversion dependency detected/, kind: 'irq-inversion', title: 'possible deadlock', rule: 'acquiring-at' },
  { match: /^(WARNING|BUG): bad unlock balance detected!/, kind: 'bad-unlock-balance', title: '$1: bad unlock balance', rule: 'bad-unlock' },
  { match: /^(WARNING|BUG): held lock freed!/, kind: 'held-lock-freed', title: '$1: held lock freed', rule: 'freed-at' },
  { match: /^(WARNING|BUG): (\S.*?\/\d+) still has locks held!/, kind: 'still-has-locks-held', title: '$1: still has locks held', rule: 'held-at', task: 2 },
  { match: /^(WARNING|BUG): lock held when returning to user space/, kind: 'lock-held-returning-to-user', title: '$1: lock held when returning to user space', rule: 'held-at' },
  { match: /^(WARNING|INFO): suspicious RCU usage/, kind: 'suspicious-rcu', title: '$1: suspicious RCU usage', rule: 'rcu' },
  // A WARN_ON inside lockdep (DEBUG_LOCKS_WARN_ON): the lock API was misused.
  { match: /^WARNING: .*kernel\/locking\/lockdep\.c.*lock_/, kind: 'locking-bug', title: 'WARNING: locking bug', rule: 'locking-bug' },
  { match: /^BUG: Invalid wait context/, kind: 'locking-bug', title: 'WARNING: locking bug', rule: 'locking-bug' },
  {
    match: /^BUG: (spinlock|rwlock) (lockup suspected|already unlocked|recursion|cpu recursion|bad magic|wrong owner|wrong CPU|trylock failure on UP)(?: on CPU#\d+, (\S+\/\d+))?/,
    kind: 'spinlock-bug', title: 'BUG: $1 $2', rule: 'spinlock', task: 3,
  },
  { match: /^BUG: sleeping function called from invalid context at /, kind: 'sleeping-in-atomic', title: 'BUG: sleeping function called from invalid context', rule: 'call-trace' },
];
const HUNG = /^INFO: task (.+):(\d+) blocked for more than \d+ seconds\.$/;
const HUNG_REST = /^(.*):(\d+) blocked for more than \d+ seconds\.$/;

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
  // The `task:` line split by a line break in the comm: both halves.
  /^task:/,
  /(?:^|\s)state:[A-Z]\s+stack:\s*\d+/,
  // Pre-4.14 sched_show_task: `comm  D ffff8800b901f990     0  6102   1942 0x00000004`.
  /^\S+\s+[DRSTZXIK]\s*(?:[0-9a-f]+\s+)?(?:\d+\s+){1,3}0x[0-9a-f]+(?:\s+\d+)?$/,
  // Raw stack words printed before old Call Traces, and arm's `Exception stack(...)` dump.
  /^(?:[0-9a-f]{16}\s*){1,8}$/,
  /^Exception stack\(0x[0-9a-f]+ to 0x[0-9a-f]+\)$/,
  /^[0-9a-f]{3,4}:(?:\s+[0-9a-f]{8})+$/,
  /^but there are no more locks to release!$/,
  /^Sending NMI to all CPUs:$/,
  // Pre-4.9 x86 raw stack dump heading; lockdep's mark for a cut list or stack.
  /^Stack:$/,
  /^\.\.\.$/,
  // Address-only frames (`0xffffffffffffffff` ends pre-4.14 stacks): nothing to name.
  /^0x[0-9a-f]+$/,
  // print_irq_inversion_bug's heading, printed in two pieces.
  /^the dependencies between the lock to be acquired$/,
  /^and (?:HARDIRQ|SOFTIRQ)(?:-READ)?-irq-unsafe lock:$/,
  /^preempt_count: [0-9a-f]+, expected: \d+$/,
  /^RCU nest depth: \d+, expected: \d+$/,
  /^rcu_scheduler_active = \d+, debug_locks = \d+$/,
  /^RCU used illegally from /,
  /^(?:\[<0+>\] )?0x0$/,
  /^context-\{\d+:\d+\}$/,
  /^DEBUG_LOCKS_WARN_ON\(.*\)$/,
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
  // x86 and most arches, arm64 (`Call trace:`), arm (`Backtrace:`): all are the task's stack.
  if (s === 'Call Trace:' || s === 'Call trace:' || s === 'Backtrace:') return { kind: 'stackLabel', label: 'Call Trace' };
  const frame = parseFrame(s);
  if (frame) return { kind: 'frame', frame };
  if (MARKER.test(s)) return { kind: 'marker' };
  if (s.startsWith('RIP: ')) {
    const rip = /^RIP: [0-9a-f]{4}:(.+)$/.exec(s);
    const at = rip ? parseFrame(rip[1]!) : undefined;
    return at ? { kind: 'rip', frame: at } : { kind: 'register' };
  }
  if (REGISTER.test(s)) return { kind: 'register' };
  if (s.startsWith('[<')) {
    const arm = armFrame(s);
    if (arm) return arm;
  }

  let m = /^-> (?:#(\d+) )?(\(.*)$/.exec(s);
  if (m) {
    const head = parseLockHead(m[2]!);
    // `-> #1 (class):`, irq inversion's `-> (class) {`, with lock statistics `-> (class) ops: 12 {`.
    if (head && /^(?::| (?:ops: \d+ )?\{)$/.test(head.rest)) {
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
  m = /^(\S.*?\/\d+)(?: \[.*\])? (?:is trying to acquire(?: lock)?|takes|just changed the state of lock|is trying to lock):$/.exec(s);
  if (m) return { kind: 'trying', task: m[1]! };
  m = /^(\S.*?\/\d+) is trying to release lock \((.*)\) at:$/.exec(s);
  if (m) return { kind: 'releasing', task: m[1]!, class: m[2]! };
  m = /^(\S.*?\/\d+) is freeing memory .*, with a lock still held there!$/.exec(s);
  if (m) return { kind: 'freeing', task: m[1]! };
  m =
    /^(\S.*?\/\d+) is leaving the kernel with locks still held!$/.exec(s) ??
    /^in_atomic\(\): \d+, irqs_disabled\(\): \d+(?:, non_block: \d+)?, pid: (\d+), name: (.+)$/.exec(s) ??
    /^CPU: \d+ (?:UID: \d+ )?PID: (\d+) Comm: (.+?) (?:Not tainted|Tainted:)/.exec(s);
  if (m) return { kind: 'taskInfo', task: m[2] === undefined ? m[1]! : `${m[2]}/${m[1]}` };
  m = /^lock: ([^,]+), \.magic: /.exec(s);
  if (m) return { kind: 'subjectLock', name: m[1]!.replace(/\+0x[0-9a-f]+\/0x[0-9a-f]+$/, '') };
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
  if (/^[\w./+-]+\.[ch]:\d+ \S/.test(s)) return { kind: 'sourceMessage', text: s };
  return { kind: 'text', text: s };
}

const ARM_FRAME = /^\[<[0-9a-f]+>\] \(([A-Za-z_][\w.]*)(\+0x[0-9a-f]+\/0x[0-9a-f]+)?\) from \[<[0-9a-f]+>\] \(([A-Za-z_][\w.]*)(\+0x[0-9a-f]+\/0x[0-9a-f]+)?\)$/;

function armFrame(s: string): DmesgBody | undefined {
  const m = ARM_FRAME.exec(s);
  if (!m) return undefined;
  const frame: Frame = { function: m[1]!, inline: false, unreliable: false, mapped: false };
  if (m[2] !== undefined) frame.offset = m[2];
  const caller: Frame = { function: m[3]!, inline: false, unreliable: false, mapped: false };
  if (m[4] !== undefined) caller.offset = m[4];
  return { kind: 'armFrame', frame, caller };
}
