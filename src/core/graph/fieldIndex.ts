// The function-pointer field index: which functions are stored in which struct fields (by
// initializer or assignment), the struct field types that resolve a receiver such as
// `file.f_op`, and the field calls that can reach a function, grouped by (field, struct type).
import { viaField } from '../model/chain';
import type { CallHead, PackedFileFacts } from '../model/packedFacts';
import { addRef, mergeRefs, NO_REFS, refNode, type CallRef } from './callRefs';
import type { Callers } from './callerIndex';
import type { CallTarget, FunctionNode, FunctionNodes } from './functionNodes';

/**
 * How far to trust calls through struct fields: `typed` follows them only when the source
 * shows the struct type and that type has stores for the field; `all` also follows untyped
 * ones to every function stored in any field of that name (many more, weaker chains).
 */
export type PointerPolicy = 'typed' | 'all';

export interface FieldStore {
  fn: string;
  file: string;
  structType?: string;
  /** The named variable an initializer stores into (FieldAssignment.object). */
  object?: string;
  line: number;
}

/** A field a function is stored in, with the struct type when the initializer shows it. */
interface StoredAt {
  field: string;
  structType?: string;
  /** `field@type` (`field@*` when untyped): the key of the field calls that can reach it. */
  group: string;
}

const NO_STORES: readonly StoredAt[] = [];
const NO_FIELD_CALLERS: readonly CallRef[] = [];

type StructField = PackedFileFacts['structFields'][number];
type FieldAssignment = PackedFileFacts['fieldAssignments'][number];

function storeOf(a: FieldAssignment, file: string): FieldStore {
  // One literal per shape: a property added after the literal goes to a separate backing store,
  // which made each of a kernel's ~700k stores cost about twice its fields.
  const { fn, line, structType, object } = a;
  if (structType === undefined) return object === undefined ? { fn, file, line } : { fn, file, line, object };
  return object === undefined ? { fn, file, line, structType } : { fn, file, line, structType, object };
}

/** `struct.field`: the key of a struct field's type. */
export function typeKey(x: StructField): string {
  return `${x.struct}.${x.field}`;
}

export class FieldIndex {
  private readonly stores = new Map<string, FieldStore[]>();
  private readonly types = new Map<string, string>();
  /** Memo of resolveField: field -> resolved receiver type ('' when unknown) -> targets. */
  private readonly targets = new Map<string, Map<string, CallTarget[]>>();
  private storesByNode: Map<number, StoredAt[]> | undefined;
  /** Field calls by group (see fieldCallerKeys), built on first use. */
  private groups: Map<string, CallRef[]> | undefined;
  private readonly callerKeys = new Map<number, string[]>();
  /** storedAt's records, by field then struct type. */
  private readonly storedAtByField = new Map<string, Map<string | undefined, StoredAt>>();
  /** The groups storedAt made for each field: what an edit of the field's stores regroups. */
  private readonly groupsByField = new Map<string, string[]>();
  private storedIn: Map<string, string | string[]> | undefined;
  /** storeFiles by field, then function name, built per field on first use (one file, or several). */
  private readonly storeFilesByField = new Map<string, Map<string, string | string[]>>();

  constructor(
    private readonly nodes: FunctionNodes,
    private readonly callers: Callers,
    private readonly pointers: PointerPolicy,
  ) {}

  /** Takes in a file's stores and struct field types (files in walk order: the last type wins). */
  addFile(f: PackedFileFacts): void {
    for (const a of f.fieldAssignments) {
      const list = this.stores.get(a.field) ?? [];
      this.storeFilesByField.delete(a.field);
      list.push(storeOf(a, f.file));
      this.stores.set(a.field, list);
    }
    for (const s of f.structFields) this.types.set(typeKey(s), s.type);
  }

  /** Struct type at the end of a type path such as `file.f_op`, when every step is known. */
  resolveTypePath(path: string): string | undefined {
    const parts = path.split('.');
    let type: string | undefined = parts[0];
    for (let i = 1; i < parts.length && type !== undefined; i++) type = this.types.get(`${type}.${parts[i]}`);
    return type;
  }

  /** Functions that may be stored in `.field` of the receiver's struct type (all stores if unknown). */
  resolveField(field: string, receiverType: string | undefined): CallTarget[] {
    const type = receiverType === undefined ? undefined : this.resolveTypePath(receiverType);
    let memo = this.targets.get(field);
    if (memo === undefined) {
      memo = new Map();
      this.targets.set(field, memo);
    }
    const cached = memo.get(type ?? '');
    if (cached !== undefined) return cached;
    const stores = this.stores.get(field) ?? [];
    let chosen = type === undefined ? [] : stores.filter((s) => s.structType === type);
    const narrowed = chosen.length > 0;
    if (!narrowed) chosen = this.pointers === 'all' ? stores : [];
    const seen = new Set<FunctionNode>();
    for (const s of chosen) for (const n of this.nodes.resolveName(s.file, s.fn)) seen.add(n);
    const via = viaField(field);
    const targets = [...seen].map((node): CallTarget => (narrowed ? { node, via, candidates: seen.size, structType: type! } : { node, via, candidates: seen.size }));
    memo.set(type ?? '', targets);
    return targets;
  }

  /** Files that store `fn` in a field named `field` (in an initializer or by assignment). */
  storeFiles(field: string, fn: string): string[] {
    let byFn = this.storeFilesByField.get(field);
    if (byFn === undefined) {
      // Asked for every pointer hop of every chain judged: a field's stores are grouped once.
      byFn = new Map();
      for (const st of this.stores.get(field) ?? []) {
        const files = byFn.get(st.fn);
        if (files === undefined) byFn.set(st.fn, st.file);
        else if (typeof files === 'string') {
          if (files !== st.file) byFn.set(st.fn, [files, st.file]);
        } else if (!files.includes(st.file)) files.push(st.file);
      }
      this.storeFilesByField.set(field, byFn);
    }
    const files = byFn.get(fn);
    return files === undefined ? [] : typeof files === 'string' ? [files] : [...files];
  }

  /** Every store into a field named `field`. */
  storesIn(field: string): readonly FieldStore[] {
    return this.stores.get(field) ?? [];
  }

  /** Files that store any function in a field named `field`. */
  storeFilesOfField(field: string): string[] {
    return [...new Set((this.stores.get(field) ?? []).map((st) => st.file))];
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
    if (this.groups === undefined) {
      const groups = new Map<string, CallRef[]>();
      for (const [field, refs] of this.callers.field) {
        for (const ref of refs) {
          const group = this.groupOf(field, ref);
          if (group !== undefined) addRef(groups, group, ref);
        }
      }
      this.groups = groups;
    }
    return this.groups.get(key) ?? [];
  }

  /** Is a field call left unfollowed by the pointer policy? */
  isUntypedField(call: CallHead): boolean {
    return call.kind === 'field' && this.pointers === 'typed' && this.resolveField(call.callee, call.receiverType).length === 0 && (this.stores.get(call.callee)?.length ?? 0) > 0;
  }

  /** The group of the field call `ref` through `.field`: none when it resolves to no function. */
  groupOf(field: string, ref: CallRef): string | undefined {
    const targets = this.resolveField(field, this.nodes.receiverTypeAt(ref));
    return targets.length === 0 ? undefined : this.storedAt(field, targets[0]!.structType).group;
  }

  /** Have field calls been grouped (then an edit must keep the groups up to date)? */
  get grouped(): boolean {
    return this.groups !== undefined;
  }

  /**
   * Fields each function name is stored in, tree-wide, built on first use: a field's name, or
   * several (most functions sit in one field, and a Set each would cost tens of MiB). Stores an
   * edit removes are not taken out: a stale entry only makes a patch look at one field more.
   */
  fieldsStoringName(): Map<string, string | string[]> {
    if (this.storedIn === undefined) {
      this.storedIn = new Map();
      for (const [field, list] of this.stores) for (const st of list) this.noteStored(st.fn, field);
    }
    return this.storedIn;
  }

  fieldsNamed(name: string): readonly string[] {
    const fields = this.fieldsStoringName().get(name);
    return fields === undefined ? [] : typeof fields === 'string' ? [fields] : fields;
  }

  // What an edit of one file changes (see filePatch.ts), in the order it calls them.

  /** Adds to `into` the functions stored in `fields`. */
  noteHandlers(fields: ReadonlySet<string>, into: Set<FunctionNode>): void {
    for (const field of fields) for (const st of this.stores.get(field) ?? []) for (const n of this.nodes.resolveName(st.file, st.fn)) into.add(n);
  }

  /** The struct type every field call's receiver path resolves to now. */
  receiverTypes(): Map<string, string | undefined> {
    const out = new Map<string, string | undefined>();
    for (const refs of this.callers.field.values()) {
      for (const ref of refs) {
        const path = this.nodes.receiverTypeAt(ref);
        if (path !== undefined && !out.has(path)) out.set(path, this.resolveTypePath(path));
      }
    }
    return out;
  }

  /** Struct field types of `keys` read again from `files`: a fresh graph keeps the last declaration in file order. */
  retype(files: readonly PackedFileFacts[], keys: ReadonlySet<string>): void {
    const last = new Map<string, string>();
    for (const f of files) for (const x of f.structFields) if (keys.has(typeKey(x))) last.set(typeKey(x), x.type);
    for (const key of keys) {
      const type = last.get(key);
      if (type === undefined) this.types.delete(key);
      else this.types.set(key, type);
    }
  }

  /** Swaps the stores `file` has in `fields` for those of its new facts. */
  replaceStores(file: string, next: PackedFileFacts, fields: ReadonlySet<string>): void {
    for (const field of fields) {
      this.storeFilesByField.delete(field);
      const list = (this.stores.get(field) ?? []).filter((st) => st.file !== file);
      for (const a of next.fieldAssignments) {
        if (a.field !== field) continue;
        list.push(storeOf(a, file));
        this.noteStored(a.fn, field);
      }
      if (list.length === 0) this.stores.delete(field);
      else this.stores.set(field, list);
    }
  }

  /**
   * Struct field types changed: forgets every resolved field call (regrouped on first use, as
   * in a graph built from scratch) and adds to `callers` the functions whose field calls'
   * receivers resolve to another type than in `before` (receiverTypes() of the old types).
   */
  forgetTypes(before: ReadonlyMap<string, string | undefined>, callers: Set<FunctionNode>): void {
    this.targets.clear();
    this.groups = undefined;
    for (const refs of this.callers.field.values()) {
      for (const ref of refs) {
        const path = this.nodes.receiverTypeAt(ref);
        if (path !== undefined && before.get(path) !== this.resolveTypePath(path)) callers.add(this.nodes.list[refNode(ref)]!);
      }
    }
  }

  /**
   * The stores of `fields` changed: forgets what was derived from them (targets, where
   * `handlers`, the functions stored there before and after, are stored, the fields' groups),
   * regroups their calls and adds the functions making those calls to `callers`.
   */
  refreshFields(fields: ReadonlySet<string>, handlers: ReadonlySet<FunctionNode>, callers: Set<FunctionNode>): void {
    for (const field of fields) this.targets.delete(field);
    if (this.storesByNode !== undefined) {
      const names = new Set([...handlers].map((n) => n.name));
      const fresh = new Map<number, StoredAt[]>([...handlers].map((n) => [n.index, []]));
      // The handlers of a field like ->write are thousands, each stored in a few fields of
      // thousands of stores: each field's stores are grouped by function once, not scanned
      // once per handler (seconds after an edit that made a file's stores be read again).
      const byFunction = new Map<string, Map<string, FieldStore[]>>();
      const storesOf = (field: string, name: string): readonly FieldStore[] => {
        let grouped = byFunction.get(field);
        if (grouped === undefined) {
          grouped = new Map();
          for (const st of this.stores.get(field) ?? []) {
            if (!names.has(st.fn)) continue;
            const list = grouped.get(st.fn);
            if (list === undefined) grouped.set(st.fn, [st]);
            else list.push(st);
          }
          byFunction.set(field, grouped);
        }
        return grouped.get(name) ?? [];
      };
      for (const name of names) {
        for (const field of this.fieldsNamed(name)) {
          for (const st of storesOf(field, name)) {
            for (const n of this.nodes.resolveName(st.file, st.fn)) fresh.get(n.index)?.push(this.storedAt(field, st.structType));
          }
        }
      }
      for (const [n, list] of fresh) {
        if (list.length === 0) this.storesByNode.delete(n);
        else this.storesByNode.set(n, list);
        this.callerKeys.delete(n);
      }
    }
    if (this.groups !== undefined) {
      for (const field of fields) for (const group of this.groupsByField.get(field) ?? []) this.groups.delete(group);
    }
    for (const field of fields) {
      for (const ref of this.callers.field.get(field) ?? NO_REFS) {
        callers.add(this.nodes.list[refNode(ref)]!);
        if (this.groups === undefined) continue;
        const group = this.groupOf(field, ref);
        if (group !== undefined) addRef(this.groups, group, ref);
      }
    }
  }

  /** Puts a file's moved field calls into their groups (`ours`: the file's body keys, ascending). */
  patchGroups(moved: Map<string, CallRef[]>, ours: readonly number[]): void {
    if (this.groups === undefined) return;
    for (const [group, refs] of moved) {
      const merged = [...mergeRefs(this.groups.get(group) ?? NO_FIELD_CALLERS, ours, refs)];
      if (merged.length === 0) this.groups.delete(group);
      else this.groups.set(group, merged);
    }
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

  /** Where each function is stored (field, struct type when shown), resolved once for the tree. */
  private storesOf(node: number): readonly StoredAt[] {
    if (this.storesByNode === undefined) {
      const byNode = new Map<number, StoredAt[]>();
      for (const [field, stores] of this.stores) {
        for (const st of stores) {
          for (const n of this.nodes.resolveName(st.file, st.fn)) {
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
    // Asked once per store of the tree: found by field and type, without making the key.
    let byType = this.storedAtByField.get(field);
    if (byType === undefined) this.storedAtByField.set(field, byType = new Map());
    let at = byType.get(structType);
    if (at === undefined) {
      const group = `${field}@${structType ?? '*'}`;
      at = structType === undefined ? { field, group } : { field, structType, group };
      byType.set(structType, at);
      const groups = this.groupsByField.get(field);
      if (groups === undefined) this.groupsByField.set(field, [group]);
      else groups.push(group);
    }
    return at;
  }
}
