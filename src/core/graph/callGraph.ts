// The whole-tree call graph: function nodes (one per global name, one per static function
// of a file, alternatives under #ifdef folded into one node) and resolution of call sites
// to nodes, through names and through function pointers stored in struct fields. This file
// puts the parts together: nodes and names (functionNodes.ts), who calls what
// (callerIndex.ts), the function-pointer fields (fieldIndex.ts), and the patch of one
// edited file (filePatch.ts).
import type { FileFacts, FunctionFact } from '../model/facts';
import type { CallHead, PackedFileFacts, PackedFunction } from '../model/packedFacts';
import { callHead } from '../model/packedCalls';
import type { Patched } from '../model/patched';
import type { CallRef } from './callRefs';
import { Callers, type CallerIndex } from './callerIndex';
import { FieldIndex, type FieldStore, type PointerPolicy } from './fieldIndex';
import { replaceFile, type FilePatch } from './filePatch';
import { functionLabel, FunctionNodes, type CallTarget, type FunctionBody, type FunctionNode, type LeftOut } from './functionNodes';

/** Full facts of a file, read again from where they are kept (cache shard, memory). */
export type DetailSource = (file: PackedFileFacts) => FileFacts | undefined;

/**
 * Room for functions added by edits (CallGraph.replaceFile) without reallocating every array
 * indexed by node; past it, the analysis is rebuilt.
 */
const SPARE_NODES = 4096;

export class CallGraph {
  readonly nodes: FunctionNode[];
  /** Length of every array indexed by node (nodes.length plus room for edits). */
  readonly capacity: number;
  /**
   * Per node, its place in a graph built from scratch (file position, then function position
   * of its first body): ties are broken by it, so that a patched graph decides them the same way.
   */
  readonly ranks: Float64Array;
  private readonly functions: FunctionNodes;
  private readonly callers: Callers;
  private readonly fields: FieldIndex;
  private readonly details = new WeakMap<PackedFunction, FunctionFact | null>();
  /** Function bodies past a limit of the packed layout: not in the graph, reported as not analysed. */
  get leftOut(): readonly LeftOut[] {
    return this.functions.leftOut;
  }
  /** Bodies whose full facts could not be read again (their flow was not analysed). */
  readonly detailMissing = new Set<string>();
  constructor(
    /** In walk order; a live analysis edits it in place, as replaceFile's caller. */
    private readonly files: readonly PackedFileFacts[],
    pointers: PointerPolicy = 'typed',
    private readonly detailSource: DetailSource = () => undefined,
  ) {
    let functions = 0;
    for (const f of files) functions += f.functions.length;
    this.capacity = functions + SPARE_NODES;
    this.functions = new FunctionNodes(files, this.capacity);
    this.nodes = this.functions.list;
    this.ranks = this.functions.ranks;
    for (const f of files) for (const fn of f.functions) this.functions.add(f, fn);
    this.callers = new Callers(this.functions);
    this.fields = new FieldIndex(this.functions, this.callers, pointers);
    for (const f of files) this.fields.addFile(f);
  }

  /** Builds now the indexes a first edit would otherwise build (see replaceFile). */
  prepareEdits(): void {
    this.functions.nodesOf('');
    this.callers.index();
    this.fields.fieldsStoringName();
  }

  /** After a file was inserted into the file list: positions, and every rank, from the list. */
  renumberFiles(): void {
    this.functions.renumberFiles();
  }

  node(key: string): FunctionNode | undefined {
    return this.functions.get(key);
  }

  /** Every function so named: each file's static, the global, header inlines. */
  nodesNamed(name: string): readonly FunctionNode[] {
    return this.functions.named(name);
  }

  /** Indexes every function name now, for a caller about to ask nodesNamed() of many names (a log's). */
  indexNames(): void {
    this.functions.indexNames();
  }

  /** A name called from `file`: its own static first, then a global, then header inlines. */
  resolveName(file: string, name: string): readonly FunctionNode[] {
    return this.functions.resolveName(file, name);
  }

  /** resolveName() as FunctionNodes.resolvedName gives it: the node, or the header inlines' list. */
  resolvedName(file: string, name: string): FunctionNode | readonly FunctionNode[] | undefined {
    return this.functions.resolvedName(file, name);
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
    return this.functions.nodesOf(file);
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
    return this.fields.resolveTypePath(path);
  }

  /** Functions that may be stored in `.field` of the receiver's struct type (all stores if unknown). */
  resolveField(field: string, receiverType: string | undefined): CallTarget[] {
    return this.fields.resolveField(field, receiverType);
  }

  /** Files that store `fn` in a field named `field` (in an initializer or by assignment). */
  storeFiles(field: string, fn: string): string[] {
    return this.fields.storeFiles(field, fn);
  }

  /** Every store into a field named `field`, with where it is and the variable it fills. */
  storesIn(field: string): readonly FieldStore[] {
    return this.fields.storesIn(field);
  }

  /** Files that store any function in a field named `field`. */
  storeFilesOfField(field: string): string[] {
    return this.fields.storeFilesOfField(field);
  }

  /** Call sites naming `name`, resolved or not (CallRefs; do not modify). */
  directCallsTo(name: string): Float64Array {
    return this.callers.directCallsTo(name);
  }

  /** Changes whenever directCallsTo(name) may have (an edit patched the call sites naming it). */
  directCallsVersion(name: string): number {
    return this.callers.directCallsVersion(name);
  }

  /**
   * Direct call sites that resolve to `node` (a same-named static elsewhere does not count).
   * Resolved once for the whole tree: reverse searches visit most functions, once per sink.
   */
  directCallersOf(node: FunctionNode): Float64Array {
    return this.callers.of(node);
  }

  /** The same for all nodes at once. */
  directCallerIndex(): CallerIndex {
    return this.callers.index();
  }

  /** See filePatch.ts. */
  replaceFile(old: PackedFileFacts, next: PackedFileFacts): Patched<FilePatch> {
    const parts = { files: this.files, nodes: this.functions, callers: this.callers, fields: this.fields, capacity: this.capacity, forgetFile: (file: string) => this.forgetFile(file) };
    return replaceFile(parts, old, next);
  }

  /** The fields a function is stored in anywhere in the tree. */
  fieldsStoring(node: FunctionNode): ReadonlySet<string> {
    return this.fields.fieldsStoring(node);
  }

  /**
   * Groups of field calls that can reach `node`: those whose resolved struct type is a type
   * `node` is stored under (and, with the `all` policy, untyped ones on a field it is stored in).
   * Every handler stored under the same key shares a group, so a search expands it once.
   */
  fieldCallerKeys(node: number): readonly string[] {
    return this.fields.fieldCallerKeys(node);
  }

  /** The field calls of one group (see fieldCallerKeys), grouped once for the tree. */
  fieldCallersIn(key: string): readonly CallRef[] {
    return this.fields.fieldCallersIn(key);
  }

  /** Is a field call left unfollowed by the pointer policy? */
  isUntypedField(call: CallHead): boolean {
    return this.fields.isUntypedField(call);
  }

  callAt(ref: CallRef): { node: FunctionNode; body: FunctionBody; call: CallHead; callIndex: number } {
    return this.functions.callAt(ref);
  }
}
