// Why a chain of the old side is not on the new side: the first step of the old chain that no
// longer holds there, as data (for JSON) and as one sentence (for people).
//
// `step` counts the old chain's steps: 0 is the acquisition, k is hop k (hops[k - 1]); -1 when
// every step still holds.
export type RemovalReason =
  /** The function the step starts from is gone. */
  | { kind: 'function-gone'; step: number; fn: string }
  /** The acquiring function no longer takes the hold, and nothing the chain refers to does instead. */
  | { kind: 'acquisition-gone'; step: 0; fn: string; call: string }
  /** The acquiring function no longer takes the hold; functions the chain refers to now do. */
  | { kind: 'acquisition-moved'; step: 0; fn: string; call: string; into: string[] }
  /** The caller no longer calls the callee. */
  | { kind: 'call-gone'; step: number; caller: string; callee: string; calleeGone: boolean }
  /**
   * The acquiring function releases the hold before the call (`callee`); `instead` when it now
   * makes a later call of the old path itself (vfs_copy_file_range() calling do_splice_direct()
   * after file_end_write(), not generic_copy_file_range()).
   */
  | { kind: 'released-earlier'; step: number; fn: string; call: string; callee: string; instead?: string }
  /** A function on the path now releases the hold it was entered with before the call. */
  | { kind: 'hold-dropped'; step: number; caller: string; callee: string }
  /** The call is now exempt by its arguments (a write-side check). */
  | { kind: 'exempt'; step: number; caller: string; callee: string }
  /** The rule no longer lists the sink. */
  | { kind: 'sink-gone'; step: number; sink: string }
  /** Only result files: the new side's chains do not show this step, which is all that can be said. */
  | { kind: 'not-seen'; step: number; caller: string; callee: string }
  /** Every step still holds, but the chain is now only possible, and the diff shows likely chains: the reasons that lower it. */
  | { kind: 'now-possible'; step: -1; because: string[] }
  /** Every step still holds: the chain is no longer among those reported (another was kept). */
  | { kind: 'unexplained'; step: -1 };

const fn = (name: string): string => `${name}()`;

function list(names: readonly string[]): string {
  const shown = names.map(fn);
  return shown.length <= 1 ? shown.join('') : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)!}`;
}

/** One sentence, e.g. `file_start_write() moved from do_sendfile() into direct_splice_actor()`. */
export function describeRemoval(r: RemovalReason): string {
  switch (r.kind) {
    case 'function-gone':
      return `${fn(r.fn)} no longer exists`;
    case 'acquisition-gone':
      return `${fn(r.fn)} no longer calls ${fn(r.call)}`;
    case 'acquisition-moved':
      return `${fn(r.call)} moved from ${fn(r.fn)} into ${list(r.into)}`;
    case 'call-gone':
      return `${fn(r.caller)} no longer calls ${fn(r.callee)}${r.calleeGone ? `, which no longer exists` : ''}`;
    case 'released-earlier':
      return r.instead === undefined
        ? `${fn(r.fn)} releases ${fn(r.call)}'s hold before it calls ${fn(r.callee)}`
        : `${fn(r.fn)} no longer calls ${fn(r.callee)}; it calls ${fn(r.instead)} itself, after ${fn(r.call)}'s hold is released`;
    case 'hold-dropped':
      return `${fn(r.caller)} releases the hold before it calls ${fn(r.callee)}`;
    case 'exempt':
      return `${fn(r.caller)}'s call to ${fn(r.callee)} is now exempt by its arguments`;
    case 'sink-gone':
      return `${fn(r.sink)} is no longer a sink of the rule`;
    case 'not-seen':
      return r.step === 0
        ? `no chain of the new side takes ${fn(r.callee)} in ${fn(r.caller)} (from result files alone the change cannot be named: diff trees or --git revisions)`
        : `no chain of the new side passes ${fn(r.caller)} -> ${fn(r.callee)} (from result files alone the change cannot be named: diff trees or --git revisions)`;
    case 'now-possible':
      return `the chain is still there, but now only possible${r.because.length > 0 ? `: ${r.because.join('; ')}` : ''} (--confidence possible shows it)`;
    case 'unexplained':
      return 'every step still holds on the new side; another chain of the same shape was reported instead';
  }
}
