// Call sites by the name they call, for every name of a tree at once. A typed array per name
// costs a couple of hundred bytes before its first ref, and a kernel calls hundreds of
// thousands of names: the lists share one array instead, each a slice of it, and a list an edit
// changed is kept apart (the shared array is not rebuilt).
import { NO_REFS, type CallRef } from './callRefs';

export class RefsByName {
  /** Per name, its slot: its refs are refs[start[slot]] to refs[start[slot + 1] - 1]. */
  private readonly slots = new Map<string, number>();
  private readonly start: Int32Array;
  private readonly refs: Float64Array;
  /** Lists set since they were packed (an empty one for a name no longer called). */
  private readonly patched = new Map<string, Float64Array>();
  /** Per name, how often its list was set (see version). */
  private readonly versions = new Map<string, number>();

  /** `names` in slot order, `counts[slot]` refs each; `fill` adds every ref to its name's slot. */
  constructor(names: readonly string[], counts: readonly number[], fill: (add: (slot: number, ref: CallRef) => void) => void) {
    this.start = new Int32Array(names.length + 1);
    names.forEach((name, slot) => {
      this.slots.set(name, slot);
      this.start[slot + 1] = this.start[slot]! + counts[slot]!;
    });
    this.refs = new Float64Array(this.start[names.length]!);
    const next = this.start.slice(0, names.length);
    fill((slot, ref) => {
      this.refs[next[slot]!++] = ref;
    });
  }

  /** The refs naming `name` (a view: do not modify), NO_REFS when none. */
  get(name: string): Float64Array {
    const kept = this.patched.get(name);
    if (kept !== undefined) return kept;
    const s = this.slots.get(name);
    return s === undefined ? NO_REFS : this.refs.subarray(this.start[s]!, this.start[s + 1]!);
  }

  set(name: string, refs: Float64Array): void {
    this.patched.set(name, refs);
    this.versions.set(name, (this.versions.get(name) ?? 0) + 1);
  }

  /** Changes whenever the refs naming `name` may have: what was derived from them can be kept until then. */
  version(name: string): number {
    return this.versions.get(name) ?? 0;
  }

  /** How many refs all lists hold together. */
  total(): number {
    let n = this.refs.length;
    for (const [name, refs] of this.patched) {
      const s = this.slots.get(name);
      n += refs.length - (s === undefined ? 0 : this.start[s + 1]! - this.start[s]!);
    }
    return n;
  }
}
