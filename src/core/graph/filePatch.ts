// Incremental patching: one file's facts swapped for new ones in a built graph, in place, so
// that the graph then holds what a graph built from scratch would. What cannot be patched is
// said (the caller then rebuilds).
import type { PackedFileFacts, PackedFunction } from '../model/packedFacts';
import { KIND_DIRECT, KIND_FIELD } from '../model/packedFacts';
import { cannotPatch, patched, type Patched } from '../model/patched';
import { sameItems } from '../model/sameItems';
import { addRef, BODY_SLOTS, mergeRefs, packRef, refNode, type CallRef } from './callRefs';
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
 * What an edit of one file changes, decided before anything is changed: read from the graph
 * as it stands and from the two versions of the file. applyFilePlan carries it out.
 */
interface FilePlan {
  readonly old: PackedFileFacts;
  readonly next: PackedFileFacts;
  /** The file's functions before the edit. */
  readonly nodes: readonly FunctionNode[];
  /** Node key -> the bodies the old facts gave that node. */
  readonly oldBodies: ReadonlyMap<string, readonly { node: FunctionNode; b: number }[]>;
  /** Node key -> the new facts' functions (alternatives) for it. */
  readonly nextFns: ReadonlyMap<string, readonly PackedFunction[]>;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Names of functions that came or went: what they resolve to changes in every calling file. */
  readonly renamed: ReadonlySet<string>;
  /** Where each renamed name is called from, before the edit and after (the file itself). */
  readonly callerFiles: ReadonlyMap<string, ReadonlySet<string>>;
  readonly stores: StorePlan;
}

/**
 * What the edit changes in calls through pointers: the fields whose stores change (the file's
 * own, and any storing a function that came or went), and the struct field types.
 */
interface StorePlan {
  readonly fields: ReadonlySet<string>;
  /** Struct field types changed: any field call's receiver may now resolve to another struct. */
  readonly typesChanged: boolean;
  /** The struct types the file declared fields of, before and after. */
  readonly structTypes: ReadonlySet<string>;
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
  const plan = planFilePatch(g, old, next);
  return plan.ok ? patched(applyFilePlan(g, plan.value)) : plan;
}

/** The plan of replaceFile, or why the edit cannot be patched. Changes nothing. */
function planFilePatch(g: GraphParts, old: PackedFileFacts, next: PackedFileFacts): Patched<FilePlan> {
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
  const renamed = new Set([...added, ...removed].map((k) => nextFns.get(k)?.[0]?.name ?? oldBodies.get(k)![0]!.node.name));
  const callerFiles = new Map<string, Set<string>>();
  for (const name of renamed) {
    const files = new Set<string>([file]);
    for (const ref of sites.directCallsTo(name)) files.add(fns.bodyAt(ref).file);
    callerFiles.set(name, files);
  }
  return patched({ old, next, nodes, oldBodies, nextFns, added, removed, renamed, callerFiles, stores: planStores(g.fields, old, next, renamed) });
}

/** The StorePlan of an edit from `old` to `next`. */
function planStores(index: FieldIndex, old: PackedFileFacts, next: PackedFileFacts, renamed: ReadonlySet<string>): StorePlan {
  const types = (f: PackedFileFacts): string => f.structFields.map((x) => `${typeKey(x)}:${x.type}`).join(',');
  // Everything a store holds but its line: a renamed table or block is another object to the
  // notifier lists, though it stores the same function in the same field.
  const key = (a: PackedFileFacts['fieldAssignments'][number]): string => `${a.field}=${a.fn}@${a.structType ?? ''}#${a.object ?? ''}`;
  // Per field: an ops table added beside another changes only the fields it stores, and every
  // field changed makes its callers, its handlers and the chains through it be examined again
  // (fs/read_write.c's generic_ro_fops stores ->read_iter and ->splice_read, which most chains
  // pass: an ops table added below it sent 111 of them through the chain choice again).
  const byField = (f: PackedFileFacts): Map<string, string[]> => {
    const out = new Map<string, string[]>();
    for (const a of f.fieldAssignments) {
      const list = out.get(a.field);
      if (list === undefined) out.set(a.field, [key(a)]);
      else list.push(key(a));
    }
    return out;
  };
  const before = byField(old);
  const after = byField(next);
  const fields = new Set<string>();
  for (const [field, keys] of before) if (!sameItems(keys, after.get(field) ?? [])) fields.add(field);
  for (const field of after.keys()) if (!before.has(field)) fields.add(field);
  for (const name of renamed) for (const field of index.fieldsNamed(name)) fields.add(field);
  return {
    fields,
    typesChanged: types(old) !== types(next),
    structTypes: new Set([...old.structFields, ...next.structFields].map(typeKey)),
  };
}

/**
 * Carries out a plan, in the one order that works: what the old definitions resolve to and
 * which functions the changed fields held are noted first; then definitions, stores and types
 * are swapped; then the file's call sites are patched; last, what was derived from the old
 * stores and types is forgotten, which yields the field calls' callers whose targets moved.
 */
function applyFilePlan(g: GraphParts, plan: FilePlan): FilePatch {
  const { nodes: fns, callers: sites, fields: index } = g;
  const { old, next, nodes, oldBodies, nextFns, added, removed, renamed, callerFiles, stores } = plan;
  const file = old.file;
  const retargeted = new Set<FunctionNode>();
  const retarget = (): void => {
    for (const [name, files] of callerFiles) for (const f of files) for (const t of fns.resolveName(f, name)) retargeted.add(t);
  };
  retarget();
  // The functions the changed fields hold, and the receivers' struct types, before the edit.
  const handlers = new Set<FunctionNode>();
  index.noteHandlers(stores.fields, handlers);
  const receivers = stores.typesChanged ? index.receiverTypes() : undefined;

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
  // The file's new stores and field types; the functions the changed fields hold now.
  if (stores.typesChanged) index.retype(g.files, stores.structTypes);
  if (stores.fields.size > 0) {
    index.replaceStores(file, next, stores.fields);
    index.noteHandlers(stores.fields, handlers);
  }
  const after = refsOfFile(g, next);

  // The file's call sites, old and new, by (node, body): a removed function's bodies were all here.
  const slots = new Set<number>();
  for (const node of current) node.bodies.forEach((body, b) => {
    if (body.facts === next) slots.add(node.index * BODY_SLOTS + b);
  });
  for (const node of gone) for (let b = 0; b < BODY_SLOTS; b++) slots.add(node.index * BODY_SLOTS + b);
  // The file's old call sites: those of these bodies.
  const ours = [...slots].sort((a, b) => a - b);
  const direct = movedNames(before.direct, after.direct);
  sites.patchByName('direct', direct, ours);
  sites.patchByName('field', movedNames(before.field, after.field), ours);
  index.patchGroups(movedNames(before.groups, after.groups), ours);
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
  // What was derived from the old stores and types goes; the field calls whose targets moved stay.
  const callers = new Set<FunctionNode>();
  if (receivers !== undefined) index.forgetTypes(receivers, callers);
  if (stores.fields.size > 0) index.refreshFields(stores.fields, handlers, callers);
  for (const name of renamed) for (const ref of sites.directCallsTo(name)) callers.add(fns.list[refNode(ref)]!);
  return { nodes: current, removed: gone, callers: [...callers].filter((n) => !gone.includes(n)), fields: stores.fields, typesChanged: stores.typesChanged };
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
  // Most lists hold one call, or come in order: a sort would copy each all the same (40 MiB of an
  // update that reads 27 files again).
  for (const map of [out.direct, out.field, out.groups]) for (const list of map.values()) if (!ascending(list)) list.sort((x, y) => x - y);
  return out;
}

function ascending(list: readonly CallRef[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i - 1]! > list[i]!) return false;
  return true;
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
