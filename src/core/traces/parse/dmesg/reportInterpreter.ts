// Stage 3 for kernel console logs: assemble lockdep and hung-task reports from tokenized lines.
// Reports are keyed by printk caller id so that lines another task or CPU printed in between
// (`[T1234]` vs `[C1]`) do not end up inside them. A line a report cannot place is an Unparsed
// record saying what the report expected there; the report goes on. Console lines outside any
// report are other kernel messages and are skipped (they are not ours to interpret).

import type { Frame, LockRef, Report, Stack } from '../../../model/trace';
import type { DmesgBody, LockLine, ReportHeader } from './lineTokenizer';
import { classifyHeader, classifyMessage, hungTaskContinuation, splitPrefix } from './lineTokenizer';
import type { TraceCollector } from '../traceCollector';
import { freezeLevel } from '../freezeEvidence';
import { acquiredAt } from './lockdepReport';
import { RELEASED_AT, reportTitle, type TitleEvidence } from './reportTitle';
import { ownString } from '../ownString';

type Section = 'head' | 'trying' | 'holding' | 'deps' | 'chain' | 'scenario' | 'held' | 'allLocks' | 'freed' | 'released' | 'trace';

interface Builder {
  report: Report;
  section: Section;
  stack: Stack | null;
  lastLock: LockRef | null;
  /** A lock line that ended with `, at:`: the next frame line is its `at`. */
  atNext: LockRef | null;
  holder: string | null;
  nextLabel: string | null;
  /** Index of the last held-list entry, to merge the repeated `#N:` lines of inlined `at:` frames. */
  lastIndex: number | null;
  lastLockLine: number;
  /** Each `-> #N` lock with the stack printed under it, to name where it was acquired. */
  dependencies: [LockRef, Stack][];
  /** What the title is chosen from (see reportTitle.ts); it dies with the builder, so its frames may be slices of the line. */
  evidence: Omit<TitleEvidence, 'starts' | 'frameLines'> & { starts: Set<Stack>; frameLines: Map<Stack, number[]> };
  /** The task name of a hung-task header cut by a line break, until its continuation line. */
  partialTask: string | null;
  /** Console lines of other tasks seen in a row inside the current stack (see `foreign`). */
  foreign: number;
  /** Last line of the header (syzbot's symbolizer prints a WARNING line once per inlined frame). */
  headerEnd: number;
}

const EXPECTED: Record<Section, string> = {
  head: 'the task line ("... is trying to acquire lock:") or a stack heading',
  trying: 'the lock being acquired "(class){usage}, at: func"',
  holding: 'the lock already held "(class){usage}, at: func"',
  deps: 'a stack frame or the next "-> #N (class):" block',
  chain: 'the chain "a --> b --> c"',
  scenario: 'a scenario table line ("lock(class);")',
  held: 'a held lock "#N: addr (class){usage}, at: func"',
  allLocks: 'a "N locks held by task/pid:" line or a held lock',
  freed: 'a lock in the freed memory "addr (class){usage}, at: func"',
  released: 'the frame that released the lock "[<addr>] func+0x../0x.."',
  trace: 'a stack frame',
};

/**
 * Lines without a printk caller id that may interleave one stack (another CPU's messages on the
 * same console) before the stack is taken as finished.
 */
const MAX_FOREIGN_LINES = 4;

/** Kinds that print no stack: no "Call Trace:" is not a sign of truncation for them. */
const STACKLESS: ReadonlySet<Report['kind']> = new Set(['lock-held-returning-to-user']);

export class DmesgInterpreter {
  private readonly active = new Map<string, Builder>();
  private lastKey: string | null = null;
  private readonly reports: Report[] = [];
  private lastLine = 0;

  constructor(private readonly out: TraceCollector) {}

  line(lineNo: number, text: string): void {
    this.lastLine = lineNo;
    const { prefix, message } = splitPrefix(text);
    // Continuation lines (printk KERN_CONT, wrapped lines) carry no prefix: they belong to the
    // report printed last.
    const key = prefix.caller ?? (prefix.timestamp === null && this.lastKey !== null ? this.lastKey : '');
    const open = this.active.get(key);
    if (open && repeatsHeader(open, message, lineNo)) {
      open.headerEnd = lineNo;
      open.report.endLine = lineNo;
      return;
    }
    const header = classifyHeader(message);
    if (header) {
      this.close(key, lineNo - 1);
      this.active.set(key, this.start(lineNo, header, message));
      this.lastKey = key;
      return;
    }
    const b = this.active.get(key);
    if (!b) return;
    this.lastKey = key;
    if (b.partialTask !== null) {
      this.continueHeader(key, b, lineNo, message, text);
      return;
    }
    const body = classifyMessage(message);
    if (!this.apply(b, lineNo, body, text)) {
      // The report is over: this line is the console's again.
      this.close(key, lineNo - 1);
    }
  }

  /** In the order they start in the input (interleaved reports close out of order). */
  finish(): Report[] {
    for (const key of [...this.active.keys()]) this.close(key, this.lastLine);
    this.reports.sort((a, b) => a.line - b.line);
    shareHeldLists(this.reports);
    for (const r of this.reports) this.out.freeze.fromReport(r);
    return this.reports;
  }

  private start(lineNo: number, header: ReportHeader, message: string): Builder {
    const report: Report = {
      kind: header.report, title: '', task: header.partial || header.task === null ? null : ownString(header.task), guiltyFrame: null,
      line: lineNo, endLine: lineNo, locks: [], stacks: [],
    };
    const evidence = {
      header: ownString(message), title: header.title, rule: header.rule, at: [], rip: [], starts: new Set<Stack>(), frameLines: new Map<Stack, number[]>(),
    };
    return {
      report, section: 'head', stack: null, lastLock: null, atNext: null, holder: null, nextLabel: null, lastIndex: null, lastLockLine: 0,
      dependencies: [], evidence, partialTask: header.partial ? ownString(header.task ?? '') : null, foreign: 0, headerEnd: lineNo,
    };
  }

  /** The line after a hung-task header cut inside the task name must finish the header. */
  private continueHeader(key: string, b: Builder, lineNo: number, message: string, text: string): void {
    const rest = hungTaskContinuation(message);
    if (rest === null) {
      this.active.delete(key);
      this.out.fail(b.report.line, 'line starts like a hung-task header ("INFO: task NAME") but the next line does not finish it with ":PID blocked for more than N seconds."', text);
      return;
    }
    // The comm held a line break: keep it visible, on one line.
    b.report.task = ownString(`${b.partialTask}\\n${rest.name}/${rest.pid}`);
    b.evidence.header = ownString(`${b.evidence.header}\\n${message}`);
    b.partialTask = null;
    b.report.endLine = lineNo;
  }

  /** Returns false when the line ends the report. */
  private apply(b: Builder, lineNo: number, body: DmesgBody, text: string): boolean {
    const r = b.report;
    if (b.foreign > 0) {
      // Other CPUs' lines came inside a stack: a frame means the stack goes on, anything else
      // that the stack ended before them.
      if (body.kind === 'text') return ++b.foreign <= MAX_FOREIGN_LINES;
      if (body.kind !== 'frame' && body.kind !== 'armFrame' && body.kind !== 'marker') return false;
      b.foreign = 0;
    }
    if (body.kind !== 'frame') b.atNext = null;
    switch (body.kind) {
      case 'blank':
        b.stack = null;
        break;
      case 'separator':
        if (b.section === 'allLocks') b.section = 'trace';
        b.stack = null;
        break;
      case 'frame':
        if (b.atNext) {
          b.atNext.at = ownString(body.frame.function);
          b.evidence.at.push({ role: b.atNext.role, frame: body.frame, line: lineNo });
          b.atNext = null;
        } else if (b.stack) this.push(b, body.frame, lineNo);
        else this.out.fail(lineNo, `stack frame outside any stack in ${r.kind} report (expected a "Call Trace:" or "... at:" heading first)`, text);
        break;
      case 'armFrame':
        if (!b.stack) {
          this.out.fail(lineNo, `stack frame outside any stack in ${r.kind} report (expected a "Backtrace:" heading first)`, text);
          break;
        }
        // Each line names a frame and its caller; the caller is the next line's frame.
        if (b.stack.frames.at(-1)?.function !== body.frame.function) this.push(b, body.frame, lineNo);
        this.push(b, body.caller, lineNo);
        break;
      case 'rip':
        b.evidence.rip.push({ frame: body.frame, line: lineNo });
        break;
      case 'lock':
        this.lock(b, lineNo, body.lock);
        break;
      case 'dependency': {
        b.section = 'deps';
        const label = body.index !== null ? `-> #${body.index}` : `-> (${body.class})`;
        const dep: LockRef = { class: ownString(body.class), freeze: freezeLevel(body.class), at: null, role: 'dependency', line: lineNo };
        r.locks.push(dep);
        b.stack = this.stack(b, label, lineNo);
        b.dependencies.push([dep, b.stack]);
        break;
      }
      case 'heldBy':
        if (b.section !== 'allLocks') b.section = 'held';
        b.holder = ownString(body.task);
        b.stack = null;
        b.lastIndex = null;
        break;
      case 'trying':
        r.task ??= ownString(body.task);
        b.section = 'trying';
        b.stack = null;
        break;
      case 'releasing': {
        r.task ??= ownString(body.task);
        r.locks.push({ class: ownString(body.class), freeze: freezeLevel(body.class), at: null, role: 'releasing', line: lineNo });
        b.section = 'released';
        b.stack = this.stack(b, RELEASED_AT, lineNo);
        break;
      }
      case 'freeing':
        r.task ??= ownString(body.task);
        b.section = 'freed';
        b.stack = null;
        break;
      case 'taskInfo':
        r.task ??= ownString(body.task);
        break;
      case 'subjectLock':
        r.locks.push({ class: ownString(body.name), freeze: freezeLevel(body.name), at: null, role: 'subject', line: lineNo });
        break;
      case 'holdingIntro':
        b.section = 'holding';
        b.stack = null;
        break;
      case 'stackLabel':
        b.stack = this.stack(b, body.label === 'Call Trace' ? (b.nextLabel ?? 'Call Trace') : body.label, lineNo);
        if (body.label === 'Call Trace') {
          b.evidence.starts.add(b.stack);
          b.nextLabel = null;
          if (b.section !== 'allLocks') b.section = 'trace';
        }
        break;
      case 'nextStackLabel':
        b.nextLabel = ownString(body.label);
        b.stack = null;
        break;
      case 'chainIntro':
        b.section = 'chain';
        break;
      case 'scenarioIntro':
        b.section = 'scenario';
        r.scenario = [];
        break;
      case 'scenario':
        if (r.scenario) r.scenario.push(ownString(body.text));
        else this.out.fail(lineNo, `scenario table line outside the "Possible unsafe locking scenario" table`, text);
        break;
      case 'showAllLocks':
        b.section = 'allLocks';
        b.stack = null;
        break;
      case 'register':
      case 'marker':
      case 'info':
        break;
      case 'header':
        return false;
      case 'sourceMessage':
        if (r.kind === 'suspicious-rcu' && r.detail === undefined) {
          r.detail = ownString(body.text);
          break;
        }
        return this.text(b, lineNo, body.text, text);
      case 'text':
        return this.text(b, lineNo, body.text, text);
    }
    r.endLine = lineNo;
    return true;
  }

  /** A line no rule knows: part of the report (the chain), another task's line, or garbled. */
  private text(b: Builder, lineNo: number, message: string, text: string): boolean {
    const r = b.report;
    if (b.section === 'chain' && message.includes('-->')) {
      r.chain = message.split('-->').map((s) => ownString(s.trim()));
      r.endLine = lineNo;
      return true;
    }
    // A report that prints no stack is over after its held locks.
    if (b.section === 'held' && STACKLESS.has(r.kind) && r.locks.length > 0) return false;
    if (b.section === 'trace' && hasTrace(r)) {
      // Inside a stack it may be another CPU's line; after one, the next console message.
      if (b.stack === null || b.stack.frames.length === 0) return false;
      b.foreign = 1;
      return true;
    }
    this.out.fail(lineNo, `unexpected line in ${r.kind} report started at line ${r.line} (expected ${EXPECTED[b.section]})`, text);
    r.endLine = lineNo;
    return true;
  }

  private push(b: Builder, frame: Frame, lineNo: number): void {
    const stack = b.stack!;
    stack.frames.push(ownFrame(frame));
    let lines = b.evidence.frameLines.get(stack);
    if (lines === undefined) b.evidence.frameLines.set(stack, (lines = []));
    lines.push(lineNo);
  }

  private stack(b: Builder, label: string, lineNo: number): Stack {
    const s: Stack = { label: ownString(label), frames: [], line: lineNo };
    b.report.stacks.push(s);
    return s;
  }

  private lock(b: Builder, lineNo: number, l: LockLine): void {
    const r = b.report;
    b.stack = null;
    const at = l.at ? ownString(l.at.function) : null;
    const prev = b.lastLock;
    // Lockdep prints one line per inlined `at:` frame of the same lock; the last is the caller.
    const same =
      prev !== null &&
      prev.class === l.class &&
      b.lastLockLine === r.endLine &&
      (l.index === null ? b.lastIndex === null : b.lastIndex === l.index);
    b.lastLockLine = lineNo;
    if (same) {
      if (at !== null) prev.at = at;
      if (l.at) b.evidence.at.push({ role: prev.role, frame: l.at, line: lineNo });
      if (l.atNext) b.atNext = prev;
      return;
    }
    let role: LockRef['role'];
    if (l.index !== null || b.section === 'held' || b.section === 'allLocks') role = 'held';
    else if (b.section === 'trying') role = 'acquiring';
    else if (b.section === 'holding') role = 'holding';
    else if (b.section === 'freed') role = 'freed';
    else {
      this.out.fail(lineNo, `lock line in ${r.kind} report where none was expected (expected ${EXPECTED[b.section]})`, `(${l.class})`);
      return;
    }
    const ref: LockRef = { class: ownString(l.class), freeze: freezeLevel(l.class), at, role, line: lineNo };
    if (role === 'held' && b.holder !== null) ref.holder = b.holder;
    if (role === 'holding' && r.task !== null) ref.holder = r.task;
    r.locks.push(ref);
    if (l.at) b.evidence.at.push({ role, frame: l.at, line: lineNo });
    b.lastLock = ref;
    b.lastIndex = l.index;
    if (l.atNext) b.atNext = ref;
  }

  private close(key: string, endLine: number): void {
    const b = this.active.get(key);
    if (!b) return;
    this.active.delete(key);
    const r = b.report;
    if (b.partialTask !== null) {
      this.out.fail(r.line, 'line starts like a hung-task header ("INFO: task NAME") but the log ends before ":PID blocked for more than N seconds."', '');
      return;
    }
    r.endLine = Math.max(r.line, Math.min(r.endLine, endLine));
    for (const [dep, stack] of b.dependencies) dep.at = acquiredAt(stack.frames);
    const named = reportTitle(r, b.evidence);
    r.title = ownString(named.title);
    r.guiltyFrame = named.guiltyFrame;
    if (!hasTrace(r) && !STACKLESS.has(r.kind)) {
      this.out.fail(r.endLine, `${r.kind} report started at line ${r.line} ended before its "Call Trace:" stack (truncated?)`, '');
    }
    for (const s of r.stacks) this.out.edges.addStack(s.frames);
    if (this.out.keepReport()) this.reports.push(r);
    else this.out.freeze.fromReport(r);
  }
}

/** `WARNING: CPU: 0 PID: 1 at file.c:232 fn ...` again, right after the header: the next inlined frame of the same line. */
function repeatsHeader(b: Builder, message: string, lineNo: number): boolean {
  if (b.headerEnd !== lineNo - 1 || b.report.endLine !== b.headerEnd) return false;
  const header = b.evidence.header;
  const cut = header.indexOf(' at ');
  return cut > 0 && message.startsWith(header.slice(0, cut + 4));
}

function ownFrame(f: Frame): Frame {
  f.function = ownString(f.function);
  if (f.file !== undefined) f.file = ownString(f.file);
  if (f.module !== undefined) f.module = ownString(f.module);
  if (f.offset !== undefined) f.offset = ownString(f.offset);
  return f;
}

function hasTrace(r: Report): boolean {
  return r.stacks.some((s) => s.label === 'Call Trace' && s.frames.length > 0);
}

/**
 * khungtaskd prints several "blocked" tasks, then one "Showing all locks held in the system"
 * list: give each hung-task report the held locks of its own task from that list.
 */
function shareHeldLists(reports: Report[]): void {
  const held = reports.filter((r) => r.kind === 'hung-task').flatMap((r) => r.locks.filter((l) => l.role === 'held'));
  for (const r of reports) {
    if (r.kind !== 'hung-task' || r.task === null) continue;
    const own = new Set(r.locks);
    for (const l of held) if (l.holder === r.task && !own.has(l)) r.locks.push(l);
  }
}
