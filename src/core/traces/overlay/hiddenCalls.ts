// Calls the compiler hides from a tracer. A static hop A -> B -> C shows at run time as A -> C
// when B was inlined into A (no frame, no ftrace entry of its own) or when B ends with
// `return C(...)` compiled as a jump (C's return address is A's, so the function tracer prints
// `C <-A` and stack traces have no B frame). This module answers "may B vanish that way?".

import type { CallGraph } from '../../graph/callGraph';
import type { FunctionNode } from '../../graph/functionNodes';

/**
 * Functions known to be inlined on the kernels we read (6.1 x86_64, Debian config), whatever
 * our heuristics say. Each one was checked against real captures (test/fixtures/traces/README.md).
 */
export const KNOWN_INLINED: ReadonlyMap<string, string> = new Map([
  // include/linux/fs.h static inline; shows as a lock_acquire comment inside do_sendfile().
  ['file_start_write', 'static inline in include/linux/fs.h'],
  // include/linux/fs.h static inline, called by file_start_write and mnt_want_write.
  ['sb_start_write', 'static inline in include/linux/fs.h'],
  // include/linux/fs.h static inline on 6.1 (an exported function in older kernels).
  ['__sb_start_write', 'static inline in include/linux/fs.h'],
  // fs/read_write.c: exported, yet GCC inlines it into vfs_copy_file_range() (no frame in the 6.1 capture).
  ['generic_copy_file_range', 'inlined into vfs_copy_file_range (6.1 capture)'],
  // include/linux/percpu-rwsem.h static inline: the rwsem behind sb_writers.
  ['percpu_down_read', 'static inline in include/linux/percpu-rwsem.h'],
]);

export type HiddenHow = 'inline' | 'tail-call';

export class HiddenCalls {
  private readonly inlinable = new Map<number, boolean>();
  private readonly tailCallees = new Map<number, ReadonlySet<string>>();

  constructor(private readonly graph: CallGraph) {}

  /**
   * True when B's body is likely merged into its callers: listed above, a static function of a
   * header (`static inline`), or a static function with a single call site in the tree whose
   * address is never stored (GCC inlines those).
   */
  isInlinable(node: FunctionNode): boolean {
    let v = this.inlinable.get(node.index);
    if (v === undefined) {
      v = KNOWN_INLINED.has(node.name) || this.staticInHeader(node) || this.staticCalledOnce(node);
      this.inlinable.set(node.index, v);
    }
    return v;
  }

  /** Names B calls in tail position (`return C(...)` in some body). */
  tailCallsOf(node: FunctionNode): ReadonlySet<string> {
    let v = this.tailCallees.get(node.index);
    if (v === undefined) {
      const names = new Set<string>();
      for (const body of node.bodies) {
        for (const c of body.fn.tailCalls ?? []) {
          if (c >= body.fn.callCount) continue;
          const call = this.graph.call(body, c);
          if (call.kind === 'direct') names.add(call.callee);
          for (const t of this.graph.resolveCall(body.file, call)) names.add(t.node.name);
        }
      }
      v = names;
      this.tailCallees.set(node.index, v);
    }
    return v;
  }

  /** How B may vanish between its caller and `next`, or undefined when it cannot. */
  hiddenBefore(node: FunctionNode, next: string): HiddenHow | undefined {
    if (this.isInlinable(node)) return 'inline';
    if (this.tailCallsOf(node).has(next)) return 'tail-call';
    return undefined;
  }

  private staticInHeader(node: FunctionNode): boolean {
    return node.bodies.length > 0 && node.bodies.every((b) => b.fn.isStatic && b.file.endsWith('.h'));
  }

  private staticCalledOnce(node: FunctionNode): boolean {
    if (!node.bodies.every((b) => b.fn.isStatic)) return false;
    if (this.graph.fieldsStoring(node).size > 0) return false;
    return this.graph.directCallersOf(node).length === 1;
  }
}

/** `inline:generic_copy_file_range`, `tail-call:rw_verify_area`: how a match skipped a hop. */
export function hiddenLabel(how: HiddenHow, name: string): string {
  return `${how}:${name}`;
}
