// The whole-tree call graph: function nodes (one per global name, one per static function
// of a file, alternatives under #ifdef folded into one node) and resolution of call sites
// to nodes, through names and through function pointers stored in struct fields.
import type { CallSite, FileFacts, FunctionFact } from '../model/facts';

export interface FunctionBody {
  file: string;
  fact: FunctionFact;
}

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
}

/** A call site packed into one number: (node index, body index, call index). */
export type CallRef = number;
const BODY_BITS = 16;
const CALL_BITS = 65536;

export function packRef(node: number, body: number, call: number): CallRef {
  return (node * BODY_BITS + body) * CALL_BITS + call;
}

export function unpackRef(ref: CallRef): { node: number; body: number; call: number } {
  const call = ref % CALL_BITS;
  const rest = (ref - call) / CALL_BITS;
  const body = rest % BODY_BITS;
  return { node: (rest - body) / BODY_BITS, body, call };
}

/**
 * How far to trust calls through struct fields: `typed` follows them only when the source
 * shows the struct type and that type has stores for the field; `all` also follows untyped
 * ones to every function stored in any field of that name (many more, weaker chains).
 */
export type PointerPolicy = 'typed' | 'all';

export class CallGraph {
  readonly nodes: FunctionNode[] = [];
  private readonly byKey = new Map<string, FunctionNode>();
  private readonly staticsByFile = new Map<string, Map<string, FunctionNode>>();
  private readonly headerStatics = new Map<string, FunctionNode[]>();
  private readonly fieldStores = new Map<string, FieldStore[]>();
  private readonly fieldTypes = new Map<string, string>();
  private readonly directByName = new Map<string, CallRef[]>();
  private readonly fieldCalls = new Map<string, CallRef[]>();
  private readonly fieldTargets = new Map<string, CallTarget[]>();
  private storesByNode: Map<number, StoredAt[]> | undefined;
  private fieldCallers: Map<string, CallRef[]> | undefined;
  constructor(files: readonly FileFacts[], private readonly pointers: PointerPolicy = 'typed') {
    for (const f of files) {
      for (const fact of f.functions) this.addBody(f.file, fact);
      for (const a of f.fieldAssignments) {
        const list = this.fieldStores.get(a.field) ?? [];
        list.push(a.structType === undefined ? { fn: a.fn, file: f.file } : { fn: a.fn, file: f.file, structType: a.structType });
        this.fieldStores.set(a.field, list);
      }
      for (const s of f.structFields) this.fieldTypes.set(`${s.struct}.${s.field}`, s.type);
    }
    for (const node of this.nodes) {
      node.bodies.forEach((body, b) => {
        body.fact.calls.forEach((call, c) => {
          const index = call.kind === 'direct' ? this.directByName : call.kind === 'field' ? this.fieldCalls : undefined;
          if (index === undefined) return;
          const list = index.get(call.callee);
          const ref = packRef(node.index, b, c);
          if (list === undefined) index.set(call.callee, [ref]);
          else list.push(ref);
        });
      });
    }
  }

  private addBody(file: string, fact: FunctionFact): void {
    const key = fact.isStatic ? `${file}::${fact.name}` : fact.name;
    let node = this.byKey.get(key);
    if (node === undefined) {
      node = { index: this.nodes.length, key, name: fact.name, bodies: [] };
      this.nodes.push(node);
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
    }
    if (node.bodies.length < BODY_BITS) node.bodies.push({ file, fact });
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

  resolveCall(file: string, call: CallSite): CallTarget[] {
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
    const memo = `${field}@${type ?? ''}`;
    const cached = this.fieldTargets.get(memo);
    if (cached !== undefined) return cached;
    const stores = this.fieldStores.get(field) ?? [];
    let chosen = type === undefined ? [] : stores.filter((s) => s.structType === type);
    const narrowed = chosen.length > 0;
    if (!narrowed) chosen = this.pointers === 'all' ? stores : [];
    const seen = new Set<FunctionNode>();
    for (const s of chosen) for (const n of this.resolveName(s.file, s.fn)) seen.add(n);
    const via = `->${field}`;
    const targets = [...seen].map((node): CallTarget => (narrowed ? { node, via, candidates: seen.size, structType: type! } : { node, via, candidates: seen.size }));
    this.fieldTargets.set(memo, targets);
    return targets;
  }

  directCallsTo(name: string): readonly CallRef[] {
    return this.directByName.get(name) ?? [];
  }

  /** Where each function is stored (field, struct type when shown), resolved once for the tree. */
  private storesOf(node: FunctionNode): readonly StoredAt[] {
    if (this.storesByNode === undefined) {
      const byNode = new Map<number, StoredAt[]>();
      for (const [field, stores] of this.fieldStores) {
        for (const st of stores) {
          for (const n of this.resolveName(st.file, st.fn)) {
            const list = byNode.get(n.index) ?? [];
            list.push(st.structType === undefined ? { field } : { field, structType: st.structType });
            byNode.set(n.index, list);
          }
        }
      }
      this.storesByNode = byNode;
    }
    return this.storesByNode.get(node.index) ?? [];
  }

  /** The fields a function is stored in anywhere in the tree. */
  fieldsStoring(node: FunctionNode): ReadonlySet<string> {
    return new Set(this.storesOf(node).map((st) => st.field));
  }

  /**
   * Field calls that can reach `node`: those whose resolved struct type is a type `node` is
   * stored under (and, with the `all` policy, untyped ones on a field it is stored in). Grouped
   * once, so the reverse search does not re-resolve every `->open(...)` for every `open` handler.
   */
  fieldCallersOf(node: FunctionNode): CallRef[] {
    if (this.fieldCallers === undefined) {
      const callers = new Map<string, CallRef[]>();
      for (const [field, refs] of this.fieldCalls) {
        for (const ref of refs) {
          const targets = this.resolveField(field, this.callAt(ref).call.receiverType);
          if (targets.length === 0) continue;
          const key = `${field}@${targets[0]!.structType ?? '*'}`;
          const list = callers.get(key);
          if (list === undefined) callers.set(key, [ref]);
          else list.push(ref);
        }
      }
      this.fieldCallers = callers;
    }
    const keys = new Set<string>();
    for (const st of this.storesOf(node)) {
      if (st.structType !== undefined) keys.add(`${st.field}@${st.structType}`);
      if (this.pointers === 'all') keys.add(`${st.field}@*`);
    }
    const out: CallRef[] = [];
    for (const key of keys) out.push(...(this.fieldCallers.get(key) ?? []));
    return out;
  }

  /** Is a field call left unfollowed by the pointer policy? */
  isUntypedField(call: CallSite): boolean {
    return call.kind === 'field' && this.pointers === 'typed' && this.resolveField(call.callee, call.receiverType).length === 0 && (this.fieldStores.get(call.callee)?.length ?? 0) > 0;
  }

  callAt(ref: CallRef): { node: FunctionNode; body: FunctionBody; call: CallSite; callIndex: number } {
    const { node, body, call } = unpackRef(ref);
    const n = this.nodes[node]!;
    const b = n.bodies[body]!;
    return { node: n, body: b, call: b.fact.calls[call]!, callIndex: call };
  }
}
