// The reader's function spans (graph/functionSpans.ts): the smallest body of the file that holds
// a line, the first listed of equal ones, indexed once per list of the file's functions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallGraph } from '../../../src/core/graph/callGraph';
import { functionSpans } from '../../../src/core/graph/functionSpans';
import type { FunctionNode } from '../../../src/core/graph/functionNodes';
import type { PackedFunction } from '../../../src/core/model/packedFacts';

/** A node with one body per span, in `file` unless the span names another file. */
function node(name: string, ...spans: [number, number, string?][]): FunctionNode {
  return {
    index: 0, key: name, name,
    bodies: spans.map(([startLine, endLine, file]) => ({ file: file ?? 'a.c', facts: undefined as never, fn: { name, startLine, endLine } as PackedFunction })),
  };
}

/** A graph that only lists functions by file: all functionSpans asks of it. */
function graphOf(byFile: Map<string, FunctionNode[]>): CallGraph {
  return { nodesOf: (file: string) => byFile.get(file) ?? [] } as unknown as CallGraph;
}

test('function spans: the smallest body holding the line, the first listed of equal ones, none outside', () => {
  // A node with a body in each of two files (alternatives), listed under both.
  const shared = node('shared', [1, 100, 'b.h'], [70, 80]);
  const files = new Map([['a.c', [
    node('outer', [10, 40]),
    node('inner', [20, 25]),
    // Same size as `inner`, overlapping it (an #ifdef arm): `inner` is listed first.
    node('twin', [22, 27]),
    shared,
    node('late', [50, 60]),
  ]], ['b.h', [shared]]]);
  const spans = functionSpans(() => graphOf(files));
  assert.deepEqual(spans('a.c', 12), { startLine: 10, endLine: 40 });
  assert.deepEqual(spans('a.c', 21), { startLine: 20, endLine: 25 });
  assert.deepEqual(spans('a.c', 23), { startLine: 20, endLine: 25 });
  assert.deepEqual(spans('a.c', 26), { startLine: 22, endLine: 27 });
  assert.deepEqual(spans('a.c', 41), undefined);
  assert.deepEqual(spans('a.c', 55), { startLine: 50, endLine: 60 });
  // Each file has only its own bodies of the node.
  assert.deepEqual(spans('a.c', 5), undefined);
  assert.deepEqual(spans('a.c', 75), { startLine: 70, endLine: 80 });
  assert.deepEqual(spans('b.h', 5), { startLine: 1, endLine: 100 });
  assert.deepEqual(spans('b.h', 75), { startLine: 1, endLine: 100 });
});

test('function spans: a file given a new list of functions (an edit) is indexed again; none without a graph', () => {
  const files = new Map([['a.c', [node('f', [1, 5])]]]);
  let graph: CallGraph | undefined;
  const spans = functionSpans(() => graph);
  assert.equal(spans('a.c', 3), undefined);
  graph = graphOf(files);
  assert.deepEqual(spans('a.c', 3), { startLine: 1, endLine: 5 });
  files.set('a.c', [node('f', [2, 6])]);
  assert.deepEqual(spans('a.c', 3), { startLine: 2, endLine: 6 });
});
