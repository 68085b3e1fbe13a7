// The built-in rules. A rule is data (its types are in model/ruleSpec.ts): which calls take a
// held context, which release it, and which callees must never run under it. The engine
// (heldState, summaries, chainSearch) is generic.
import type { RuleSpec } from '../model/ruleSpec';

export type { AcquireWhen, AcquirePrimitive, NamedReason, GuardedCall, DispatchKnowledge, Crosser, ExemptCall, ObjectScope, RepeatedCall, RuleSpec } from '../model/ruleSpec';

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
  repeatedCalls: [
    {
      function: 'ovl_copy_up', arg: 0, skips: 'ovl_copy_up_one',
      why: 'once copied up (flags 0 need no data), the copy-up loop stops at its ovl_already_copied_up() check',
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
    // kernel/notifier.c: every *_notifier_chain_register and *_notifier_call_chain passes its head on to these
    notifiers: [{
      block: 'notifier_block', field: 'notifier_call',
      call: { function: 'notifier_call_chain', head: 0 },
      register: { function: 'notifier_chain_register', head: 0, block: 1 },
    }],
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
