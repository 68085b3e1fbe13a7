// Lockdep dependency chains: where each `-> #N` lock was taken, read from the stack printed under
// it (the title of the whole report is reportTitle.ts's business).

import type { Frame } from '../../../model/trace';
import { stripCloneSuffix } from '../symbols';

/** Lockdep's own frames at the top of a backtrace: never the place to blame. */
const LOCKDEP_INTERNALS =
  /^(?:dump_stack\w*|__dump_stack|print_\w+|check_\w+|validate_chain|__lock_acquire|lock_acquire|mark_lock\w*|lock_release|__lock_release|valid_state|mark_usage|debug_check\w*|lockdep_\w+|__might_\w+|__mutex_lock\w*|mutex_lock\w*|down_\w+|percpu_down_\w+|_raw_\w+|__sb_start_write|fs_reclaim_acquire)$/;

/**
 * Lock primitives and the freeze-protection wrappers around them: a `-> #N` block's stack starts
 * with these, and the place that took the lock is the first frame below them.
 */
const ACQUIRE_WRAPPERS =
  /^(?:(?:__)?sb_start_(?:write|pagefault|intwrite)(?:_trylock)?|file_start_write|__sb_start_write|inode_lock\w*|(?:__)?(?:raw_)?spin_lock\w*|(?:__)?(?:raw_)?read_lock\w*|(?:__)?(?:raw_)?write_lock\w*|__wait_for_common|wait_for_completion\w*|__flush_work|flush_work|start_flush_work|(?:__)?flush_workqueue|touch_wq_lockdep_map|__rwsem_\w+|rwsem_\w+)$/;

/** The first frame of a dependency stack that is not lockdep, a lock primitive or a wrapper. */
export function acquiredAt(frames: readonly Frame[]): string | null {
  for (const f of frames) {
    if (f.unreliable) continue;
    const name = stripCloneSuffix(f.function);
    if (LOCKDEP_INTERNALS.test(name) || ACQUIRE_WRAPPERS.test(name)) continue;
    return name;
  }
  return null;
}
