// Who calls what: call sites by the name they call (direct calls by callee name, field calls
// by field name), and the reverse index of direct callers per node, resolved once for the tree.
import { KIND_DIRECT, KIND_FIELD, type PackedFileFacts } from '../model/packedFacts';
import { mergeRefs, NO_REFS, packRef, type CallRef } from './callRefs';
import { eachPackedCall, type FunctionNode, type FunctionNodes } from './functionNodes';
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

/**
 * Numbers for the names called, direct and field calls apart, in order of first use: per file,
 * the number of each of its names is looked up once (a call names its callee by an index into
 * its file's names).
 */
class CalleeIds {
  readonly names: string[] = [];
  readonly kinds: number[] = [];
  private readonly byName = [new Map<string, number>(), new Map<string, number>()];
  /** Weak: a live analysis replaces a file's facts at every edit, and the old ones must go. */
  private readonly perFile = new WeakMap<PackedFileFacts, Int32Array>();
  private lastFacts: PackedFileFacts | undefined;
  private lastTable: Int32Array = new Int32Array(0);

  /** The number of the name at `nameIndex` of `facts`, called as `kind` (KIND_DIRECT or KIND_FIELD). */
  of(facts: PackedFileFacts, kind: number, nameIndex: number): number {
    let table = this.lastTable;
    if (facts !== this.lastFacts) {
      let known = this.perFile.get(facts);
      if (known === undefined) this.perFile.set(facts, known = new Int32Array(facts.names.length * 2));
      this.lastFacts = facts;
      this.lastTable = table = known;
    }
    const slot = nameIndex * 2 + kind;
    const id = table[slot]!;
    if (id !== 0) return id - 1;
    const name = facts.names[nameIndex]!;
    let found = this.byName[kind]!.get(name);
    if (found === undefined) {
      found = this.names.length;
      this.byName[kind]!.set(name, found);
      this.names.push(name);
      this.kinds.push(kind);
    }
    table[slot] = found + 1;
    return found;
  }
}

/** Every direct and field call, in node, body, call order, with its callee's number. */
function eachNamedCall(nodes: FunctionNodes, ids: CalleeIds, visit: (node: FunctionNode, body: number, call: number, id: number) => void): void {
  eachPackedCall((node, b, c, kind, facts, nameIndex) => {
    if (kind === KIND_DIRECT || kind === KIND_FIELD) visit(node, b, c, ids.of(facts, kind, nameIndex));
  }, nodes.list);
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
    // lists (then trimming them) left hundreds of MiB of garbage on a kernel. A call names its
    // callee by an index into its file's names: each file's names get a number once, and the
    // passes count and fill by number, not by a lookup per call site of millions.
    const ids = new CalleeIds();
    let counts: Int32Array = new Int32Array(4096);
    eachNamedCall(nodes, ids, (_node, _b, _c, id) => {
      if (id >= counts.length) counts = copyInto(new Int32Array(Math.max(id + 1, counts.length * 2)), counts);
      counts[id]!++;
    });
    // Numbered in order of first use: each list gets its names in the order a count per name had them.
    const fieldLists: (Float64Array | undefined)[] = [];
    const directNames: string[] = [];
    const directCounts: number[] = [];
    const directSlot = new Int32Array(ids.names.length);
    ids.names.forEach((name, id) => {
      if (ids.kinds[id] === KIND_DIRECT) {
        directSlot[id] = directNames.length;
        directNames.push(name);
        directCounts.push(counts[id]!);
        return;
      }
      const list = new Float64Array(counts[id]!);
      this.field.set(name, list);
      fieldLists[id] = list;
    });
    counts.fill(0); // from here on: how many field refs are filled
    this.direct = new RefsByName(directNames, directCounts, (add) => eachNamedCall(nodes, ids, (node, b, c, id) => {
      const ref = packRef(node.index, b, c);
      if (ids.kinds[id] === KIND_DIRECT) add(directSlot[id]!, ref);
      else fieldLists[id]![counts[id]!++] = ref;
    }));
  }

  /** Call sites naming `name`, resolved or not (CallRefs; do not modify). */
  directCallsTo(name: string): Float64Array {
    return this.direct.get(name);
  }

  /** Changes whenever directCallsTo(name) may have. */
  directCallsVersion(name: string): number {
    return this.direct.version(name);
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

  /** Puts a file's moved call sites into the by-name lists (`ours`: the file's body keys, ascending). */
  patchByName(kind: 'direct' | 'field', moved: Map<string, CallRef[]>, ours: readonly number[]): void {
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
    eachPackedCall((node, b, c, kind, facts, nameIndex) => {
      if (kind !== KIND_DIRECT) return;
      const resolved = nodes.resolveName(facts.file, facts.names[nameIndex]!);
      for (const t of resolved) {
        if (count === targets.length) {
          const grown = Math.ceil(count * 1.5) + 16;
          targets = copyInto(new Int32Array(grown), targets);
          refs = copyInto(new Float64Array(grown), refs);
        }
        targets[count] = t.index;
        refs[count] = packRef(node.index, b, c);
        count++;
      }
    }, nodes.list);
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
