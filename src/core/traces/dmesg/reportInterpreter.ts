// Stage 3 for kernel console logs: assemble lockdep and hung-task reports from tokenized lines.
// Reports are keyed by printk caller id so that lines another task or CPU printed in between
// (`[T1234]` vs `[C1]`) do not end up inside them. A line a report cannot place is an Unparsed
// record saying what the report expected there; the report goes on. Console lines outside any
// report are other kernel messages and are skipped (they are not ours to interpret).

import type { Frame, LockRef, Report, ReportKind, Stack } from '../../model/trace';
import type { DmesgBody, LockLine } from './lineTokenizer';
import { classifyHeader, classifyMessage, splitPrefix } from './lineTokenizer';
import type { TraceCollector } from '../traceCollector';
import { freezeLevel } from '../freezeEvidence';
import { hungTaskTitle } from './hungTask';
import { acquiredAt, lockdepTitle } from './lockdepReport';
import { ownString } from '../ownString';

type Section = 'head' | 'trying' | 'holding' | 'deps' | 'chain' | 'scenario' | 'held' | 'allLocks' | 'trace';

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
  trace: 'a stack frame',
};

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
    const header = classifyHeader(message);
    if (header && header.kind === 'header') {
      this.close(key, lineNo - 1);
      this.active.set(key, this.start(lineNo, header.report, header.task === null ? null : ownString(header.task)));
      this.lastKey = key;
      return;
    }
    const b = this.active.get(key);
    if (!b) return;
    this.lastKey = key;
    const body = classifyMessage(message);
    if (!this.apply(b, lineNo, body, text)) {
      // The report is over: this line is the console's again.
      this.close(key, lineNo - 1);
    }
  }

  finish(): Report[] {
    for (const key of [...this.active.keys()]) this.close(key, this.lastLine);
    shareHeldLists(this.reports);
    for (const r of this.reports) this.out.freeze.fromReport(r);
    return this.reports;
  }

  private start(lineNo: number, kind: ReportKind, task: string | null): Builder {
    const report: Report = { kind, title: '', task, line: lineNo, endLine: lineNo, locks: [], stacks: [] };
    return { report, section: 'head', stack: null, lastLock: null, atNext: null, holder: null, nextLabel: null, lastIndex: null, lastLockLine: 0, dependencies: [] };
  }

  /** Returns false when the line ends the report. */
  private apply(b: Builder, lineNo: number, body: DmesgBody, text: string): boolean {
    const r = b.report;
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
          b.atNext = null;
        } else if (b.stack) b.stack.frames.push(ownFrame(body.frame));
        else this.out.fail(lineNo, `stack frame outside any stack in ${r.kind} report (expected a "Call Trace:" or "... at:" heading first)`, text);
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
      case 'holdingIntro':
        b.section = 'holding';
        b.stack = null;
        break;
      case 'stackLabel':
        b.stack = this.stack(b, body.label === 'Call Trace' ? (b.nextLabel ?? 'Call Trace') : body.label, lineNo);
        if (body.label === 'Call Trace') {
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
      case 'text':
        if (b.section === 'chain' && body.text.includes('-->')) {
          r.chain = body.text.split('-->').map((s) => ownString(s.trim()));
          break;
        }
        // After the task's backtrace, a line we do not know is the next console message.
        if (b.section === 'trace' && hasTrace(r)) return false;
        this.out.fail(lineNo, `unexpected line in ${r.kind} report started at line ${r.line} (expected ${EXPECTED[b.section]})`, text);
        break;
    }
    r.endLine = lineNo;
    return true;
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
      if (l.atNext) b.atNext = prev;
      return;
    }
    let role: LockRef['role'];
    if (l.index !== null || b.section === 'held' || b.section === 'allLocks') role = 'held';
    else if (b.section === 'trying') role = 'acquiring';
    else if (b.section === 'holding') role = 'holding';
    else {
      this.out.fail(lineNo, `lock line in ${r.kind} report where none was expected (expected ${EXPECTED[b.section]})`, `(${l.class})`);
      return;
    }
    const ref: LockRef = { class: ownString(l.class), freeze: freezeLevel(l.class), at, role, line: lineNo };
    if (role === 'held' && b.holder !== null) ref.holder = b.holder;
    if (role === 'holding' && r.task !== null) ref.holder = r.task;
    r.locks.push(ref);
    b.lastLock = ref;
    b.lastIndex = l.index;
    if (l.atNext) b.atNext = ref;
  }

  private close(key: string, endLine: number): void {
    const b = this.active.get(key);
    if (!b) return;
    this.active.delete(key);
    const r = b.report;
    r.endLine = Math.max(r.line, Math.min(r.endLine, endLine));
    for (const [dep, stack] of b.dependencies) dep.at = acquiredAt(stack.frames);
    r.title = r.kind === 'hung-task' ? hungTaskTitle(r) : lockdepTitle(r);
    if (!hasTrace(r)) {
      this.out.fail(r.endLine, `${r.kind} report started at line ${r.line} ended before its "Call Trace:" stack (truncated?)`, '');
    }
    for (const s of r.stacks) this.out.edges.addStack(s.frames);
    if (this.out.keepReport()) this.reports.push(r);
    else this.out.freeze.fromReport(r);
  }
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
