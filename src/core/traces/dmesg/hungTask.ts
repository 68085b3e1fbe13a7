// Hung-task reports ("INFO: task X:PID blocked for more than N seconds."): the title names the
// first frame of the blocked task's stack that is not a scheduling, waiting or lock primitive,
// as syzbot does ("INFO: task hung in sb_start_write").

import type { Report } from '../../model/trace';
import { stripCloneSuffix } from '../symbols';

/** Frames that say how a task sleeps, not where: skipped when naming a hung task. */
const WAIT_PRIMITIVES: readonly RegExp[] = [
  /^(?:__)?schedule(?:_loop|_timeout|_preempt_disabled|_idle)?$/, // the scheduler itself
  /^context_switch$/,
  /^io_schedule(?:_timeout)?$/,
  /^(?:__)?wait_on_bit(?:_lock)?$/, // bit waits (buffers, pages, inodes)
  /^out_of_line_wait_on_bit(?:_lock)?$/,
  /^bit_wait(?:_io)?$/,
  /^__wait_on_buffer$/,
  /^wait_for_completion\w*$/,
  /^(?:__)?(?:folio|page)_wait\w*$/,
  /^wait_on_page_bit\w*$/,
  /^(?:__)?percpu_(?:down_read|down_write|rwsem_wait)\w*$/, // freeze protection is a percpu rwsem
  /^rwsem_(?:down|wait)\w*$/,
  /^(?:__)?down_(?:read|write)\w*$/,
  /^(?:__)?mutex_lock\w*$/,
  /^__mutex_lock\w*$/,
  /^__sb_start_write$/, // inline wrapper of percpu_down_read; sb_start_write itself is kept
  /^rq_qos_wait$/,
  /^wbt_wait$/,
  /^(?:__)?rq_qos_throttle$/,
  /^(?:prepare_to_wait|finish_wait)\w*$/,
];

export function hungTaskTitle(report: Report): string {
  const stack = report.stacks.find((s) => s.label === 'Call Trace');
  for (const f of stack?.frames ?? []) {
    if (f.unreliable) continue;
    const name = stripCloneSuffix(f.function);
    if (WAIT_PRIMITIVES.some((re) => re.test(name))) continue;
    return `INFO: task hung in ${name}`;
  }
  return 'INFO: task hung';
}
