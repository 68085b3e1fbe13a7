// Run-time evidence that freeze protection was held when a permission hook ran. Two sources:
// lock_acquire/lock_release trace events (tracked per task while the call tree is rebuilt), and
// lockdep held-lock lists printed with a task's stack. The collector dedupes and counts, so a
// gigabyte trace that hits the same path a million times yields one record.

import type { FreezeEvidenceSource, FreezeHeld, FreezeLevel, LockEvent, Report } from '../../model/trace';
import { isAddressOnly, normalizeFunction } from './symbols';
import { ownString } from './ownString';

/** Lock classes of the per-superblock freeze rwsems (`sb->s_writers.rw_sem[level]`). */
const FREEZE_CLASSES: ReadonlyMap<string, FreezeLevel> = new Map([
  // SB_FREEZE_WRITE: sb_start_write / file_start_write / mnt_want_write.
  ['sb_writers', 'write'],
  // SB_FREEZE_PAGEFAULT: sb_start_pagefault in ->page_mkwrite.
  ['sb_pagefaults', 'pagefault'],
  // SB_FREEZE_FS: sb_start_intwrite, taken by filesystems for transactions.
  ['sb_internal', 'internal'],
]);

/** `sb_writers#4` -> `sb_writers`: lockdep appends `#N` per instance key and `/N` per subclass. */
export function baseLockClass(cls: string): string {
  return cls.replace(/(?:#\d+|\/\d+)+$/, '');
}

export function freezeLevel(cls: string): FreezeLevel | null {
  return FREEZE_CLASSES.get(baseLockClass(cls)) ?? null;
}

/** The fanotify permission hooks: reaching one may wait for a userspace listener. */
const PERMISSION_HOOKS: ReadonlySet<string> = new Set([
  'security_file_permission',
  'fsnotify_perm',
  'fsnotify_file_perm',
  'fsnotify_file_area_perm',
  'security_file_open',
  'fsnotify_open_perm',
]);

/**
 * Traced functions that always run a hook: `rw_verify_area` ends with an unconditional
 * `security_file_permission()` call. On kernels where that call is not traced (no LSM, or
 * inlined) it is the deepest traced frame, so it counts as the sink when no hook shows below it.
 */
const HOOK_CALLERS: ReadonlySet<string> = new Set(['rw_verify_area']);

export function isPermissionHook(fn: string): boolean {
  return PERMISSION_HOOKS.has(normalizeFunction(fn));
}

export function isPermissionSink(fn: string): boolean {
  if (PERMISSION_HOOKS.has(fn) || HOOK_CALLERS.has(fn)) return true;
  // Only a clone suffix (`.isra.0`) can turn a name into a sink's; skip the regexes otherwise.
  if (!fn.includes('.')) return false;
  const name = normalizeFunction(fn);
  return PERMISSION_HOOKS.has(name) || HOOK_CALLERS.has(name);
}

/** Locks held per task, by address, from lock_acquire/lock_release events. */
export class HeldLocks {
  private readonly byTask = new Map<string, Map<string, { class: string; count: number }>>();

  apply(task: string, ev: LockEvent): void {
    let held = this.byTask.get(task);
    if (ev.op === 'acquire') {
      if (!held) {
        held = new Map();
        this.byTask.set(ownString(task), held);
      }
      const cur = held.get(ev.address);
      if (cur) cur.count++;
      else held.set(ownString(ev.address), { class: ownString(ev.class), count: 1 });
      return;
    }
    // A release without an acquire in the capture: the lock was taken before tracing started.
    const cur = held?.get(ev.address);
    if (!cur) return;
    if (--cur.count <= 0) held!.delete(ev.address);
  }

  /** The first freeze lock class the task holds, or null. */
  freezeHeld(task: string): string | null {
    const held = this.byTask.get(task);
    if (!held) return null;
    for (const v of held.values()) if (freezeLevel(v.class) !== null) return baseLockClass(v.class);
    return null;
  }
}

const MAX_EVIDENCE = 10_000;

export class FreezeEvidence {
  private readonly records = new Map<string, FreezeHeld>();
  dropped = 0;

  record(task: string, cls: string, sink: string, path: string[], source: FreezeEvidenceSource, line: number): void {
    const key = `${task}\0${cls}\0${sink}\0${path.join('\0')}\0${source}`;
    const cur = this.records.get(key);
    if (cur) {
      cur.count++;
      return;
    }
    if (this.records.size >= MAX_EVIDENCE) {
      this.dropped++;
      return;
    }
    this.records.set(key, { task: ownString(task), class: ownString(baseLockClass(cls)), sink: ownString(sink), path: path.map(ownString), source, line, count: 1 });
  }

  /**
   * A lockdep report: if the reported task holds a freeze lock (in its held list or as "already
   * holding"), every reliable frame of its own stacks that is a permission hook is evidence.
   */
  fromReport(report: Report): void {
    if (report.task === null) return;
    const freeze = report.locks.find(
      (l) => l.freeze !== null && ((l.role === 'held' && l.holder === report.task) || l.role === 'holding'),
    );
    if (!freeze) return;
    for (const stack of report.stacks) {
      // The task's own stacks: the backtrace, and the -> #0 block (the acquisition in progress).
      if (!/^(Call Trace|stack backtrace|-> #0)/.test(stack.label)) continue;
      const reliable = stack.frames.filter((f) => !f.unreliable && !isAddressOnly(f.function));
      const names = reliable.map((f) => normalizeFunction(f.function)).reverse();
      // The outermost hook on the path; a hook caller only when no hook shows below it.
      let at = names.findIndex((n) => PERMISSION_HOOKS.has(n));
      if (at < 0) at = names.findIndex((n) => HOOK_CALLERS.has(n));
      if (at >= 0) this.record(report.task, freeze.class, names[at]!, names.slice(0, at + 1), 'lockdep-held', stack.line);
    }
  }

  list(): FreezeHeld[] {
    return [...this.records.values()].sort((a, b) => a.line - b.line);
  }
}
