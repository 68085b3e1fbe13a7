// What the trace and log parsers produce: plain JSON so that the CLI can print it as is and the
// overlay can match it against static chains. Line numbers are 1-based and count input lines.

export type LogFormat = 'function_graph' | 'function' | 'trace-cmd' | 'dmesg';

/** A line the parsers could not interpret. `text` quotes the line (cut to a readable length). */
export interface Unparsed {
  line: number;
  reason: string;
  text: string;
}

/** Which freeze level a lock class stands for (sb_writers -> write, ...), or null for other locks. */
export type FreezeLevel = 'write' | 'pagefault' | 'internal';

export interface Frame {
  /** Function name as printed (`do_sendfile`, `finish_task_switch.isra.0`), or a hex address. */
  function: string;
  /** `+0x1a/0x40` offset and size, when printed. */
  offset?: string;
  module?: string;
  file?: string;
  line?: number;
  /** syzbot's `[inline]` annotation: the frame was inlined into the one below it. */
  inline: boolean;
  /** `? ` prefix: the unwinder found the address on the stack but cannot vouch for it. */
  unreliable: boolean;
  /** Set by the lead when the frame is matched against a scanned kernel tree. */
  mapped: boolean;
}

export interface Stack {
  /** `-> #1`, `Call Trace`, `... which became HARDIRQ-irq-safe at`, `stack trace`. */
  label: string;
  /** Innermost first, as the kernel prints them. */
  frames: Frame[];
  line: number;
}

export type LockRole =
  /** The lock the task was trying to take. */
  | 'acquiring'
  /** "but task is already holding lock:" */
  | 'holding'
  /** One `-> #N (class)` block of the dependency chain (or irq-inversion dependency). */
  | 'dependency'
  /** One entry of a "N locks held by task/pid:" list. */
  | 'held'
  /** "is trying to release lock (class) at:" with none left to release (bad unlock balance). */
  | 'releasing'
  /** A lock in memory the task is freeing while it holds the lock (held lock freed). */
  | 'freed'
  /** The lock a spinlock/rwlock debug check complained about (`lock: name, .magic: ...`). */
  | 'subject';

export interface LockRef {
  class: string;
  freeze: FreezeLevel | null;
  /** Function from the last (non-inline) `at:` line, when printed. */
  at: string | null;
  role: LockRole;
  /** For `held` entries: the task (comm/pid) the list belongs to. */
  holder?: string;
  line: number;
}

export type ReportKind =
  | 'circular-locking'
  | 'recursive-locking'
  | 'irq-inversion'
  | 'inconsistent-lock-state'
  | 'hung-task'
  | 'bad-unlock-balance'
  | 'held-lock-freed'
  | 'still-has-locks-held'
  | 'lock-held-returning-to-user'
  | 'suspicious-rcu'
  | 'locking-bug'
  | 'spinlock-bug'
  | 'sleeping-in-atomic';

/** The frame a report is named after, chosen as syzbot chooses it (see dmesg/reportTitle.ts). */
export interface GuiltyFrame {
  /** As the title prints it: clone suffix and syscall prefixes stripped, C++ names demangled. */
  function: string;
  /** As the log prints it (`__do_sys_sendfile64`, `ovl_maybe_copy_up.part.0`). */
  raw: string;
  /** Input line the frame was read from. */
  line: number;
}

export interface Report {
  kind: ReportKind;
  /**
   * Title as syzbot would name it: "possible deadlock in ovl_maybe_copy_up". When no frame
   * qualifies it is the report's header line, as syzbot titles a report it finds corrupted.
   */
  title: string;
  /** The frame the title names, or null when none qualifies. */
  guiltyFrame: GuiltyFrame | null;
  /** comm/pid of the task the report is about, when printed. */
  task: string | null;
  line: number;
  endLine: number;
  locks: LockRef[];
  stacks: Stack[];
  /** "Chain exists of:" line, split on `-->`. */
  chain?: string[];
  /** The "Possible unsafe locking scenario" table, one entry per line, trimmed. */
  scenario?: string[];
  /** The report's own message, when it prints one: `include/linux/rcupdate.h:331 Illegal context switch ...`. */
  detail?: string;
}

export interface LockEvent {
  op: 'acquire' | 'release';
  address: string;
  class: string;
  read: boolean;
  try: boolean;
}

/** A trace event (`lock:lock_acquire`, `tracing_mark_write`, `sys_enter_*`, a graph comment). */
export interface TraceEvent {
  line: number;
  task: string;
  cpu: number | null;
  timestamp: number | null;
  name: string;
  args: string;
  lock?: LockEvent;
}

export interface CallNode {
  function: string;
  module?: string;
  /** Nesting depth as printed (0 for the outermost graphed call). */
  depth: number;
  children: CallNode[];
  /** Microseconds, from the duration column when printed. */
  duration: number | null;
  timestamp: number | null;
  cpu: number | null;
  task: string;
  line: number;
  /** Events and comments printed while this call was the innermost open one. */
  events: TraceEvent[];
  /** `(ret=…)` or `/* = … *\/` return value, when printed. */
  retval?: string;
  /** Created for a `}` whose entry was not in the capture (the trace started inside the call). */
  synthetic?: boolean;
  /** The capture ended (or the task vanished) before the closing brace. */
  unclosed?: boolean;
  /** Runs inside an interrupt (between `==========>` and `<==========`). */
  irq?: boolean;
}

export interface CallTree {
  task: string;
  roots: CallNode[];
}

/** A function-tracer `<stack trace>` block. */
export interface StackTrace {
  line: number;
  task: string;
  cpu: number | null;
  timestamp: number | null;
  frames: Frame[];
}

export interface ObservedEdge {
  caller: string;
  callee: string;
  count: number;
}

export type FreezeEvidenceSource =
  /** lock_acquire/lock_release events seen in the same task. */
  | 'lock-events'
  /** A lockdep held-lock list of the task whose stack reached the hook. */
  | 'lockdep-held';

export interface FreezeHeld {
  task: string;
  /** Lock class as printed without `#N` (`sb_writers`). */
  class: string;
  /** The permission hook, or the traced function that calls it (see freezeEvidence.ts). */
  sink: string;
  /** Function names from the root of the observed call path to the sink. */
  path: string[];
  source: FreezeEvidenceSource;
  /** Input line of the sink call. */
  line: number;
  /** How many times this same (task, class, sink, path) was seen. */
  count: number;
}

/** Something the parser kept only in part to stay within bounded memory, said plainly. */
export interface ParseLimit {
  what: string;
  kept: number;
  dropped: number;
}

export interface ParsedLog {
  file: string;
  format: LogFormat;
  lines: number;
  /** The title of the log's first report (syzbot names a console log after it), or null. */
  title: string | null;
  unparsed: Unparsed[];
  /** Unparsed records beyond the kept ones (counted, not stored). */
  unparsedDropped: number;
  /** In the order they start in the input. */
  reports: Report[];
  trees: CallTree[];
  stackTraces: StackTrace[];
  events: TraceEvent[];
  observedEdges: ObservedEdge[];
  freezeHeld: FreezeHeld[];
  limits: ParseLimit[];
  /** Set when the parse stopped early (abort signal). */
  aborted?: boolean;
}
