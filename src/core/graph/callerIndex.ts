// Who calls what: call sites by the name they call (direct calls by callee name, field calls
// by field name), and the reverse index of direct callers per node, resolved once for the tree.
import { KIND_DIRECT, KIND_FIELD } from '../model/packedFacts';
import { mergeRefs, NO_REFS, packRef, type CallRef } from './callRefs';
import type { FunctionNode, FunctionNodes } from './functionNodes';
import { RefsByName } from './refsByName';

/**
 * Direct callers of every node: node i's are refs[start[i]] to refs[start[i + 1] - 1], unless
 * an edit since gave it its own list in `overrides` (the packed arrays are not rebuilt).
 */
export interface CallerIndex {
  readonly start: Int32Array;
  readonly refs: Float64Array;
  readonly overrides: Map<number, Float64Array>;
}

function copyInto<T extends Int32Array | Float64Array>(to: T, from: T): T {
  to.set(from);
  return to;
}

export class Callers {
  /** Direct call sites by callee name, resolved or not. */
  private readonly direct: RefsByName;
  /** Field call sites by field name. */
  readonly field = new Map<string, Float64Array>();
  private reverse: CallerIndex | undefined;

  constructor(private readonly nodes: FunctionNodes) {
    // Two passes, counting then filling exact typed arrays: growing hundreds of thousands of
    // lists (then trimming them) left hundreds of MiB of garbage on a kernel.
    const directCounts = new Map<string, number>();
    const fieldCounts = new Map<string, number>();
    nodes.eachCall((_node, _b, _c, kind, callee) => {
      const count = kind === KIND_DIRECT ? directCounts : kind === KIND_FIELD ? fieldCounts : undefined;
      count?.set(callee, (count.get(callee) ?? 0) + 1);
    });
    for (const [callee, n] of fieldCounts) {
      this.field.set(callee, new Float64Array(n));
      fieldCounts.set(callee, 0); // from here on: how many are filled
    }
    this.direct = new RefsByName(directCounts, (add) => nodes.eachCall((node, b, c, kind, callee) => {
      if (kind === KIND_DIRECT) add(callee, packRef(node.index, b, c));
      else if (kind === KIND_FIELD) {
        const at = fieldCounts.get(callee)!;
        this.field.get(callee)![at] = packRef(node.index, b, c);
        fieldCounts.set(callee, at + 1);
      }
    }));
  }

  /** Call sites naming `name`, resolved or not (CallRefs; do not modify). */
  directCallsTo(name: string): Float64Array {
    return this.direct.get(name);
  }

  /** Field call sites through `.field` (CallRefs; do not modify). */
  fieldCallsTo(field: string): Float64Array {
    return this.field.get(field) ?? NO_REFS;
  }

  /**
   * Direct call sites that resolve to `node` (a same-named static elsewhere does not count).
   * Resolved once for the whole tree: reverse searches visit most functions, once per sink.
   */
  of(node: FunctionNode): Float64Array {
    const { start, refs, overrides } = this.index();
    return overrides.get(node.index) ?? refs.subarray(start[node.index]!, start[node.index + 1]!);
  }

  /** The same for all nodes at once. */
  index(): CallerIndex {
    if (this.reverse === undefined) this.reverse = this.build();
    return this.reverse;
  }

  /** The index if something asked for it already: an edit patches only what was built. */
  built(): CallerIndex | undefined {
    return this.reverse;
  }

  /** Direct callers of `node`, from the call sites naming it (sorted, as the index holds them). */
  resolved(node: FunctionNode): Float64Array {
    if (node.bodies.length === 0) return NO_REFS;
    return this.directCallsTo(node.name).filter((ref) => this.nodes.resolveName(this.nodes.bodyAt(ref).file, node.name).includes(node));
  }

  /** Puts a file's moved call sites into the by-name lists (`ours`: the file's old sites). */
  patchByName(kind: 'direct' | 'field', moved: Map<string, CallRef[]>, ours: (ref: CallRef) => boolean): void {
    for (const [name, refs] of moved) {
      if (kind === 'direct') {
        this.direct.set(name, mergeRefs(this.direct.get(name), ours, refs));
        continue;
      }
      const merged = mergeRefs(this.field.get(name) ?? NO_REFS, ours, refs);
      if (merged.length === 0) this.field.delete(name);
      else this.field.set(name, merged);
    }
  }

  private build(): CallerIndex {
    const nodes = this.nodes;
    // Sized for one target per direct call (header statics can have more: then it grows).
    const size = this.direct.total();
    let targets = new Int32Array(size);
    let refs = new Float64Array(size);
    let count = 0;
    // In node, body, call order: each target's callers come out in the order directCallsTo has.
    nodes.eachCall((node, b, c, kind, callee, file) => {
      if (kind !== KIND_DIRECT) return;
      for (const t of nodes.resolveName(file, callee)) {
        if (count === targets.length) {
          const grown = Math.ceil(count * 1.5) + 16;
          targets = copyInto(new Int32Array(grown), targets);
          refs = copyInto(new Float64Array(grown), refs);
        }
        targets[count] = t.index;
        refs[count] = packRef(node.index, b, c);
        count++;
      }
    });
    // Counting sort by target node.
    const n = nodes.list.length;
    const start = new Int32Array(n + 1);
    for (let i = 0; i < count; i++) start[targets[i]! + 1]!++;
    for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
    const fill = start.slice(0, n);
    const sorted = new Float64Array(count);
    for (let i = 0; i < count; i++) sorted[fill[targets[i]!]!++] = refs[i]!;
    return { start, refs: sorted, overrides: new Map() };
  }
}
