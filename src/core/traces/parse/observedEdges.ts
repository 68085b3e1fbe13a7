// Caller -> callee pairs seen at run time, counted. The set of distinct edges is bounded by the
// number of kernel functions, so counting them keeps memory bounded whatever the input size.

import type { Frame, ObservedEdge } from '../../model/trace';
import { isAddressOnly, normalizeFunction } from './symbols';
import { ownString } from './ownString';

/** Distinct names whose normalization is remembered; past it names are normalized each time. */
const NAME_CACHE_LIMIT = 100_000;

export class EdgeCounter {
  private readonly counts = new Map<string, Map<string, number>>();
  /** Printed name -> normalized name, or null for an address. Traces repeat a few thousand names. */
  private readonly names = new Map<string, string | null>();

  /** The normalized name counted for a printed one, or null for an address. */
  normalize(name: string): string | null {
    let v = this.names.get(name);
    if (v === undefined) {
      v = isAddressOnly(name) ? null : ownString(normalizeFunction(name));
      if (this.names.size < NAME_CACHE_LIMIT) this.names.set(ownString(name), v);
    }
    return v;
  }

  /** Names are normalized (clone suffixes, syscall wrappers) before counting. */
  add(caller: string, callee: string): void {
    this.addNormalized(caller, this.normalize(caller), callee, this.normalize(callee));
  }

  /** For callers that already hold the normalized names (one cache lookup per line, not two). */
  addNormalized(caller: string, from: string | null, callee: string, to: string | null): void {
    if (from === null || to === null) return;
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
