// Questions about the call graph an editor asks at a position: which function is here, who
// calls it, what it calls. Answers are plain locations (editorModel.ts), never graph nodes.
import type { CallGraph } from '../graph/callGraph';
import type { CallRef } from '../graph/callRefs';
import { definingBody, type FunctionBody, type FunctionNode } from '../graph/functionNodes';
import { viaField } from '../model/chain';
import type { CallEdge, FunctionLocation } from './editorModel';

function locationOf(node: FunctionNode, body: FunctionBody): FunctionLocation {
  const { fn } = body;
  return { key: node.key, name: node.name, file: body.file, line: fn.nameLine, column: fn.nameColumn, startLine: fn.startLine, endLine: fn.endLine };
}

/** Where a function is defined, at its defining body. */
function definitionOf(node: FunctionNode): FunctionLocation | undefined {
  const body = definingBody(node);
  return body === undefined ? undefined : locationOf(node, body);
}

/** The innermost function whose body spans `line` (1-based) of `file`, if any. */
export function functionAt(graph: CallGraph, file: string, line: number): FunctionLocation | undefined {
  let best: FunctionLocation | undefined;
  for (const node of graph.nodesOf(file)) {
    for (const body of node.bodies) {
      if (body.file !== file || line < body.fn.startLine || line > body.fn.endLine) continue;
      const here = locationOf(node, body);
      if (best === undefined || here.endLine - here.startLine < best.endLine - best.startLine) best = here;
    }
  }
  return best;
}

/** The function with this key (see FunctionLocation.key), where it is defined. */
export function functionByKey(graph: CallGraph, key: string): FunctionLocation | undefined {
  const node = graph.node(key);
  return node === undefined ? undefined : definitionOf(node);
}

/** Every call `key`'s bodies make that resolves to a function of the tree, in source order. */
export function calleesOf(graph: CallGraph, key: string): CallEdge[] {
  const node = graph.node(key);
  if (node === undefined) return [];
  const edges: CallEdge[] = [];
  for (const body of node.bodies) {
    const caller = locationOf(node, body);
    for (let i = 0; i < body.fn.callCount; i++) {
      const call = graph.call(body, i);
      for (const target of graph.resolveCall(body.file, call)) {
        const callee = definitionOf(target.node);
        if (callee === undefined) continue;
        edges.push({ site: { file: body.file, line: call.line, column: call.column }, caller, callee, via: target.via });
      }
    }
  }
  return edges;
}

/** Every call site that resolves to `key`: named calls, then calls through function-pointer fields. */
export function callersOf(graph: CallGraph, key: string): CallEdge[] {
  const node = graph.node(key);
  const callee = node === undefined ? undefined : definitionOf(node);
  if (node === undefined || callee === undefined) return [];
  const edges: CallEdge[] = [];
  const add = (ref: CallRef, via: string): void => {
    const at = graph.callAt(ref);
    edges.push({ site: { file: at.body.file, line: at.call.line, column: at.call.column }, caller: locationOf(at.node, at.body), callee, via });
  };
  for (const ref of graph.directCallersOf(node)) add(ref, 'direct');
  for (const group of graph.fieldCallerKeys(node.index)) {
    for (const ref of graph.fieldCallersIn(group)) add(ref, viaField(graph.callAt(ref).call.callee));
  }
  return edges;
}
