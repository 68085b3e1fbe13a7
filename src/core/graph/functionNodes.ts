// Function nodes and name resolution: one node per global name, one per static function of a
// file, alternatives under #ifdef folded into one node (up to BODY_SLOTS bodies), and which
// node a name called from a file means.
import { CALL_CALLEE, CALL_KIND, CALL_RECEIVER, CALL_STRIDE, type CallHead, type PackedFileFacts, type PackedFunction } from '../model/packedFacts';
import { callHead } from '../model/packedCalls';
import { BODY_SLOTS, CALL_BITS, unpackRef, type CallRef } from './callRefs';
import { NameIndex } from './nameIndex';

export interface FunctionBody {
  file: string;
  facts: PackedFileFacts;
  fn: PackedFunction;
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

/**
 * How notes name a function: `file:first-line name` (truncated flows, unreadable facts). One
 * format, since a live update moves a function's notes with its lines by this key.
 */
export function functionLabel(file: string, fn: { startLine: number; name: string }): string {
  return `${file}:${fn.startLine} ${fn.name}`;
}

/** The key of the node a function of `file` belongs to. */
export function nodeKey(file: string, fn: { isStatic: boolean; name: string }): string {
  return fn.isStatic ? `${file}::${fn.name}` : fn.name;
}

/**
 * The body that stands for a function where one place is wanted (go to definition, a guard's
 * parameters): the first, since #ifdef alternatives and per-architecture copies share one node.
 */
export function definingBody(node: FunctionNode | undefined): FunctionBody | undefined {
  return node?.bodies[0];
}

/** Does some call of `body` pass `test` (given the call's index)? */
export function someCall(body: FunctionBody, test: (call: number) => boolean): boolean {
  for (let i = 0; i < body.fn.callCount; i++) if (test(i)) return true;
  return false;
}

/** Visits one call site: its node, body and call index, its packed kind and callee name, its file. */
export type CallVisitor = (node: FunctionNode, body: number, call: number, kind: number, callee: string, file: string) => void;

/** Visits one call site as packed: its callee is an index into its file's names (`facts.names`). */
export type PackedCallVisitor = (node: FunctionNode, body: number, call: number, kind: number, facts: PackedFileFacts, nameIndex: number) => void;

/** Every call site of `nodes` (of bodies with `only`'s facts), in node, body, call order. */
export function eachPackedCall(visit: PackedCallVisitor, nodes: Iterable<FunctionNode>, only?: PackedFileFacts): void {
  for (const node of nodes) {
    const bodies = node.bodies;
    for (let b = 0; b < bodies.length; b++) {
      const { facts, fn } = bodies[b]!;
      if (only !== undefined && facts !== only) continue;
      const calls = facts.calls;
      for (let c = 0; c < fn.callCount; c++) {
        const s = (fn.firstCall + c) * CALL_STRIDE;
        visit(node, b, c, calls[s + CALL_KIND]!, facts, calls[s + CALL_CALLEE]!);
      }
    }
  }
}

/** A rank's factor for the file's position: more functions than this in one file are not seen. */
export const FUNCTIONS_PER_FILE = 65536;

/** Which limit of the packed layout a function passed. */
export type GraphLimit =
  /** More bodies of one node (#ifdef alternatives, per-architecture copies) than BODY_SLOTS: the later ones are left out. */
  | 'alternatives'
  /** More calls in one body than a CallRef can number (CALL_BITS). */
  | 'calls'
  /** Past the FUNCTIONS_PER_FILE-th function of a file, which a rank cannot place. */
  | 'functions';

/** A function body the graph leaves out, and why: reported as not analysed, never dropped silently. */
export interface LeftOut {
  limit: GraphLimit;
  file: string;
  /** functionLabel of the body. */
  label: string;
}

export class FunctionNodes {
  readonly list: FunctionNode[] = [];
  /**
   * Per node, its place in a graph built from scratch (file position, then function position
   * of its first body): ties are broken by it, so that a patched graph decides them the same way.
   */
  readonly ranks: Float64Array;
  private readonly fileOrder = new Map<string, number>();
  private readonly byKey = new Map<string, FunctionNode>();
  private readonly staticsByFile = new Map<string, Map<string, FunctionNode>>();
  private readonly headerStatics = new Map<string, FunctionNode[]>();
  private byFile: Map<string, FunctionNode[]> | undefined;
  /** named() of the names asked so far, until indexNames(): a scan asks of a few. */
  private readonly byName = new Map<string, FunctionNode[]>();
  /** Every name, once indexNames() ran: for those who ask of many. */
  private allNames: NameIndex | undefined;
  /** Bodies past a limit of the packed layout, in the order they were met. */
  readonly leftOut: LeftOut[] = [];

  constructor(
    /** In walk order; a live analysis edits it in place. */
    private readonly files: readonly PackedFileFacts[],
    /** Length of every array indexed by node (nodes plus room for edits). */
    capacity: number,
  ) {
    files.forEach((f, i) => this.fileOrder.set(f.file, i));
    this.ranks = new Float64Array(capacity);
  }

  add(facts: PackedFileFacts, fact: PackedFunction): void {
    const file = facts.file;
    const limit = fact.callCount > CALL_BITS ? 'calls' : fact.index >= FUNCTIONS_PER_FILE ? 'functions' : undefined;
    if (limit !== undefined) {
      this.leftOut.push({ limit, file, label: functionLabel(file, fact) });
      return;
    }
    const key = nodeKey(file, fact);
    const body: FunctionBody = { file, facts, fn: fact };
    let node = this.byKey.get(key);
    if (node === undefined) {
      // A literal: an empty array's first push reserves 17 slots, and most functions have one body.
      node = { index: this.list.length, key, name: fact.name, bodies: [body] };
      this.list.push(node);
      if (this.allNames !== undefined) this.allNames.add(node);
      else this.byName.get(fact.name)?.push(node);
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
    } else {
      this.leftOut.push({ limit: 'alternatives', file, label: functionLabel(file, fact) });
    }
  }

  /** Takes a function out of name resolution and out of named(); its node stays, without bodies. */
  drop(node: FunctionNode): FunctionNode {
    const { file, fn } = node.bodies[0]!;
    node.bodies = [];
    this.byKey.delete(node.key);
    const named = this.byName.get(node.name);
    if (named?.includes(node)) named.splice(named.indexOf(node), 1);
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
   * Every node so named, in node order; not those an edit emptied (drop()), as a graph built
   * from scratch has none of them.
   */
  named(name: string): readonly FunctionNode[] {
    if (this.allNames !== undefined) return this.allNames.named(name);
    let nodes = this.byName.get(name);
    if (nodes === undefined) this.byName.set(name, nodes = this.list.filter((n) => n.name === name && n.bodies.length > 0));
    return nodes;
  }

  /**
   * Indexes every name in one pass, for a caller about to ask of many (symbolizing a log): each
   * named() that is not memoised yet would scan every node. add() keeps it complete.
   */
  indexNames(): void {
    if (this.allNames !== undefined) return;
    // ranks has a slot per node the graph can hold: its capacity.
    this.allNames = new NameIndex(this.list, this.ranks.length);
    this.byName.clear();
  }

  get(key: string): FunctionNode | undefined {
    return this.byKey.get(key);
  }

  /** A name called from `file`: its own static first, then a global, then header inlines. */
  resolveName(file: string, name: string): readonly FunctionNode[] {
    const found = this.resolvedName(file, name);
    return found === undefined ? [] : isNodeList(found) ? found : [found];
  }

  /**
   * resolveName() without an array for the one node most names resolve to: the searches ask it
   * for every call of every function an update reaches.
   */
  resolvedName(file: string, name: string): FunctionNode | readonly FunctionNode[] | undefined {
    return this.staticsByFile.get(file)?.get(name) ?? this.byKey.get(name) ?? this.headerStatics.get(name);
  }

  /** Does the file have bodies the graph left out, or would its facts `next` have some (other than alternatives)? */
  passesLimits(file: string, next: PackedFileFacts): boolean {
    return !this.leftOut.some((l) => l.file === file) && !next.functions.some((fn) => fn.callCount > CALL_BITS || fn.index >= FUNCTIONS_PER_FILE);
  }

  /** Nodes with a body in `file`, indexed once. */
  nodesOf(file: string): readonly FunctionNode[] {
    if (this.byFile === undefined) {
      this.byFile = new Map();
      for (const n of this.list) {
        for (const b of n.bodies) {
          const list = this.byFile.get(b.file);
          if (list === undefined) this.byFile.set(b.file, [n]);
          else if (list.at(-1) !== n) list.push(n);
        }
      }
    }
    return this.byFile.get(file) ?? [];
  }

  /** The nodes with a body in `file` after an edit (only if the index was built). */
  setNodesOf(file: string, nodes: FunctionNode[]): void {
    this.byFile?.set(file, nodes);
  }

  /** After a file was inserted into the file list: positions, and every rank, from the list. */
  renumberFiles(): void {
    this.files.forEach((f, i) => this.fileOrder.set(f.file, i));
    for (const node of this.list) if (node.bodies.length > 0) this.rerank(node);
  }

  /** The node's rank from its first body, as a graph built from scratch would give it. */
  rerank(node: FunctionNode): void {
    const first = node.bodies[0]!;
    this.ranks[node.index] = this.rankOf(first.file, first.fn);
  }

  private rankOf(file: string, fact: PackedFunction): number {
    return this.fileOrder.get(file)! * FUNCTIONS_PER_FILE + fact.index;
  }

  bodyAt(ref: CallRef): FunctionBody {
    const { node, body } = unpackRef(ref);
    return this.list[node]!.bodies[body]!;
  }

  /** The receiver type of a field call, read from the packed call without building its head. */
  receiverTypeAt(ref: CallRef): string | undefined {
    const { node, body, call } = unpackRef(ref);
    const { facts, fn } = this.list[node]!.bodies[body]!;
    const id = facts.calls[(fn.firstCall + call) * CALL_STRIDE + CALL_RECEIVER]!;
    return id < 0 ? undefined : facts.names[id];
  }

  callAt(ref: CallRef): { node: FunctionNode; body: FunctionBody; call: CallHead; callIndex: number } {
    const { node, body, call } = unpackRef(ref);
    const n = this.list[node]!;
    const b = n.bodies[body]!;
    return { node: n, body: b, call: callHead(b.facts, b.fn, call), callIndex: call };
  }

  /** Every call site (of `nodes`, of bodies with `only`'s facts), in node, body, call order: what the indexes are built from. */
  eachCall(visit: CallVisitor, nodes: Iterable<FunctionNode> = this.list, only?: PackedFileFacts): void {
    eachPackedCall((node, b, c, kind, facts, nameIndex) => visit(node, b, c, kind, facts.names[nameIndex]!, facts.file), nodes, only);
  }
}

export function isNodeList(found: FunctionNode | readonly FunctionNode[]): found is readonly FunctionNode[] {
  return Array.isArray(found);
}
