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
  /**
   * Why the hold is handed to someone else when the call returns (an AIO request keeps it
   * until completion): calls after it in the same function run under it, but a function that
   * calls it is not a wrapper whose callers hold it.
   */
  handoff?: string;
}

/** A function named for a reason: where paths stop, which calls are never reached held. */
export interface NamedReason {
  name: string;
  why: string;
}

/** A call that does not happen in the held context, by what the code guarantees before it. */
export interface GuardedCall {
  caller: string;
  callee: string;
  why: string;
}

/**
 * Whose object a call through an ops table dispatches on. A filesystem's own inodes, files,
 * dentries and mappings dispatch to the ops its directory installs; only code that handles
 * other filesystems' objects on purpose (stacking, servers, loop) crosses to another one.
 */
export interface DispatchKnowledge {
  /** Struct types whose function pointers are a filesystem's per-object operations. */
  objectOps: string[];
  /** Directories (tree-relative) whose code works on other filesystems' objects. */
  crossers: Crosser[];
  /**
   * Struct types whose function pointers are hooks: a call runs every function registered
   * there in turn (each enabled module's), not the one an object holds.
   */
  hooks?: string[];
}

export interface Crosser {
  dir: string;
  why: string;
  /** Which filesystems' objects it can reach: any, or only those that can be exported (s_export_op). */
  reaches?: 'exportable';
}

/**
 * A call that may not lead to the forbidden effect because of an argument it passes: a candidate.
 * Whether it holds is read from the tree scanned (rules/derivedExemptions.ts): the value is
 * followed into the callee's body to the rule's `events`.
 */
export interface ExemptCall {
  callee: string;
  /** 0-based argument position. */
  arg: number;
  /** Argument texts (whitespace folded) that may make the call harmless. */
  equals: string[];
  /** Why it may: said when the tree cannot tell and the exemption is taken on the rule's word. */
  why: string;
}

/**
 * A function whose file-type tests are about the object passed to it: overlayfs copy-up works
 * on one dentry (and its ancestors), so its `S_ISREG()` tests say what that dentry must be.
 */
export interface ObjectScope {
  function: string;
  /** 0-based position of the object argument. */
  arg: number;
  /** The file (tree-relative) whose tests are about that object. */
  file: string;
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
  /**
   * Calls that may never reach a sink's effect, by argument. Each holds only where the tree's
   * bodies show it (derivedExemptions.ts); paths through one that holds are not chains.
   */
  exempt?: ExemptCall[];
  /**
   * The calls inside the sinks that are the effect itself (the fanotify event): an exemption
   * holds when its value returns before every one of them. Without events, exemptions are
   * taken on the rule's word.
   */
  events?: string[];
  /** Functions a path never continues through (crash and debug reports). */
  stopAt?: NamedReason[];
  /**
   * Calls that say the hold taken before them is handed to someone else (an AIO request): a
   * function making one is no wrapper, whatever it acquires.
   */
  handoffMarkers?: NamedReason[];
  /** Calls the held context never reaches, by what the code guarantees first. */
  guards?: GuardedCall[];
  /** Functions whose file-type tests are about one object: a directory passed in never passes them. */
  objectScopes?: ObjectScope[];
  /** How calls through ops tables are judged (absent: every typed candidate is likely). */
  dispatch?: DispatchKnowledge;
  /**
   * The held context is per superblock and only a freezable one can deadlock: holds taken
   * in a filesystem's own code count only where that filesystem can be frozen.
   */
  perSuperblock?: boolean;
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
    {
      name: 'kiocb_start_write', when: 'always', note: 'held until kiocb_end_write()',
      handoff: 'the protection belongs to the AIO request from here on and is released at its completion, not by the submitting task',
    },
    { name: 'sb_start_intwrite', when: 'always', note: 'SB_FREEZE_FS' },
    { name: 'sb_start_intwrite_trylock', when: 'nonzero', note: 'SB_FREEZE_FS, true on success' },
    { name: 'sb_start_pagefault', when: 'always', note: 'SB_FREEZE_PAGEFAULT' },
    { name: '__sb_start_write', when: 'always', note: 'any level' },
    { name: '__sb_start_write_trylock', when: 'nonzero', note: 'any level, true on success' },
  ],
  release: [
    'sb_end_write', 'file_end_write', 'kiocb_end_write', 'sb_end_intwrite', 'sb_end_pagefault',
    '__sb_end_write',
    // Paired releasers: they drop exactly what their acquirer took, which a flag in the object
    // records (fh->fh_want_write) or the acquirer's result implies; read from their bodies, the
    // flag makes the release look optional.
    'fh_drop_write', 'done_path_create',
  ],
  sinks: [
    'security_file_permission', 'fsnotify_perm', 'fsnotify_file_perm', 'fsnotify_file_area_perm',
    'security_file_open', 'fsnotify_open_perm',
  ],
  opaque: [],
  // Candidates: write-side checks. In 6.1 and 6.12, fsnotify_perm() and fsnotify_file_area_perm()
  // return before emitting any event unless the mask has MAY_READ (or MAY_OPEN); kernels with
  // pre-content events emit for writes too. Each tree's bodies decide (derivedExemptions.ts).
  exempt: [
    { callee: 'rw_verify_area', arg: 0, equals: ['WRITE'], why: 'write-side check: fanotify permission events are read/open only' },
    { callee: 'security_file_permission', arg: 1, equals: ['MAY_WRITE', 'MAY_APPEND', 'MAY_WRITE | MAY_APPEND'], why: 'fsnotify_perm() ignores MAY_WRITE' },
    { callee: 'fsnotify_perm', arg: 1, equals: ['MAY_WRITE'], why: 'fsnotify_perm() ignores MAY_WRITE' },
    { callee: 'fsnotify_file_perm', arg: 1, equals: ['MAY_WRITE'], why: 'no event for MAY_WRITE' },
    { callee: 'fsnotify_file_area_perm', arg: 1, equals: ['MAY_WRITE'], why: 'no event for MAY_WRITE' },
  ],
  // Where fsnotify hands a permission event to fanotify's listeners (fsnotify_pre_content() is
  // the pre-content event of newer kernels).
  events: ['fsnotify', 'fsnotify_parent', '__fsnotify_parent', 'fsnotify_path', 'fsnotify_file', 'fsnotify_pre_content'],
  stopAt: [
    { name: 'panic', why: 'crash path: the system stops, nothing waits on the freeze' },
    { name: 'vpanic', why: 'crash path' },
    { name: 'BUG', why: 'crash path' },
    { name: 'do_exit', why: 'the task ends' },
    { name: 'make_task_dead', why: 'the task ends (oops)' },
    { name: 'die', why: 'crash path' },
    { name: 'kasan_report', why: 'KASAN report: debug output, not a code path of the checked access' },
    { name: 'kasan_check_range', why: 'KASAN instrumentation' },
    { name: 'end_report', why: 'KASAN report' },
    { name: 'schedule_debug', why: 'scheduler debug check' },
    { name: 'debug_mutex_lock_common', why: 'lock debugging' },
    { name: '__warn', why: 'WARN() report' },
    { name: 'dump_stack', why: 'debug output' },
    { name: 'audit_panic', why: 'crash path (audit failure mode panic)' },
  ],
  handoffMarkers: [
    { name: '__sb_writers_release', why: 'tells lockdep the hold now belongs to the AIO request (aio_write() before kiocb_start_write() existed)' },
  ],
  guards: [
    {
      caller: 'fh_verify', callee: 'nfsd_set_fh_dentry',
      why: 'only when !fhp->fh_dentry; fh_want_write() is only called on a file handle that fh_verify() has already given its dentry',
    },
    {
      caller: '__fh_verify', callee: 'nfsd_set_fh_dentry',
      why: 'the same test as fh_verify() in kernels where it moved into __fh_verify()',
    },
  ],
  objectScopes: [
    {
      function: 'ovl_copy_up_flags', arg: 0, file: 'fs/overlayfs/copy_up.c',
      why: 'copies up the dentry and those of its ancestors not yet copied up; a directory\'s ancestors are directories too',
    },
  ],
  dispatch: {
    objectOps: [
      'inode_operations', 'file_operations', 'address_space_operations', 'super_operations',
      'dentry_operations', 'xattr_handler', 'export_operations', 'dquot_operations', 'quotactl_ops',
      'fs_context_operations', 'file_lock_operations', 'lock_manager_operations',
    ],
    // LSM_HOOK_INIT stores and call_int_hook()/call_void_hook() calls (facts/kernelMacros.ts)
    hooks: ['security_list_options'],
    crossers: [
      { dir: 'fs/overlayfs', why: 'overlayfs works on the upper and lower filesystems\' objects' },
      { dir: 'fs/ecryptfs', why: 'ecryptfs works on the lower filesystem\'s objects' },
      { dir: 'fs/cachefiles', why: 'cachefiles works on the cache filesystem\'s objects' },
      { dir: 'fs/nfsd', why: 'nfsd serves exported filesystems\' objects', reaches: 'exportable' },
      { dir: 'fs/smb/server', why: 'ksmbd serves shared filesystems\' objects' },
      { dir: 'fs/ksmbd', why: 'ksmbd serves shared filesystems\' objects' },
      { dir: 'fs/aio.c', why: 'AIO submits I/O on files of any filesystem (its own filesystem type only holds the rings)' },
      { dir: 'drivers/block/loop.c', why: 'loop reads and writes its backing file on another filesystem' },
      { dir: 'drivers/target', why: 'the SCSI target backs LUNs with files on other filesystems' },
    ],
  },
  perSuperblock: true,
};

export const BUILTIN_RULES: readonly RuleSpec[] = [FREEZE_RULE];
