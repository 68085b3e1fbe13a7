// Caller -> callee pairs seen at run time, counted. The set of distinct edges is bounded by the
// number of kernel functions, so counting them keeps memory bounded whatever the input size.

import type { Frame, ObservedEdge } from '../model/trace';
import { isAddressOnly, normalizeFunction } from './symbols';

export class EdgeCounter {
  private readonly counts = new Map<string, Map<string, number>>();

  /** Names are normalized (clone suffixes, syscall wrappers) before counting. */
  add(caller: string, callee: string): void {
    if (isAddressOnly(caller) || isAddressOnly(callee)) return;
    const from = normalizeFunction(caller);
    const to = normalizeFunction(callee);
    // `__se_sys_x` -> `__do_sys_x` is one source function after normalization, not recursion.
    if (from === to && caller !== callee) return;
    let row = this.counts.get(from);
    if (!row) {
      row = new Map();
      this.counts.set(from, row);
    }
    row.set(to, (row.get(to) ?? 0) + 1);
  }

  /**
   * A printed stack, innermost first: each frame is called by the one below it. Unreliable (`?`)
   * frames are skipped: they are stale return addresses, not callers.
   */
  addStack(frames: readonly Frame[]): void {
    let callee: string | null = null;
    for (const f of frames) {
      if (f.unreliable || isAddressOnly(f.function)) continue;
      if (callee !== null) this.add(f.function, callee);
      callee = f.function;
    }
  }

  /** Sorted by caller then callee so that output is stable. */
  list(): ObservedEdge[] {
    const out: ObservedEdge[] = [];
    for (const caller of [...this.counts.keys()].sort()) {
      const row = this.counts.get(caller)!;
      for (const callee of [...row.keys()].sort()) out.push({ caller, callee, count: row.get(callee)! });
    }
    return out;
  }
}
