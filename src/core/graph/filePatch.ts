// Incremental patching: one file's facts swapped for new ones in a built graph, in place, so
// that the graph then holds what a graph built from scratch would. What cannot be patched is
// said (the caller then rebuilds).
import type { PackedFileFacts, PackedFunction } from '../model/packedFacts';
import { KIND_DIRECT, KIND_FIELD } from '../model/packedFacts';
import { cannotPatch, patched, type Patched } from '../model/patched';
import { addRef, BODY_SLOTS, bodyKeyOf, mergeRefs, packRef, refNode, type CallRef } from './callRefs';
import type { Callers } from './callerIndex';
import { typeKey, type FieldIndex } from './fieldIndex';
import { nodeKey, type FunctionNode, type FunctionNodes } from './functionNodes';

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

/** The parts of a CallGraph an edit patches. */
export interface GraphParts {
  /** In walk order, with the new facts already in place of the old. */
  readonly files: readonly PackedFileFacts[];
  readonly nodes: FunctionNodes;
  readonly callers: Callers;
  readonly fields: FieldIndex;
  readonly capacity: number;
  /** Forgets what was said of the file's old facts. */
  forgetFile(file: string): void;
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
export function replaceFile(g: GraphParts, old: PackedFileFacts, next: PackedFileFacts): Patched<FilePatch> {
  const { nodes: fns, callers: sites } = g;
  const file = old.file;
  // Which bodies are left out depends on the order of the whole walk: a rebuild decides it.
  if (!fns.passesLimits(file, next)) return cannotPatch(`${file} has functions past a limit of the graph`);
  const nodes = fns.nodesOf(file);
  const oldBodies = new Map<string, { node: FunctionNode; b: number }[]>();
  for (const node of nodes) node.bodies.forEach((body, b) => {
    if (body.facts !== old) return;
    const list = oldBodies.get(node.key) ?? [];
    list.push({ node, b });
    oldBodies.set(node.key, list);
  });
  const nextFns = new Map<string, PackedFunction[]>();
  for (const fn of next.functions) {
    const key = nodeKey(file, fn);
    const list = nextFns.get(key) ?? [];
    list.push(fn);
    nextFns.set(key, list);
  }
  const added = [...nextFns.keys()].filter((k) => !oldBodies.has(k));
  const removed = [...oldBodies.keys()].filter((k) => !nextFns.has(k));
  for (const [key, bodies] of oldBodies) {
    const now = nextFns.get(key);
    if (now !== undefined && now.length !== bodies.length) return cannotPatch(`the alternatives of ${bodies[0]!.node.name} changed`);
    if (now === undefined && bodies[0]!.node.bodies.length !== bodies.length) return cannotPatch(`${bodies[0]!.node.name} is also defined elsewhere`);
  }
  for (const key of added) {
    const name = nextFns.get(key)![0]!.name;
    if (fns.get(key) !== undefined) return cannotPatch(`${name} is also defined elsewhere`);
    if (nextFns.get(key)!.length > BODY_SLOTS) return cannotPatch(`${name} has too many alternatives`);
  }
  if (fns.list.length + added.length > g.capacity) return cannotPatch('too many functions were added since the analysis was built');
  // A function that came or went changes what its name resolves to in every file calling it.
  const renamed = new Set([...added, ...removed].map((k) => nextFns.get(k)?.[0]?.name ?? oldBodies.get(k)![0]!.node.name));
  const stores = storePatch(g, old, next, renamed);
  // Where each such name is called from, before the edit and after (the file itself).
  const callerFiles = new Map<string, Set<string>>();
  for (const name of renamed) {
    const files = new Set<string>([file]);
    for (const ref of sites.directCallsTo(name)) files.add(fns.bodyAt(ref).file);
    callerFiles.set(name, files);
  }
  const retargeted = new Set<FunctionNode>();
  const retarget = (): void => {
    for (const [name, files] of callerFiles) for (const f of files) for (const t of fns.resolveName(f, name)) retargeted.add(t);
  };
  retarget();
  stores.before();

  const before = refsOfFile(g, old);
  const kept = nodes.filter((n) => oldBodies.has(n.key) && nextFns.has(n.key));
  for (const node of kept) {
    const nextOfNode = nextFns.get(node.key)!;
    oldBodies.get(node.key)!.forEach(({ b }, i) => {
      const body = node.bodies[b]!;
      body.facts = next;
      body.fn = nextOfNode[i]!;
    });
    if (node.bodies[0]!.file === file) fns.rerank(node);
  }
  const gone = removed.map((key) => fns.drop(oldBodies.get(key)![0]!.node));
  const fresh: FunctionNode[] = [];
  for (const fn of next.functions) {
    const key = nodeKey(file, fn);
    if (!added.includes(key)) continue;
    const known = fns.get(key);
    fns.add(next, fn);
    if (known === undefined) fresh.push(fns.get(key)!);
  }
  const current = [...kept, ...fresh];
  fns.setNodesOf(file, current);
  retarget();
  stores.swap();
  const after = refsOfFile(g, next);

  // The file's call sites, old and new, by (node, body): a removed function's bodies were all here.
  const slots = new Set<number>();
  for (const node of current) node.bodies.forEach((body, b) => {
    if (body.facts === next) slots.add(node.index * BODY_SLOTS + b);
  });
  for (const node of gone) for (let b = 0; b < BODY_SLOTS; b++) slots.add(node.index * BODY_SLOTS + b);
  const ours = (ref: CallRef): boolean => slots.has(bodyKeyOf(ref));
  const direct = movedNames(before.direct, after.direct);
  sites.patchByName('direct', direct, ours);
  sites.patchByName('field', movedNames(before.field, after.field), ours);
  g.fields.patchGroups(movedNames(before.groups, after.groups), ours);
  const reverse = sites.built();
  if (reverse !== undefined) {
    const { overrides } = reverse;
    // Where resolution changed, callers are found again from every call site naming the node;
    // elsewhere the file's sites are merged into the list (kfree's runs to 100k sites).
    const retargets = new Set<FunctionNode>([...retargeted, ...fresh, ...gone]);
    for (const t of retargets) overrides.set(t.index, sites.resolved(t));
    for (const [name, refs] of direct) {
      if (renamed.has(name)) continue;
      for (const t of fns.resolveName(file, name)) if (!retargets.has(t)) overrides.set(t.index, mergeRefs(sites.of(t), ours, refs));
    }
  }
  g.forgetFile(file);
  const callers = stores.finish();
  for (const name of renamed) for (const ref of sites.directCallsTo(name)) callers.add(fns.list[refNode(ref)]!);
  return patched({ nodes: current, removed: gone, callers: [...callers].filter((n) => !gone.includes(n)), fields: stores.fields, typesChanged: stores.typesChanged });
}

/** The file's call sites by callee name, by field name and by field group. */
function refsOfFile(g: GraphParts, facts: PackedFileFacts): { direct: Map<string, CallRef[]>; field: Map<string, CallRef[]>; groups: Map<string, CallRef[]> } {
  const out = { direct: new Map<string, CallRef[]>(), field: new Map<string, CallRef[]>(), groups: new Map<string, CallRef[]>() };
  g.nodes.eachCall((node, b, c, kind, callee) => {
    const ref = packRef(node.index, b, c);
    if (kind === KIND_DIRECT) addRef(out.direct, callee, ref);
    else if (kind === KIND_FIELD) {
      addRef(out.field, callee, ref);
      if (!g.fields.grouped) return;
      // Field call groups depend on receiver types: read before and after the swap.
      const group = g.fields.groupOf(callee, ref);
      if (group !== undefined) addRef(out.groups, group, ref);
    }
  }, g.nodes.nodesOf(facts.file), facts);
  for (const map of [out.direct, out.field, out.groups]) for (const list of map.values()) list.sort((x, y) => x - y);
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
 * The part of replaceFile that concerns calls through pointers: the fields whose stores the
 * edit changes (the file's own, and any storing a function that came or went). In steps,
 * around the swap of definitions: `before` notes the functions those fields held, `swap`
 * puts the file's new stores in, `finish` (after the file's calls are patched) forgets what
 * was derived from the old stores and returns the field calls' callers, whose targets moved.
 */
function storePatch(g: GraphParts, old: PackedFileFacts, next: PackedFileFacts, renamed: ReadonlySet<string>): {
  fields: Set<string>; typesChanged: boolean; before(): void; swap(): void; finish(): Set<FunctionNode>;
} {
  const file = old.file;
  const index = g.fields;
  const types = (f: PackedFileFacts): string => f.structFields.map((x) => `${typeKey(x)}:${x.type}`).join(',');
  const typesChanged = types(old) !== types(next);
  // With field types changing, any field call's receiver may now resolve to another struct.
  let receivers: Map<string, string | undefined> | undefined;
  const key = (a: PackedFileFacts['fieldAssignments'][number]): string => `${a.field}=${a.fn}@${a.structType ?? ''}`;
  const fields = new Set<string>();
  if (old.fieldAssignments.map(key).join(',') !== next.fieldAssignments.map(key).join(',')) {
    for (const a of [...old.fieldAssignments, ...next.fieldAssignments]) fields.add(a.field);
  }
  for (const name of renamed) for (const field of index.fieldsNamed(name)) fields.add(field);
  const handlers = new Set<FunctionNode>();
  return {
    fields,
    typesChanged,
    before: () => {
      index.noteHandlers(fields, handlers);
      if (typesChanged) receivers = index.receiverTypes();
    },
    swap: () => {
      if (typesChanged) index.retype(g.files, new Set([...old.structFields, ...next.structFields].map(typeKey)));
      if (fields.size === 0) return;
      index.replaceStores(file, next, fields);
      index.noteHandlers(fields, handlers);
    },
    finish: () => {
      const callers = new Set<FunctionNode>();
      if (typesChanged) index.forgetTypes(receivers!, callers);
      if (fields.size === 0) return callers;
      index.refreshFields(fields, handlers, callers);
      return callers;
    },
  };
}
