// A rule is data: which calls take a held context, which release it, and which callees must
// never run under it. The engine (heldState, summaries, findChains) is generic.

/** When an acquiring call leaves the context held. */
export type AcquireWhen =
  /** always (void functions, or functions that cannot fail) */
  | 'always'
  /** only when it returns 0 (error-code functions such as mnt_want_write) */
  | 'zero'
  /** only when it returns non-zero (trylocks returning true on success) */
  | 'nonzero';

export interface AcquirePrimitive {
  name: string;
  when: AcquireWhen;
  /** Why it is listed: shown in hovers and docs. */
  note?: string;
}

/** A call that cannot lead to the forbidden effect because of an argument it passes. */
export interface ExemptCall {
  callee: string;
  /** 0-based argument position. */
  arg: number;
  /** Argument texts (whitespace folded) that make the call harmless. */
  equals: string[];
  why: string;
}

export interface RuleSpec {
  id: string;
  title: string;
  /** What the finding means, for SARIF and the Problems panel. */
  description: string;
  acquire: AcquirePrimitive[];
  release: string[];
  sinks: string[];
  /** Functions whose bodies must not be used to infer wrapper behaviour (listed primitives win anyway). */
  opaque?: string[];
  /** Calls that never reach a sink's effect, by argument: paths through them are not chains. */
  exempt?: ExemptCall[];
}

/** Freeze protection: sb_writers levels taken by sb_start_write() and friends. */
export const FREEZE_RULE: RuleSpec = {
  id: 'freeze',
  title: 'Permission hook under freeze protection',
  description:
    'Freeze protection (sb_writers) is held while the code reaches a fanotify permission hook. A '
    + 'hierarchical storage manager that fills file content from its permission-event handler can '
    + 'then deadlock against a concurrent freeze_super().',
  acquire: [
    { name: 'sb_start_write', when: 'always', note: 'SB_FREEZE_WRITE' },
    { name: 'sb_start_write_trylock', when: 'nonzero', note: 'SB_FREEZE_WRITE, true on success' },
    { name: 'file_start_write', when: 'always', note: 'SB_FREEZE_WRITE for regular files' },
    { name: 'file_start_write_trylock', when: 'nonzero', note: 'true on success' },
    // kiocb_start_write() tells lockdep the lock is released (it is handed to aio completion),
    // but the freeze level stays held until kiocb_end_write().
    { name: 'kiocb_start_write', when: 'always', note: 'held until kiocb_end_write()' },
    { name: 'sb_start_intwrite', when: 'always', note: 'SB_FREEZE_FS' },
    { name: 'sb_start_intwrite_trylock', when: 'nonzero', note: 'SB_FREEZE_FS, true on success' },
    { name: 'sb_start_pagefault', when: 'always', note: 'SB_FREEZE_PAGEFAULT' },
    { name: '__sb_start_write', when: 'always', note: 'any level' },
    { name: '__sb_start_write_trylock', when: 'nonzero', note: 'any level, true on success' },
  ],
  release: [
    'sb_end_write', 'file_end_write', 'kiocb_end_write', 'sb_end_intwrite', 'sb_end_pagefault',
    '__sb_end_write',
  ],
  sinks: [
    'security_file_permission', 'fsnotify_perm', 'fsnotify_file_perm', 'fsnotify_file_area_perm',
    'security_file_open', 'fsnotify_open_perm',
  ],
  opaque: [],
  // fsnotify_perm() and fsnotify_file_area_perm() return before emitting any event unless the
  // mask has MAY_READ (or MAY_OPEN): a write-side permission check cannot block on fanotify.
  exempt: [
    { callee: 'rw_verify_area', arg: 0, equals: ['WRITE'], why: 'write-side check: fanotify permission events are read/open only' },
    { callee: 'security_file_permission', arg: 1, equals: ['MAY_WRITE', 'MAY_APPEND', 'MAY_WRITE | MAY_APPEND'], why: 'fsnotify_perm() ignores MAY_WRITE' },
    { callee: 'fsnotify_perm', arg: 1, equals: ['MAY_WRITE'], why: 'fsnotify_perm() ignores MAY_WRITE' },
    { callee: 'fsnotify_file_perm', arg: 1, equals: ['MAY_WRITE'], why: 'no event for MAY_WRITE' },
    { callee: 'fsnotify_file_area_perm', arg: 1, equals: ['MAY_WRITE'], why: 'no event for MAY_WRITE' },
  ],
};

export const BUILTIN_RULES: readonly RuleSpec[] = [FREEZE_RULE];
