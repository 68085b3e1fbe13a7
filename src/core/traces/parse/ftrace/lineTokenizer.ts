// Stage 2 for the `function` tracer and `trace-cmd report`: one line -> one plain record.
// Line shape: `TASK-PID [CPU] FLAGS TIMESTAMP: BODY`, where FLAGS is 4 or 5 characters (5 since
// the migrate-disable column), absent with `noirq-info`, and `(TGID)` may precede `[CPU]` with
// `record-tgid`. BODY is `func <-parent`, `<stack trace>`, or `event: args`. trace-cmd prints
// `function: func` (and `<-- parent`) and 0x-prefixed lock addresses.

import type { Frame, LockEvent } from '../../../model/trace';

export interface LineContext {
  task: string;
  cpu: number;
  flags: string | null;
  timestamp: number;
}

export type FtraceToken =
  /** `#` header and column lines, blank lines, `##### CPU n buffer started ####`. */
  | { kind: 'comment' }
  /** trace-cmd preamble: `cpus=8`, `version = 6`, `CPU 3 is empty`, `CPU:1 [LOST 12 EVENTS]`. */
  | { kind: 'meta'; text: string }
  | { kind: 'call'; ctx: LineContext; function: string; module?: string; parent: string | null }
  | { kind: 'stackStart'; ctx: LineContext; user: boolean }
  | { kind: 'stackFrame'; frame: Frame }
  | { kind: 'event'; ctx: LineContext; name: string; args: string }
  | { kind: 'unparsed'; reason: string };

const LINE =
  /^\s*(.*?)-(\d+)\s+(?:\(\s*(?:\d+|-+)\)\s+)?\[(\d{1,4})\]\s+(?:([.\w]{4,5})\s+)?(\d+\.\d+):\s+(.*)$/;
const CALL = /^([^\s<>:]+?)(?: \[([\w-]+)\])?(?:\s+<-+\s*(\S+?)(?: \[[\w-]+\])?)?$/;
const TRACE_CMD_FUNCTION = /^function:\s+(\S+?)(?: \[([\w-]+)\])?(?:\s+<-+\s*(\S+?)(?: \[[\w-]+\])?)?\s*$/;
const EVENT = /^([A-Za-z_][\w:]*?):\s+(.*)$/;
const EVENT_NO_ARGS = /^([A-Za-z_][\w:]*?):$/;
const SYSCALL_ENTER = /^(sys_\w+)\((.*)\)$/;
const SYSCALL_EXIT = /^(sys_\w+) -> (.*)$/;
const META = /^(?:cpus=\d+|version = \S+|CPU \d+ is empty|CPU:?\s*\d+ \[LOST \d+ EVENTS\]|CPU\d+ data recorded at offset=.*|\s*\[\d+ events? lost\])\s*$/;

export function tokenizeFtraceLine(text: string): FtraceToken {
  const trimmed = text.trimStart();
  if (trimmed === '' || trimmed.startsWith('#')) return { kind: 'comment' };
  if (trimmed.startsWith('=> ')) return { kind: 'stackFrame', frame: parseStackFrame(trimmed.slice(3).trim()) };
  if (META.test(trimmed)) return { kind: 'meta', text: trimmed };
  const m = LINE.exec(text);
  if (!m) return { kind: 'unparsed', reason: 'not a function-tracer line (expected "TASK-PID [CPU] FLAGS TIMESTAMP: body")' };
  const ctx: LineContext = { task: `${m[1]}-${m[2]}`, cpu: Number(m[3]), flags: m[4] ?? null, timestamp: Number(m[5]) };
  return tokenizeBody(ctx, m[6]!.trimEnd());
}

function tokenizeBody(ctx: LineContext, body: string): FtraceToken {
  if (body === '<stack trace>') return { kind: 'stackStart', ctx, user: false };
  if (body === '<user stack trace>') return { kind: 'stackStart', ctx, user: true };
  let m = TRACE_CMD_FUNCTION.exec(body);
  if (m) return call(ctx, m);
  m = EVENT.exec(body) ?? EVENT_NO_ARGS.exec(body);
  if (m) return { kind: 'event', ctx, name: m[1]!, args: (m[2] ?? '').trim() };
  m = SYSCALL_ENTER.exec(body);
  if (m) return { kind: 'event', ctx, name: m[1]!.replace(/^sys_/, 'sys_enter_'), args: m[2]! };
  m = SYSCALL_EXIT.exec(body);
  if (m) return { kind: 'event', ctx, name: m[1]!.replace(/^sys_/, 'sys_exit_'), args: m[2]! };
  m = CALL.exec(body);
  if (m) return call(ctx, m);
  return { kind: 'unparsed', reason: 'line body is neither "func <-parent", "<stack trace>" nor "event: args"' };
}

function call(ctx: LineContext, m: RegExpExecArray): FtraceToken {
  const token: FtraceToken = { kind: 'call', ctx, function: m[1]!, parent: m[3] ?? null };
  if (m[2] !== undefined) token.module = m[2];
  return token;
}

const FRAME = /^(\S+?)(?:\+(0x[0-9a-f]+\/0x[0-9a-f]+))?(?: \[([\w-]+)\])?$/;

/** ` => func`, ` => func+0x1a/0x40 [mod]`, ` => 0xffffffffc064e083`, ` => <00007f...>`. */
export function parseStackFrame(text: string): Frame {
  const m = FRAME.exec(text);
  const frame: Frame = { function: m ? m[1]! : text, inline: false, unreliable: false, mapped: false };
  if (m?.[2] !== undefined) frame.offset = `+${m[2]}`;
  if (m?.[3] !== undefined) frame.module = m[3];
  return frame;
}

const LOCK_ACQUIRE = /^(?:0x)?([0-9a-f]+) (try )?(read )?(.+)$/;
const LOCK_RELEASE = /^(?:0x)?([0-9a-f]+) (.+)$/;

/** Args of `lock_acquire` (`%p %s%s%s`: addr, "try ", "read ", class) and `lock_release`. */
export function parseLockEvent(name: string, args: string): LockEvent | undefined {
  const short = name.replace(/^lock:/, '');
  if (short === 'lock_acquire') {
    const m = LOCK_ACQUIRE.exec(args);
    if (!m) return undefined;
    return { op: 'acquire', address: m[1]!, class: m[4]!.trim(), read: m[3] !== undefined, try: m[2] !== undefined };
  }
  if (short === 'lock_release') {
    const m = LOCK_RELEASE.exec(args);
    if (!m) return undefined;
    return { op: 'release', address: m[1]!, class: m[2]!.trim(), read: false, try: false };
  }
  return undefined;
}
