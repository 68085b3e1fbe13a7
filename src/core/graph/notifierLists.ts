// Notifier lists: which blocks are registered on which list head. A call through
// `nb->notifier_call` inside notifier_call_chain() reaches only the blocks on the list the
// caller passed, and the lists are mostly static heads (`BLOCKING_NOTIFIER_HEAD(vmap_notify_list)`)
// that one file registers on through a wrapper (`register_vmap_purge_notifier(nb)`). Both the
// wrappers and the heads are read from the tree: a function that passes its parameters on to
// a registration is a registration itself, and a head is an expression followed through the
// parameters of the functions it is passed on by until it names a variable.
import { createHash } from 'node:crypto';
import type { CallSiteReader, ReadTracking } from '../model/callSites';
import type { NotifierKnowledge } from '../model/ruleSpec';
import { sameItems } from '../model/sameItems';
import type { CallGraph } from './callGraph';
import type { FieldStore } from './fieldIndex';

/** One step of an access path: `.name` or `->name`. */
interface Step {
  arrow: boolean;
  name: string;
}

/** An expression as a variable and an access path: `&nh->head`, `vmap_notify_list`, `&x.nb`. */
export interface AccessPath {
  addressOf: boolean;
  root: string;
  steps: Step[];
}

/** Where a list head comes from, as far as the source names it. */
export type HeadTerm =
  /** A parameter of the function at hand, with the access path on it. */
  | { kind: 'param'; index: number; path: AccessPath }
  /** A variable and its members, the same object wherever the code runs (`vmap_notify_list.head`). */
  | { kind: 'static'; key: string }
  /** Reached through a pointer the code holds at run time (`&mp->m_dir_update_hooks`). */
  | { kind: 'runtime'; text: string };

/** Reads `&a->b.c`, `x`, `(&y)`: a variable and member steps; undefined for anything else (calls, casts, indexing). */
export function accessPath(text: string): AccessPath | undefined {
  let t = text.replace(/\s+/g, '');
  while (t.startsWith('(') && t.endsWith(')')) t = t.slice(1, -1);
  const addressOf = t.startsWith('&');
  if (addressOf) t = t.slice(1);
  while (t.startsWith('(') && t.endsWith(')')) t = t.slice(1, -1);
  const m = /^([A-Za-z_]\w*)((?:(?:\.|->)[A-Za-z_]\w*)*)$/.exec(t);
  if (m === null) return undefined;
  const steps = [...m[2]!.matchAll(/(\.|->)([A-Za-z_]\w*)/g)].map((s) => ({ arrow: s[1] === '->', name: s[2]! }));
  return { addressOf, root: m[1]!, steps };
}

/** `path`, whose root is a parameter, with the parameter replaced by the argument `arg`. */
export function substitute(path: AccessPath, arg: AccessPath): AccessPath | undefined {
  const [first, ...rest] = path.steps;
  if (first === undefined) return path.addressOf ? undefined : arg;
  if (!first.arrow) return arg.addressOf ? undefined : { addressOf: path.addressOf, root: arg.root, steps: [...arg.steps, ...path.steps] };
  // `p->f` with p = &X.s is X.s.f; with p a pointer expression it stays a dereference.
  const head: Step = arg.addressOf ? { arrow: false, name: first.name } : first;
  return { addressOf: path.addressOf, root: arg.root, steps: [...arg.steps, head, ...rest] };
}

export function pathText(path: AccessPath): string {
  return `${path.addressOf ? '&' : ''}${path.root}${path.steps.map((s) => `${s.arrow ? '->' : '.'}${s.name}`).join('')}`;
}

/** What `path` is in a function with parameters `params`. */
export function headTerm(path: AccessPath, params: readonly string[]): HeadTerm {
  const index = params.indexOf(path.root);
  if (index >= 0) return { kind: 'param', index, path };
  if (path.steps.some((s) => s.arrow)) return { kind: 'runtime', text: pathText(path) };
  return { kind: 'static', key: [path.root, ...path.steps.map((s) => s.name)].join('.') };
}

/** A function that adds a block to a list: where its list and its block come from. */
interface Registrar {
  head: HeadTerm;
  block: number;
}

/** A block added to a list by code that names it. */
export interface Registration {
  /** The block's functions (stores of the block field into it); empty when not found. */
  functions: string[];
  /** The block argument as written. */
  block: string;
  file: string;
  line: number;
}

/** Wrapper levels followed from the register primitive (register_x -> __register_x -> primitive is 2). */
const WRAPPER_DEPTH = 6;

/**
 * The registrations of one kind of notifier list in a tree, by static head. Built once per
 * result, from the direct calls of the register primitive and of every function found to pass
 * its parameters on to it; arguments are read from the source.
 */
export class NotifierLists {
  private readonly byHead = new Map<string, Registration[]>();
  /** A digest of what was read: a verdict that used the lists holds while it is the same. */
  readonly key: string;
  /** The functions whose direct calls were read as registrations (the primitive and its wrappers). */
  private readonly registrarNames: string[] = [];

  constructor(graph: CallGraph, reader: CallSiteReader, readonly spec: NotifierKnowledge) {
    const registrars = new Map<string, Registrar[]>([[spec.register.function, [{ head: wholeParam(spec.register.head), block: spec.register.block }]]]);
    let level = [spec.register.function];
    for (let depth = 0; depth < WRAPPER_DEPTH && level.length > 0; depth++) {
      const next: string[] = [];
      for (const name of level) {
        this.registrarNames.push(name);
        for (const ref of graph.directCallsTo(name)) {
          const { body, call, node } = graph.callAt(ref);
          const args = reader.arguments(body.file, call.line, call.column);
          const params = callerParameters(reader, body.file, call.line, call.column);
          if (args === undefined) continue;
          for (const r of registrars.get(name)!) {
            const head = this.callerHead(r.head, args, params);
            const blockText = args[r.block];
            if (head === undefined || blockText === undefined) continue;
            const block = accessPath(blockText);
            const blockParam = block !== undefined && !block.addressOf && block.steps.length === 0 ? params.indexOf(block.root) : -1;
            if (blockParam >= 0) {
              // The caller passes its own parameter on: a registration wrapper.
              const known = registrars.get(node.name);
              if (known === undefined) next.push(node.name);
              if (!(known ?? []).some((k) => k.block === blockParam && sameTerm(k.head, head))) registrars.set(node.name, [...(known ?? []), { head, block: blockParam }]);
            } else if (head.kind === 'static') {
              this.add(head.key, { functions: this.blockFunctions(graph, blockText, body.file), block: blockText, file: body.file, line: call.line });
            }
          }
        }
      }
      level = next;
    }
    // Hashed once here: verdict bases compare it for every chain of every result, and the
    // registrations' text runs to kilobytes on a whole kernel.
    // Where each block is registered counts too: a reason quotes it.
    const text = [...this.byHead].map(([head, regs]) => `${head}:${regs.map((r) => `${r.functions.join('+')}@${r.file}:${r.line}`).join(',')}`).sort().join(';');
    this.key = createHash('sha1').update(text).digest('base64');
  }

  /**
   * The call sites of the registrars: with the same stores into the block field and the same
   * source (see KeptNotifierLists), lists built on a graph that has the same sites are the lists
   * a build on it would make. Numbers and files rather than text: asked on every result.
   */
  registrarCalls(graph: CallGraph): RegistrarCalls {
    const sites: number[] = [];
    const files: string[] = [];
    for (const name of this.registrarNames) {
      for (const ref of graph.directCallsTo(name)) {
        const { body, call } = graph.callAt(ref);
        sites.push(call.line, call.column);
        files.push(body.file);
      }
      sites.push(-1);
    }
    return { sites, files };
  }

  /** The registrations on the list whose head is `key`. */
  on(key: string): readonly Registration[] {
    return this.byHead.get(key) ?? [];
  }

  /** A registrar's head in terms of its caller, given the call's arguments and the caller's parameters. */
  private callerHead(head: HeadTerm, args: readonly string[], params: readonly string[]): HeadTerm | undefined {
    if (head.kind !== 'param') return head;
    const argText = args[head.index];
    const arg = argText === undefined ? undefined : accessPath(argText);
    if (arg === undefined) return argText === undefined ? undefined : { kind: 'runtime', text: argText };
    const path = substitute(head.path, arg);
    return path === undefined ? { kind: 'runtime', text: argText! } : headTerm(path, params);
  }

  /**
   * The functions a block argument holds: for a named variable (`&foo_nb`), the stores its
   * initializer makes, in the registering file first; for a block reached at run time
   * (`&priv->nb`, a local pointer), the assignments of the field in the registering file.
   */
  private blockFunctions(graph: CallGraph, blockText: string, file: string): string[] {
    const stores = graph.storesIn(this.spec.field);
    const block = accessPath(blockText);
    const named = block !== undefined && block.addressOf && block.steps.every((s) => !s.arrow) ? [block.root, ...block.steps.map((s) => s.name)].join('.') : undefined;
    let chosen = named === undefined ? [] : stores.filter((st) => st.object === named && st.file === file);
    if (chosen.length === 0 && named !== undefined) chosen = stores.filter((st) => st.object === named);
    if (chosen.length === 0) chosen = stores.filter((st) => st.object === undefined && st.file === file);
    return [...new Set(chosen.map((st) => st.fn))].sort();
  }

  private add(key: string, reg: Registration): void {
    const list = this.byHead.get(key);
    if (list === undefined) this.byHead.set(key, [reg]);
    else if (!list.some((r) => r.file === reg.file && r.line === reg.line)) list.push(reg);
  }
}

/**
 * Notifier lists kept across the results of one graph (a live analysis composes one after every
 * edit, and reading the registrations parses every registering function): a kept list is given
 * out again while the graph and the source it read say the same.
 */
export class KeptNotifierLists {
  private readonly kept = new Map<NotifierKnowledge, { lists: NotifierLists; calls: RegistrarCalls; stores: readonly FieldStore[]; reads: ReadonlyMap<string, string> }>();

  constructor(readonly graph: CallGraph, readonly reader: CallSiteReader & ReadTracking) {}

  /** The lists of `spec` as the tree has them now: ask once per result, checking walks the registrar calls. */
  of(spec: NotifierKnowledge): NotifierLists {
    const kept = this.kept.get(spec);
    // An edit that changes a field's stores gives the field a new list (FieldIndex.replaceStores).
    const stores = this.graph.storesIn(spec.field);
    if (kept !== undefined && (kept.stores === stores || (kept.stores.length === 0 && stores.length === 0))
      && this.reader.unchanged(kept.reads) && sameCalls(kept.lists.registrarCalls(this.graph), kept.calls)) return kept.lists;
    const { value: lists, reads } = this.reader.recording(() => new NotifierLists(this.graph, this.reader, spec));
    this.kept.set(spec, { lists, calls: lists.registrarCalls(this.graph), stores, reads });
    return lists;
  }
}

/**
 * Where the registrars are called: (line, column) per site, -1 after each registrar; the sites'
 * files. Places, not call refs: a file read again with the other reader keeps its calls where
 * they are, while their indexes in the graph may change.
 */
interface RegistrarCalls {
  sites: readonly number[];
  files: readonly string[];
}

function sameCalls(a: RegistrarCalls, b: RegistrarCalls): boolean {
  return sameItems(a.sites, b.sites) && sameItems(a.files, b.files);
}

/** The parameters of the function making the call at (line, column); none when not read. */
export function callerParameters(reader: CallSiteReader, file: string, line: number, column: number): readonly string[] {
  return (reader.parameters === undefined ? reader.guards(file, line, column)?.params : reader.parameters(file, line, column)) ?? [];
}

/** Parameter `index` itself (its name does not matter: substitute() replaces it whole). */
export function wholeParam(index: number): HeadTerm {
  return { kind: 'param', index, path: { addressOf: false, root: '', steps: [] } };
}

function sameTerm(a: HeadTerm, b: HeadTerm): boolean {
  if (a.kind === 'param' && b.kind === 'param') return a.index === b.index && pathText(a.path) === pathText(b.path);
  if (a.kind === 'static' && b.kind === 'static') return a.key === b.key;
  return a.kind === 'runtime' && b.kind === 'runtime' && a.text === b.text;
}
