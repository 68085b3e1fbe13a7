import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FunctionBody, FunctionNode } from '../../../src/core/graph/functionNodes';
import { NameIndex } from '../../../src/core/graph/nameIndex';

const BODY = {} as FunctionBody;

function node(index: number, name: string): FunctionNode {
  return { index, key: `f${index % 7}.c::${name}`, name, bodies: [BODY] };
}

/** What the index must answer: a scan of every node. */
function scan(nodes: readonly FunctionNode[], name: string): FunctionNode[] {
  return nodes.filter((n) => n.name === name && n.bodies.length > 0);
}

test('name index: every name answers as a scan of the nodes would, in node order, through adds and emptied nodes', () => {
  // More names than the smallest table has slots, several nodes for some: probes wrap and chains grow.
  const names = Array.from({ length: 1500 }, (_, i) => (i % 5 === 0 ? 'probe' : `fn_${i % 900}`));
  const nodes = names.map((name, i) => node(i, name));
  const index = new NameIndex(nodes, 2000);
  const asked = ['probe', 'fn_1', 'fn_899', 'fn_900', '', 'missing'];
  for (const name of [...new Set(names), ...asked]) assert.deepEqual(index.named(name), scan(nodes, name), name);
  // Emptied (a live edit removed the function), then added anew: only the node with a body answers.
  nodes[1]!.bodies = [];
  for (const name of ['missing', 'fn_1', 'probe', 'fn_new']) {
    const n = node(nodes.length, name);
    nodes.push(n);
    index.add(n);
  }
  for (const name of [...new Set(nodes.map((n) => n.name)), ...asked]) assert.deepEqual(index.named(name), scan(nodes, name), name);
  assert.deepEqual(index.named('fn_1').map((n) => n.index), [901, 1501], 'the emptied node 1 is passed over');
  assert.equal(index.named('probe').at(-1)?.index, 1502);
});
