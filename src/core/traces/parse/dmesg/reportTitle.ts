// A report's title and guilty frame, chosen as syzkaller's report parser chooses them
// (pkg/report in google/syzkaller): each kind reads candidate frames from given places of the
// report, in order, drops the infrastructure frames of frameSkips.ts, and names the report after
// the first frame left. Matching syzbot's title lets a user find the bug, its history on lore and
// the commit that fixed it.

import type { Frame, GuiltyFrame, LockRole, Report, Stack } from '../../../model/trace';
import { demangle } from './demangle';
import { ownString } from '../ownString';
import { FRAME_SKIPS, HUNG_TASK_ANCHORS, HUNG_TASK_SKIPS, KIND_SKIPS, SYSCALL_PREFIXES, skipMatcher } from './frameSkips';

/** What the interpreter saw besides the Report itself, in input order. */
export interface TitleEvidence {
  /** The header message (the title when no frame qualifies, as syzbot titles a corrupted report). */
  header: string;
  /** The title without its function (`possible deadlock`), from the header table. */
  title: string;
  rule: TitleRule;
  /** Every `at:` frame of a lock line, with the role of its lock. */
  at: { role: LockRole; frame: Frame; line: number }[];
  /** `RIP:` frames, where a WARNING fired. */
  rip: { frame: Frame; line: number }[];
  /** Stacks a "Call Trace:" heading started: a stack read from the report ends at the next one. */
  starts: ReadonlySet<Stack>;
  /** The input line of each frame of a stack, by index. */
  frameLines: ReadonlyMap<Stack, readonly number[]>;
}

/** Where a report kind's guilty frame is read. */
export type TitleRule =
  | 'circular'
  | 'acquiring-at'
  | 'irq-safe-unsafe'
  | 'hung-task'
  | 'bad-unlock'
  | 'freed-at'
  | 'held-at'
  | 'rcu'
  | 'locking-bug'
  | 'spinlock'
  | 'call-trace';

type Source =
  /** The `at:` of the lock being acquired (also "takes:", "just changed the state of lock:"). */
  | 'acquiring-at'
  /** The `at:` of the lock already held ("but task is already holding lock:"). */
  | 'holding-at'
  /** The `at:` of the first lock in freed memory (held lock freed). */
  | 'freed-at'
  /** The `at:` of the first lock of a held-locks list. */
  | 'held-at'
  /** The frame printed under "is trying to release lock (x) at:". */
  | 'released-at'
  | 'rip'
  /** The `-> #N` stacks of the dependency chain. */
  | 'dependency-stacks'
  /** "... which became HARDIRQ-irq-safe at:" and the stacks after it. */
  | 'irq-usage-stacks'
  /** The first "Call Trace:" stack: the reporting task's own. */
  | 'call-trace';

interface Recipe {
  /** Read in order; the first candidate left after the skips names the report. */
  from: readonly Source[];
  /**
   * Null: the first candidate as is (syzkaller reads these with a regular expression over the
   * report, with no skip list).
   */
  skip: RegExp | null;
  /** Hung tasks: grouped by anchor frames first (see HUNG_TASK_ANCHORS). */
  hungTask?: true;
}

const COMMON = skipMatcher([FRAME_SKIPS]);

const RECIPES: Record<TitleRule, Recipe> = {
  circular: { from: ['acquiring-at', 'holding-at', 'dependency-stacks'], skip: skipMatcher([FRAME_SKIPS, KIND_SKIPS.circular]) },
  'acquiring-at': { from: ['acquiring-at'], skip: null },
  'irq-safe-unsafe': { from: ['irq-usage-stacks'], skip: COMMON },
  'hung-task': { from: ['call-trace'], skip: COMMON, hungTask: true },
  'bad-unlock': { from: ['released-at', 'call-trace'], skip: COMMON },
  'freed-at': { from: ['freed-at'], skip: null },
  'held-at': { from: ['held-at'], skip: null },
  rcu: { from: ['call-trace'], skip: skipMatcher([FRAME_SKIPS, KIND_SKIPS.rcu]) },
  'locking-bug': { from: ['rip', 'call-trace'], skip: skipMatcher([FRAME_SKIPS, KIND_SKIPS.lockingBug]) },
  spinlock: { from: ['call-trace'], skip: skipMatcher([FRAME_SKIPS, KIND_SKIPS.spinlock]) },
  'call-trace': { from: ['call-trace'], skip: COMMON },
};

export function reportTitle(report: Report, ev: TitleEvidence): { title: string; guiltyFrame: GuiltyFrame | null } {
  const recipe = RECIPES[ev.rule];
  let picked: GuiltyFrame | null = null;
  search: for (const source of recipe.from) {
    for (const c of candidates(report, ev, source)) {
      const dot = c.frame.function.indexOf('.');
      const name = demangle(dot < 0 ? c.frame.function : c.frame.function.slice(0, dot));
      if (recipe.skip !== null && recipe.skip.test(name)) continue;
      const frame = { function: stripSyscallPrefix(name), raw: c.frame.function, line: c.line };
      if (!recipe.hungTask) {
        picked = frame;
        break search;
      }
      // Hung tasks: an anchor anywhere in the stack wins over the first frame left by the skips.
      const anchor = HUNG_TASK_ANCHORS.find((a) => frame.function.includes(a.contains));
      if (anchor) {
        picked = anchor.title === null ? frame : { ...frame, function: anchor.title };
        break search;
      }
      if (picked === null && !HUNG_TASK_SKIPS.some((h) => frame.function.includes(h.contains))) picked = frame;
    }
  }
  if (picked === null) return { title: ev.header, guiltyFrame: null };
  return { title: `${ev.title} in ${picked.function}`, guiltyFrame: { function: ownString(picked.function), raw: ownString(picked.raw), line: picked.line } };
}

function* candidates(report: Report, ev: TitleEvidence, source: Source): Generator<{ frame: Frame; line: number }> {
  switch (source) {
    case 'acquiring-at':
      yield* atOf(ev, 'acquiring');
      return;
    case 'holding-at':
      yield* atOf(ev, 'holding');
      return;
    case 'freed-at':
      yield* atOf(ev, 'freed');
      return;
    case 'held-at':
      yield* atOf(ev, 'held');
      return;
    case 'rip':
      for (const r of ev.rip) if (visible(r.frame)) yield r;
      return;
    case 'released-at':
      yield* stackRun(report, ev, (s) => s.label === RELEASED_AT, true);
      return;
    case 'dependency-stacks':
      yield* stackRun(report, ev, (s) => s.label.startsWith('-> '), false);
      return;
    case 'irq-usage-stacks':
      yield* stackRun(report, ev, (s) => /which became .* at$/.test(s.label), false);
      return;
    case 'call-trace':
      yield* stackRun(report, ev, (s) => ev.starts.has(s), false);
      return;
  }
}

/** Label of the stack under "is trying to release lock (x) at:". */
export const RELEASED_AT = 'released at';

/** The first non-inline `at:` frame of a lock with this role (syzkaller's `at: FUNC+` match). */
function* atOf(ev: TitleEvidence, role: LockRole): Generator<{ frame: Frame; line: number }> {
  const first = ev.at.find((a) => a.role === role && visible(a.frame));
  if (first) yield first;
}

/**
 * Frames from the first stack `first` accepts, then the stacks after it up to the next one a
 * "Call Trace:" heading started: syzkaller reads frames until the next stack heading.
 */
function* stackRun(report: Report, ev: TitleEvidence, first: (s: Stack) => boolean, only: boolean): Generator<{ frame: Frame; line: number }> {
  const at = report.stacks.findIndex(first);
  if (at < 0) return;
  for (let i = at; i < report.stacks.length; i++) {
    const s = report.stacks[i]!;
    if (i > at && (only || ev.starts.has(s))) return;
    const lines = ev.frameLines.get(s);
    for (let k = 0; k < s.frames.length; k++) {
      const frame = s.frames[k]!;
      if (visible(frame)) yield { frame, line: lines?.[k] ?? s.line };
    }
  }
}

/**
 * A frame syzkaller can name: not a `? ` guess of the unwinder, and not an `[inline]` line of the
 * symbolizer (its title regex wants `name+0x` or `name.suffix`, which only real frames print).
 */
function visible(f: Frame): boolean {
  return !f.unreliable && !f.inline;
}

function stripSyscallPrefix(name: string): string {
  let best = name;
  for (const p of SYSCALL_PREFIXES) if (name.startsWith(p) && name.length - p.length < best.length) best = name.slice(p.length);
  return best;
}
