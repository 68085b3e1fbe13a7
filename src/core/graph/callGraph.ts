// The whole-tree call graph: function nodes (one per global name, one per static function
// of a file, alternatives under #ifdef folded into one node) and resolution of call sites
// to nodes, through names and through function pointers stored in struct fields.
import type { FileFacts, FunctionFact } from '../model/facts';
import { CALL_CALLEE, CALL_KIND, CALL_RECEIVER, CALL_STRIDE, KIND_DIRECT, KIND_FIELD, type CallHead, type PackedFileFacts, type PackedFunction } from '../model/packedFacts';
import { callHead } from '../model/packedCalls';

export interface FunctionBody {
  file: string;
  facts: PackedFileFacts;
  fn: PackedFunction;
}

/**
 * How notes name a function: `file:first-line name` (truncated flows, unreadable facts). One
 * format, since a live update moves a function's notes with its lines by this key.
 */
export function functionLabel(file: string, fn: { startLine: number; name: string }): string {
  return `${file}:${fn.startLine} ${fn.name}`;
}

/** Full facts of a file, read again from where they are kept (cache shard, memory). */
export type DetailSource = (file: PackedFileFacts) => FileFacts | undefined;

export interface FunctionNode {
  index: number;
  /** `name` for global functions, `file::name` for static ones. */
  key: string;
  name: string;
  bodies: FunctionBody[];
}

export interface CallTarget {
  node: FunctionNode;
  /** `direct`, or `->field` for a call through a function pointer field. */
  via: string;
  candidates?: number;
  structType?: string;
}

interface FieldStore {
  fn: string;
  file: string;
  structType?: string;
}

/** A field a function is stored in, with the struct type when the initializer shows it. */
interface StoredAt {
  field: string;
  structType?: string;
  /** `field@type` (`field@*` when untyped): the key of the field calls that can reach it. */
  group: string;
}

const NO_STORES: readonly StoredAt[] = [];
const NO_REFS = new Float64Array(0);

function copyInto<T extends Int32Array | Float64Array>(to: T, from: T): T {
  to.set(from);
  return to;
}

/** Does some call of `body` pass `test` (given the call's index)? */
export function someCall(body: FunctionBody, test: (call: number) => boolean): boolean {
  for (let i = 0; i < body.fn.callCount; i++) if (test(i)) return true;
  return false;
}

/** A call site packed into one number: (node index, body index, call index). */
export type CallRef = number;
/** Bodies kept per node (#ifdef alternatives), and the body factor of a CallRef. */
export const BODY_SLOTS = 16;
const CALL_BITS = 65536;

export function packRef(node: number, body: number, call: number): CallRef {
  return (node * BODY_SLOTS + body) * CALL_BITS + call;
}

/** The (node, body) part of a packed call site: node * BODY_SLOTS + body. */
export function bodyKeyOf(ref: CallRef): number {
  return Math.floor(ref / CALL_BITS);
}

/** The node part of a packed call site, without building the unpacked object. */
export function refNode(ref: CallRef): number {
  return Math.floor(ref / (BODY_SLOTS * CALL_BITS));
}

export function unpackRef(ref: CallRef): { node: number; body: number; call: number } {
  const call = ref % CALL_BITS;
  const rest = (ref - call) / CALL_BITS;
  const body = rest % BODY_SLOTS;
  return { node: (rest - body) / BODY_SLOTS, body, call };
}

/**
 * How far to trust calls through struct fields: `typed` follows them only when the source
 * shows the struct type and that type has stores for the field; `all` also follows untyped
 * ones to every function stored in any field of that name (many more, weaker chains).
 */
export type PointerPolicy = 'typed' | 'all';

/**
 * Direct callers of every node: node i's are refs[start[i]] to refs[start[i + 1] - 1], unless
 * an edit since gave it its own list in `overrides` (the packed arrays are not rebuilt).
 */
export interface CallerIndex {
  readonly start: Int32Array;
  readonly refs: Float64Array;
  readonly overrides: Map<number, Float64Array>;
}

const NO_FIELD_CALLERS: readonly CallRef[] = [];

/** What CallGraph.replaceFile changed. */
export interface FilePatch {
  /** The file's functions after the edit, kept and added. */
  nodes: FunctionNode[];
  /** Functions the edit removed: their nodes stay, without bodies. */
  removed: FunctionNode[];
  /** Functions whose calls resolve differently now (a name came or went, a store or field type changed), this file's included. */
  callers: FunctionNode[];
  /** Fields whose stores changed: calls through them may reach other functions now. */
  fields: ReadonlySet<string>;
  /** Struct field types changed: any call through a field may resolve to another struct type. */
  typesChanged: boolean;
}

/** Sorted refs of `list` not in the file's bodies, merged with the file's new ones (sorted). */
function mergeRefs(list: Float64Array | readonly CallRef[], ours: (ref: CallRef) => boolean, added: readonly CallRef[]): Float64Array {
  let kept = 0;
  for (const ref of list) if (!ours(ref)) kept++;
  // Callers stay in node, body, call order, which is numeric order: ties are broken by it.
  const out = new Float64Array(kept + added.length);
  let at = 0;
  let a = 0;
  for (const ref of list) {
    if (ours(ref)) continue;
    while (a < added.length && added[a]! < ref) out[at++] = added[a++]!;
    out[at++] = ref;
  }
  while (a < added.length) out[at++] = added[a++]!;
  return out;
}

/** Names whose call sites in the file moved: the others need no patching (a comment edit has none). */
function movedNames(before: Map<string, CallRef[]>, after: Map<string, CallRef[]>): Map<string, CallRef[]> {
  const moved = new Map<string, CallRef[]>();
  for (const [name, refs] of after) {
    const old = before.get(name);
    if (old === undefined || old.length !== refs.length || old.some((r, i) => r !== refs[i])) moved.set(name, refs);
  }
  for (const name of before.keys()) if (!after.has(name)) moved.set(name, []);
  return moved;
}

/**
 * Room for functions added by edits (CallGraph.replaceFile) without reallocating every array
 * indexed by node; past it, the analysis is rebuilt.
 */
const SPARE_NODES = 4096;
/** A rank's factor for the file's position: more functions than this in one file are not seen. */
const FUNCTIONS_PER_FILE = 65536;

export class CallGraph {
  readonly nodes: FunctionNode[] = [];
  /** Length of every array indexed by node (nodes.length plus room for edits). */
  readonly capacity: number;
  /**
   * Per node, its place in a graph built from scratch (file position, then function position
   * of its first body): ties are broken by it, so that a patched graph decides them the same way.
   */
  readonly ranks: Float64Array;
  private readonly fileOrder = new Map<string, number>();
  private readonly byKey = new Map<string, FunctionNode>();
  private readonly staticsByFile = new Map<string, Map<string, FunctionNode>>();
  private readonly headerStatics = new Map<string, FunctionNode[]>();
  private readonly fieldStores = new Map<string, FieldStore[]>();
  private readonly fieldTypes = new Map<string, string>();
  private readonly directByName = new Map<string, Float64Array>();
  private readonly fieldCalls = new Map<string, Float64Array>();
  /** Memo of resolveField: field -> resolved receiver type ('' when unknown) -> targets. */
  private readonly fieldTargets = new Map<string, Map<string, CallTarget[]>>();
  private storesByNode: Map<number, StoredAt[]> | undefined;
  private fieldCallers: Map<string, CallRef[]> | undefined;
  private reverse: CallerIndex | undefined;
  private readonly callerKeys = new Map<number, string[]>();
  private byFile: Map<string, FunctionNode[]> | undefined;
  private readonly storedAtByGroup = new Map<string, StoredAt>();
  /** The groups storedAt made for each field: what an edit of the field's stores regroups. */
  private readonly groupsByField = new Map<string, string[]>();
  private storedIn: Map<string, string | string[]> | undefined;
  private readonly details = new WeakMap<PackedFunction, FunctionFact | null>();
  /** Bodies whose full facts could not be read again (their flow was not analysed). */
  readonly detailMissing = new Set<string>();
  constructor(
    /** In walk order; a live analysis edits it in place, as replaceFile's caller. */
    private readonly files: readonly PackedFileFacts[],
    private readonly pointers: PointerPolicy = 'typed',
    private readonly detailSource: DetailSource = () => undefined,
  ) {
    files.forEach((f, i) => this.fileOrder.set(f.file, i));
    let functions = 0;
    for (const f of files) functions += f.functions.length;
    this.capacity = functions + SPARE_NODES;
    this.ranks = new Float64Array(this.capacity);
    for (const f of files) {
      for (const fn of f.functions) this.addBody(f, fn);
      for (const a of f.fieldAssignments) {
        const list = this.fieldStores.get(a.field) ?? [];
        list.push(a.structType === undefined ? { fn: a.fn, file: f.file } : { fn: a.fn, file: f.file, structType: a.structType });
        this.fieldStores.set(a.field, list);
      }
      for (const s of f.structFields) this.fieldTypes.set(`${s.struct}.${s.field}`, s.type);
    }
    // Two passes, counting then filling exact typed arrays: growing hundreds of thousands of
    // lists (then trimming them) left hundreds of MiB of garbage on a kernel.
    const counts = [new Map<string, number>(), new Map<string, number>()];
    const listOf = (kind: number): Map<string, Float64Array> | undefined => (kind === KIND_DIRECT ? this.directByName : kind === KIND_FIELD ? this.fieldCalls : undefined);
    this.eachCall((_node, _b, _c, kind, callee) => {
      const count = counts[kind];
      if (count !== undefined && listOf(kind) !== undefined) count.set(callee, (count.get(callee) ?? 0) + 1);
    });
    counts.forEach((count, kind) => {
      for (const [callee, n] of count) {
        listOf(kind)!.set(callee, new Float64Array(n));
        count.set(callee, 0); // from here on: how many are filled
      }
    });
    this.eachCall((node, b, c, kind, callee) => {
      const list = listOf(kind)?.get(callee);
      if (list === undefined) return;
      const at = counts[kind]!.get(callee)!;
      list[at] = packRef(node.index, b, c);
      counts[kind]!.set(callee, at + 1);
    });
  }

  /** Every call site (of `nodes`, of bodies with `only`'s facts), in node, body, call order: what the indexes are built from. */
  private eachCall(
    visit: (node: FunctionNode, body: number, call: number, kind: number, callee: string, file: string) => void,
    nodes: Iterable<FunctionNode> = this.nodes, only?: PackedFileFacts,
  ): void {
    for (const node of nodes) {
      node.bodies.forEach(({ file, facts, fn }, b) => {
        if (only !== undefined && facts !== only) return;
        const calls = facts.calls;
        for (let c = 0; c < fn.callCount; c++) {
          const s = (fn.firstCall + c) * CALL_STRIDE;
          visit(node, b, c, calls[s + CALL_KIND]!, facts.names[calls[s + CALL_CALLEE]!]!, file);
        }
      });
    }
  }

  private addBody(facts: PackedFileFacts, fact: PackedFunction): void {
    const file = facts.file;
    const key = fact.isStatic ? `${file}::${fact.name}` : fact.name;
    const body: FunctionBody = { file, facts, fn: fact };
    let node = this.byKey.get(key);
    if (node === undefined) {
      // A literal: an empty array's first push reserves 17 slots, and most functions have one body.
      node = { index: this.nodes.length, key, name: fact.name, bodies: [body] };
      this.nodes.push(node);
      this.ranks[node.index] = this.rankOf(file, fact);
      this.byKey.set(key, node);
      if (fact.isStatic) {
        const statics = this.staticsByFile.get(file) ?? new Map<string, FunctionNode>();
        statics.set(fact.name, node);
        this.staticsByFile.set(file, statics);
        if (file.endsWith('.h')) {
          const list = this.headerStatics.get(fact.name) ?? [];
          list.push(node);
          this.headerStatics.set(fact.name, list);
        }
      }
    } else if (node.bodies.length < BODY_SLOTS) {
      node.bodies.push(body);
    }
  }

  /** Builds now the indexes a first edit would otherwise build (see replaceFile). */
  prepareEdits(): void {
    this.nodesOf('');
    this.directCallerIndex();
    this.fieldsStoringName();
  }

  /** After a file was inserted into the file list: positions, and every rank, from the list. */
  renumberFiles(): void {
    this.files.forEach((f, i) => this.fileOrder.set(f.file, i));
    for (const node of this.nodes) {
      const first = node.bodies[0];
      if (first !== undefined) this.ranks[node.index] = this.rankOf(first.file, first.fn);
    }
  }

  private rankOf(file: string, fact: PackedFunction): number {
    return this.fileOrder.get(file)! * FUNCTIONS_PER_FILE + fact.index;
  }

  node(key: string): FunctionNode | undefined {
    return this.byKey.get(key);
  }

  /** A name called from `file`: its own static first, then a global, then header inlines. */
  resolveName(file: string, name: string): FunctionNode[] {
    const own = this.staticsByFile.get(file)?.get(name);
    if (own !== undefined) return [own];
    const global = this.byKey.get(name);
    if (global !== undefined) return [global];
    return this.headerStatics.get(name) ?? [];
  }

  /** Call `i` of a body, without its argument text. */
  call(body: FunctionBody, i: number): CallHead {
    return callHead(body.facts, body.fn, i);
  }

  /**
   * The full fact of a body (control flow, argument text), read again on demand; undefined when
   * it cannot be read or no longer matches (the body is then listed in detailMissing).
   */
  detail(body: FunctionBody): FunctionFact | undefined {
    const memo = this.details.get(body.fn);
    if (memo !== undefined) return memo ?? undefined;
    const fact = this.detailSource(body.facts)?.functions[body.fn.index];
    const ok = fact !== undefined && fact.name === body.fn.name && fact.startLine === body.fn.startLine && fact.calls.length === body.fn.callCount;
    if (!ok) this.detailMissing.add(functionLabel(body.file, body.fn));
    this.details.set(body.fn, ok ? fact : null);
    return ok ? fact : undefined;
  }

  /** Nodes with a body in `file`, indexed once. */
  nodesOf(file: string): readonly FunctionNode[] {
    if (this.byFile === undefined) {
      this.byFile = new Map();
      for (const n of this.nodes) {
        for (const b of n.bodies) {
          const list = this.byFile.get(b.file);
          if (list === undefined) this.byFile.set(b.file, [n]);
          else if (list.at(-1) !== n) list.push(n);
        }
      }
    }
    return this.byFile.get(file) ?? [];
  }

  /** A file's facts were swapped for new ones with the same calls: forget what was said of the old. */
  forgetFile(file: string): void {
    for (const m of [...this.detailMissing]) if (m.startsWith(`${file}:`)) this.detailMissing.delete(m);
  }

  resolveCall(file: string, call: CallHead): CallTarget[] {
    if (call.kind === 'direct') return this.resolveName(file, call.callee).map((node) => ({ node, via: 'direct' }));
    if (call.kind === 'field') return this.resolveField(call.callee, call.receiverType);
    return [];
  }

  /** Struct type at the end of a type path such as `file.f_op`, when every step is known. */
  resolveTypePath(path: string): string | undefined {
    const parts = path.split('.');
    let type: string | undefined = parts[0];
    for (let i = 1; i < parts.length && type !== undefined; i++) type = this.fieldTypes.get(`${type}.${parts[i]}`);
    return type;
  }

  /** Functions that may be stored in `.field` of the receiver's struct type (all stores if unknown). */
  resolveField(field: string, receiverType: string | undefined): CallTarget[] {
    const type = receiverType === undefined ? undefined : this.resolveTypePath(receiverType);
    let memo = this.fieldTargets.get(field);
    if (memo === undefined) {
      memo = new Map();
      this.fieldTargets.set(field, memo);
    }
    const cached = memo.get(type ?? '');
    if (cached !== undefined) return cached;
    const stores = this.fieldStores.get(field) ?? [];
    let chosen = type === undefined ? [] : stores.filter((s) => s.structType === type);
    const narrowed = chosen.length > 0;
    if (!narrowed) chosen = this.pointers === 'all' ? stores : [];
    const seen = new Set<FunctionNode>();
    for (const s of chosen) for (const n of this.resolveName(s.file, s.fn)) seen.add(n);
    const via = `->${field}`;
    const targets = [...seen].map((node): CallTarget => (narrowed ? { node, via, candidates: seen.size, structType: type! } : { node, via, candidates: seen.size }));
    memo.set(type ?? '', targets);
    return targets;
  }

  /** Files that store `fn` in a field named `field` (in an initializer or by assignment). */
  storeFiles(field: string, fn: string): string[] {
    const files: string[] = [];
    for (const st of this.fieldStores.get(field) ?? []) if (st.fn === fn && !files.includes(st.file)) files.push(st.file);
    return files;
  }

  /** Files that store any function in a field named `field`. */
  storeFilesOfField(field: string): string[] {
    return [...new Set((this.fieldStores.get(field) ?? []).map((st) => st.file))];
  }

  /** Call sites naming `name`, resolved or not (CallRefs; do not modify). */
  directCallsTo(name: string): Float64Array {
    return this.directByName.get(name) ?? NO_REFS;
  }

  /**
   * Direct call sites that resolve to `node` (a same-named static elsewhere does not count).
   * Resolved once for the whole tree: reverse searches visit most functions, once per sink.
   */
  directCallersOf(node: FunctionNode): Float64Array {
    const { start, refs, overrides } = this.directCallerIndex();
    return overrides.get(node.index) ?? refs.subarray(start[node.index]!, start[node.index + 1]!);
  }

  /** The same for all nodes at once. */
  directCallerIndex(): CallerIndex {
    if (this.reverse === undefined) this.reverse = this.buildReverse();
    return this.reverse;
  }

  private buildReverse(): CallerIndex {
    // Sized for one target per direct call (header statics can have more: then it grows).
    let size = 0;
    for (const list of this.directByName.values()) size += list.length;
    let targets = new Int32Array(size);
    let refs = new Float64Array(size);
    let count = 0;
    // In node, body, call order: each target's callers come out in the order directCallsTo has.
    this.eachCall((node, b, c, kind, callee, file) => {
      if (kind !== KIND_DIRECT) return;
      for (const t of this.resolveName(file, callee)) {
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
    const start = new Int32Array(this.nodes.length + 1);
    for (let i = 0; i < count; i++) start[targets[i]! + 1]!++;
    for (let i = 0; i < this.nodes.length; i++) start[i + 1]! += start[i]!;
    const fill = start.slice(0, this.nodes.length);
    const sorted = new Float64Array(count);
    for (let i = 0; i < count; i++) sorted[fill[targets[i]!]!++] = refs[i]!;
    return { start, refs: sorted, overrides: new Map() };
  }

  /**
   * Swaps a file's facts for new ones (already in the graph's file list), in place, as a graph
   * built from scratch would hold them: kept functions keep their nodes, removed ones leave
   * their node without bodies, added ones get new nodes (ranked where a fresh graph would put
   * them), the file's call sites are taken out of every index and put in again, and so are its
   * function-pointer stores and struct field types. Says why not (the caller then
   * rebuilds) when the edit reaches further: alternatives of a function changing count, an
   * added function also defined elsewhere, no room left for new nodes.
   */
  replaceFile(old: PackedFileFacts, next: PackedFileFacts): FilePatch | string {
    const file = old.file;
    const nodes = this.nodesOf(file);
    const oldBodies = new Map<string, { node: FunctionNode; b: number }[]>();
    for (const node of nodes) node.bodies.forEach((body, b) => {
      if (body.facts !== old) return;
      const list = oldBodies.get(node.key) ?? [];
      list.push({ node, b });
      oldBodies.set(node.key, list);
    });
    const nextFns = new Map<string, PackedFunction[]>();
    for (const fn of next.functions) {
      const key = fn.isStatic ? `${file}::${fn.name}` : fn.name;
      const list = nextFns.get(key) ?? [];
      list.push(fn);
      nextFns.set(key, list);
    }
    const added = [...nextFns.keys()].filter((k) => !oldBodies.has(k));
    const removed = [...oldBodies.keys()].filter((k) => !nextFns.has(k));
    for (const [key, bodies] of oldBodies) {
      const now = nextFns.get(key);
      if (now !== undefined && now.length !== bodies.length) return `the alternatives of ${bodies[0]!.node.name} changed`;
      if (now === undefined && bodies[0]!.node.bodies.length !== bodies.length) return `${bodies[0]!.node.name} is also defined elsewhere`;
    }
    for (const key of added) {
      const name = nextFns.get(key)![0]!.name;
      if (this.byKey.has(key)) return `${name} is also defined elsewhere`;
      if (nextFns.get(key)!.length > BODY_SLOTS) return `${name} has too many alternatives`;
    }
    if (this.nodes.length + added.length > this.capacity) return 'too many functions were added since the analysis was built';
    // A function that came or went changes what its name resolves to in every file calling it.
    const renamed = new Set([...added, ...removed].map((k) => nextFns.get(k)?.[0]?.name ?? oldBodies.get(k)![0]!.node.name));
    const stores = this.storePatch(old, next, renamed);
    // Where each such name is called from, before the edit and after (the file itself).
    const callerFiles = new Map<string, Set<string>>();
    for (const name of renamed) {
      const files = new Set<string>([file]);
      for (const ref of this.directCallsTo(name)) files.add(this.bodyAt(ref).file);
      callerFiles.set(name, files);
    }
    const retargeted = new Set<FunctionNode>();
    const retarget = (): void => {
      for (const [name, files] of callerFiles) for (const f of files) for (const t of this.resolveName(f, name)) retargeted.add(t);
    };
    retarget();
    stores.before();

    const before = this.refsOfFile(old);
    const kept = nodes.filter((n) => oldBodies.has(n.key) && nextFns.has(n.key));
    for (const node of kept) {
      const fns = nextFns.get(node.key)!;
      oldBodies.get(node.key)!.forEach(({ b }, i) => {
        const body = node.bodies[b]!;
        body.facts = next;
        body.fn = fns[i]!;
      });
      if (node.bodies[0]!.file === file) this.ranks[node.index] = this.rankOf(file, node.bodies[0]!.fn);
    }
    const gone = removed.map((key) => this.dropNode(oldBodies.get(key)![0]!.node));
    const fresh: FunctionNode[] = [];
    for (const fn of next.functions) {
      const key = fn.isStatic ? `${file}::${fn.name}` : fn.name;
      if (!added.includes(key)) continue;
      const known = this.byKey.get(key);
      this.addBody(next, fn);
      if (known === undefined) fresh.push(this.byKey.get(key)!);
    }
    const current = [...kept, ...fresh];
    this.byFile?.set(file, current);
    retarget();
    stores.swap();
    const after = this.refsOfFile(next);

    // The file's call sites, old and new, by (node, body): a removed function's bodies were all here.
    const slots = new Set<number>();
    for (const node of current) node.bodies.forEach((body, b) => {
      if (body.facts === next) slots.add(node.index * BODY_SLOTS + b);
    });
    for (const node of gone) for (let b = 0; b < BODY_SLOTS; b++) slots.add(node.index * BODY_SLOTS + b);
    const ours = (ref: CallRef): boolean => slots.has(bodyKeyOf(ref));
    const patch = (index: Map<string, Float64Array>, moved: Map<string, CallRef[]>): void => {
      for (const [name, refs] of moved) {
        const merged = mergeRefs(index.get(name) ?? NO_REFS, ours, refs);
        if (merged.length === 0) index.delete(name);
        else index.set(name, merged);
      }
    };
    const direct = movedNames(before.direct, after.direct);
    patch(this.directByName, direct);
    patch(this.fieldCalls, movedNames(before.field, after.field));
    if (this.fieldCallers !== undefined) {
      for (const [group, refs] of movedNames(before.groups, after.groups)) {
        const merged = [...mergeRefs(this.fieldCallers.get(group) ?? NO_FIELD_CALLERS, ours, refs)];
        if (merged.length === 0) this.fieldCallers.delete(group);
        else this.fieldCallers.set(group, merged);
      }
    }
    if (this.reverse !== undefined) {
      const { overrides } = this.reverse;
      // Where resolution changed, callers are found again from every call site naming the node;
      // elsewhere the file's sites are merged into the list (kfree's runs to 100k sites).
      const retargets = new Set<FunctionNode>([...retargeted, ...fresh, ...gone]);
      for (const t of retargets) overrides.set(t.index, this.resolvedCallers(t));
      for (const [name, refs] of direct) {
        if (renamed.has(name)) continue;
        for (const t of this.resolveName(file, name)) if (!retargets.has(t)) overrides.set(t.index, mergeRefs(this.directCallersOf(t), ours, refs));
      }
    }
    this.forgetFile(file);
    const callers = stores.finish();
    for (const name of renamed) for (const ref of this.directCallsTo(name)) callers.add(this.nodes[refNode(ref)]!);
    return { nodes: current, removed: gone, callers: [...callers].filter((n) => !gone.includes(n)), fields: stores.fields, typesChanged: stores.typesChanged };
  }

  /** The file's call sites by callee name, by field name and by field group. */
  private refsOfFile(facts: PackedFileFacts): { direct: Map<string, CallRef[]>; field: Map<string, CallRef[]>; groups: Map<string, CallRef[]> } {
    const out = { direct: new Map<string, CallRef[]>(), field: new Map<string, CallRef[]>(), groups: new Map<string, CallRef[]>() };
    const add = (map: Map<string, CallRef[]>, key: string, ref: CallRef): void => {
      const list = map.get(key);
      if (list === undefined) map.set(key, [ref]);
      else list.push(ref);
    };
    this.eachCall((node, b, c, kind, callee) => {
      const ref = packRef(node.index, b, c);
      if (kind === KIND_DIRECT) add(out.direct, callee, ref);
      else if (kind === KIND_FIELD) {
        add(out.field, callee, ref);
        if (this.fieldCallers === undefined) return;
        // Field call groups depend on receiver types: read before and after the swap.
        const targets = this.resolveField(callee, this.receiverTypeAt(ref));
        if (targets.length > 0) add(out.groups, this.storedAt(callee, targets[0]!.structType).group, ref);
      }
    }, this.nodesOf(facts.file), facts);
    for (const map of [out.direct, out.field, out.groups]) for (const list of map.values()) list.sort((x, y) => x - y);
    return out;
  }

  /** Takes a function out of name resolution; its node stays, without bodies. */
  private dropNode(node: FunctionNode): FunctionNode {
    const { file, fn } = node.bodies[0]!;
    node.bodies = [];
    this.byKey.delete(node.key);
    if (fn.isStatic) {
      this.staticsByFile.get(file)?.delete(fn.name);
      const list = this.headerStatics.get(fn.name);
      if (list !== undefined) {
        const kept = list.filter((n) => n !== node);
        if (kept.length === 0) this.headerStatics.delete(fn.name);
        else this.headerStatics.set(fn.name, kept);
      }
    }
    return node;
  }

  /**
   * The part of replaceFile that concerns calls through pointers: the fields whose stores the
   * edit changes (the file's own, and any storing a function that came or went). In steps,
   * around the swap of definitions: `before` notes the functions those fields held, `swap`
   * puts the file's new stores in, `finish` (after the file's calls are patched) forgets what
   * was derived from the old stores and returns the field calls' callers, whose targets moved.
   */
  private storePatch(old: PackedFileFacts, next: PackedFileFacts, renamed: ReadonlySet<string>): {
    fields: Set<string>; typesChanged: boolean; before(): void; swap(): void; finish(): Set<FunctionNode>;
  } {
    const file = old.file;
    const typeKey = (x: PackedFileFacts['structFields'][number]): string => `${x.struct}.${x.field}`;
    const types = (f: PackedFileFacts): string => f.structFields.map((x) => `${typeKey(x)}:${x.type}`).join(',');
    const typesChanged = types(old) !== types(next);
    // With field types changing, any field call's receiver may now resolve to another struct.
    let receivers: Map<string, string | undefined> | undefined;
    const noteReceivers = (): Map<string, string | undefined> => {
      const out = new Map<string, string | undefined>();
      for (const refs of this.fieldCalls.values()) {
        for (const ref of refs) {
          const path = this.receiverTypeAt(ref);
          if (path !== undefined && !out.has(path)) out.set(path, this.resolveTypePath(path));
        }
      }
      return out;
    };
    const key = (a: PackedFileFacts['fieldAssignments'][number]): string => `${a.field}=${a.fn}@${a.structType ?? ''}`;
    const fields = new Set<string>();
    if (old.fieldAssignments.map(key).join(',') !== next.fieldAssignments.map(key).join(',')) {
      for (const a of [...old.fieldAssignments, ...next.fieldAssignments]) fields.add(a.field);
    }
    for (const name of renamed) for (const field of this.fieldsNamed(name)) fields.add(field);
    const handlers = new Set<FunctionNode>();
    const noteHandlers = (): void => {
      for (const field of fields) for (const st of this.fieldStores.get(field) ?? []) for (const n of this.resolveName(st.file, st.fn)) handlers.add(n);
    };
    return {
      fields,
      typesChanged,
      before: () => {
        noteHandlers();
        if (typesChanged) receivers = noteReceivers();
      },
      swap: () => {
        if (typesChanged) {
          // A fresh graph keeps the last declaration in file order: find it again for these keys.
          const keys = new Set([...old.structFields, ...next.structFields].map(typeKey));
          const last = new Map<string, string>();
          for (const f of this.files) for (const x of f.structFields) if (keys.has(typeKey(x))) last.set(typeKey(x), x.type);
          for (const key of keys) {
            const type = last.get(key);
            if (type === undefined) this.fieldTypes.delete(key);
            else this.fieldTypes.set(key, type);
          }
        }
        if (fields.size === 0) return;
        for (const field of fields) {
          const list = (this.fieldStores.get(field) ?? []).filter((st) => st.file !== file);
          for (const a of next.fieldAssignments) {
            if (a.field !== field) continue;
            list.push(a.structType === undefined ? { fn: a.fn, file } : { fn: a.fn, file, structType: a.structType });
            this.noteStored(a.fn, field);
          }
          if (list.length === 0) this.fieldStores.delete(field);
          else this.fieldStores.set(field, list);
        }
        noteHandlers();
      },
      finish: () => {
        const callers = new Set<FunctionNode>();
        if (typesChanged) {
          this.fieldTargets.clear();
          // Regrouped on first use, as in a graph built from scratch.
          this.fieldCallers = undefined;
          for (const refs of this.fieldCalls.values()) {
            for (const ref of refs) {
              const path = this.receiverTypeAt(ref);
              if (path !== undefined && receivers!.get(path) !== this.resolveTypePath(path)) callers.add(this.nodes[refNode(ref)]!);
            }
          }
        }
        if (fields.size === 0) return callers;
        for (const field of fields) this.fieldTargets.delete(field);
        if (this.storesByNode !== undefined) {
          const names = new Set([...handlers].map((n) => n.name));
          const fresh = new Map<number, StoredAt[]>([...handlers].map((n) => [n.index, []]));
          for (const name of names) {
            for (const field of this.fieldsNamed(name)) {
              for (const st of this.fieldStores.get(field) ?? []) {
                if (st.fn !== name) continue;
                for (const n of this.resolveName(st.file, st.fn)) fresh.get(n.index)?.push(this.storedAt(field, st.structType));
              }
            }
          }
          for (const [n, list] of fresh) {
            if (list.length === 0) this.storesByNode.delete(n);
            else this.storesByNode.set(n, list);
            this.callerKeys.delete(n);
          }
        }
        if (this.fieldCallers !== undefined) {
          for (const field of fields) for (const group of this.groupsByField.get(field) ?? []) this.fieldCallers.delete(group);
        }
        for (const field of fields) {
          for (const ref of this.fieldCalls.get(field) ?? NO_REFS) {
            callers.add(this.nodes[refNode(ref)]!);
            if (this.fieldCallers === undefined) continue;
            const targets = this.resolveField(field, this.receiverTypeAt(ref));
            if (targets.length === 0) continue;
            const group = this.storedAt(field, targets[0]!.structType).group;
            const list = this.fieldCallers.get(group);
            if (list === undefined) this.fieldCallers.set(group, [ref]);
            else list.push(ref);
          }
        }
        return callers;
      },
    };
  }

  /**
   * Fields each function name is stored in, tree-wide, built on first use: a field's name, or
   * several (most functions sit in one field, and a Set each would cost tens of MiB). Stores an
   * edit removes are not taken out: a stale entry only makes a patch look at one field more.
   */
  private fieldsStoringName(): Map<string, string | string[]> {
    if (this.storedIn === undefined) {
      this.storedIn = new Map();
      for (const [field, list] of this.fieldStores) for (const st of list) this.noteStored(st.fn, field);
    }
    return this.storedIn;
  }

  private fieldsNamed(name: string): readonly string[] {
    const fields = this.fieldsStoringName().get(name);
    return fields === undefined ? [] : typeof fields === 'string' ? [fields] : fields;
  }

  private noteStored(fn: string, field: string): void {
    const index = this.storedIn;
    if (index === undefined) return;
    const fields = index.get(fn);
    if (fields === undefined) index.set(fn, field);
    else if (typeof fields === 'string') {
      if (fields !== field) index.set(fn, [fields, field]);
    } else if (!fields.includes(field)) fields.push(field);
  }

  /** Direct callers of `node`, from the call sites naming it (sorted, as the index holds them). */
  private resolvedCallers(node: FunctionNode): Float64Array {
    if (node.bodies.length === 0) return NO_REFS;
    const refs = this.directCallsTo(node.name).filter((ref) => this.resolveName(this.bodyAt(ref).file, node.name).includes(node));
    return refs;
  }

  private bodyAt(ref: CallRef): FunctionBody {
    const { node, body } = unpackRef(ref);
    return this.nodes[node]!.bodies[body]!;
  }

  /** Where each function is stored (field, struct type when shown), resolved once for the tree. */
  private storesOf(node: number): readonly StoredAt[] {
    if (this.storesByNode === undefined) {
      const byNode = new Map<number, StoredAt[]>();
      for (const [field, stores] of this.fieldStores) {
        for (const st of stores) {
          for (const n of this.resolveName(st.file, st.fn)) {
            const at = this.storedAt(field, st.structType);
            const list = byNode.get(n.index);
            if (list === undefined) byNode.set(n.index, [at]);
            else list.push(at);
          }
        }
      }
      for (const [n, list] of byNode) byNode.set(n, list.slice());
      this.storesByNode = byNode;
    }
    return this.storesByNode.get(node) ?? NO_STORES;
  }

  /** One shared record per (field, struct type): hundreds of thousands of stores name a few thousand. */
  private storedAt(field: string, structType: string | undefined): StoredAt {
    const group = `${field}@${structType ?? '*'}`;
    let at = this.storedAtByGroup.get(group);
    if (at === undefined) {
      at = structType === undefined ? { field, group } : { field, structType, group };
      this.storedAtByGroup.set(group, at);
      const groups = this.groupsByField.get(field);
      if (groups === undefined) this.groupsByField.set(field, [group]);
      else groups.push(group);
    }
    return at;
  }

  /** The fields a function is stored in anywhere in the tree. */
  fieldsStoring(node: FunctionNode): ReadonlySet<string> {
    return new Set(this.storesOf(node.index).map((st) => st.field));
  }

  /**
   * Groups of field calls that can reach `node`: those whose resolved struct type is a type
   * `node` is stored under (and, with the `all` policy, untyped ones on a field it is stored in).
   * Every handler stored under the same key shares a group, so a search expands it once.
   */
  fieldCallerKeys(node: number): readonly string[] {
    const stores = this.storesOf(node);
    if (stores.length === 0) return stores as readonly never[];
    let keys = this.callerKeys.get(node);
    if (keys === undefined) {
      const set = new Set<string>();
      for (const st of stores) {
        if (st.structType !== undefined) set.add(st.group);
        if (this.pointers === 'all') set.add(this.storedAt(st.field, undefined).group);
      }
      keys = [...set];
      this.callerKeys.set(node, keys);
    }
    return keys;
  }

  /** The field calls of one group (see fieldCallerKeys), grouped once for the tree. */
  fieldCallersIn(key: string): readonly CallRef[] {
    if (this.fieldCallers === undefined) {
      const callers = new Map<string, CallRef[]>();
      for (const [field, refs] of this.fieldCalls) {
        for (const ref of refs) {
          const targets = this.resolveField(field, this.receiverTypeAt(ref));
          if (targets.length === 0) continue;
          const group = this.storedAt(field, targets[0]!.structType).group;
          const list = callers.get(group);
          if (list === undefined) callers.set(group, [ref]);
          else list.push(ref);
        }
      }
      this.fieldCallers = callers;
    }
    return this.fieldCallers.get(key) ?? [];
  }

  /** Is a field call left unfollowed by the pointer policy? */
  isUntypedField(call: CallHead): boolean {
    return call.kind === 'field' && this.pointers === 'typed' && this.resolveField(call.callee, call.receiverType).length === 0 && (this.fieldStores.get(call.callee)?.length ?? 0) > 0;
  }

  /** The receiver type of a field call, read from the packed call without building its head. */
  private receiverTypeAt(ref: CallRef): string | undefined {
    const { node, body, call } = unpackRef(ref);
    const { facts, fn } = this.nodes[node]!.bodies[body]!;
    const id = facts.calls[(fn.firstCall + call) * CALL_STRIDE + CALL_RECEIVER]!;
    return id < 0 ? undefined : facts.names[id];
  }

  callAt(ref: CallRef): { node: FunctionNode; body: FunctionBody; call: CallHead; callIndex: number } {
    const { node, body, call } = unpackRef(ref);
    const n = this.nodes[node]!;
    const b = n.bodies[body]!;
    return { node: n, body: b, call: callHead(b.facts, b.fn, call), callIndex: call };
  }
}
