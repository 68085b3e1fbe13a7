// The overlay on a live analysis: the graph's index of every name, built by the first overlay,
// follows the edits patched into the graph, so that a log naming a function a save added (or
// took away) is read against the tree as it is now, without rebuilding the analysis.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LiveAnalysis } from '../../../src/core/live/liveAnalysis';
import { overlayTraces, type ObservedEdgeMatch } from '../../../src/core/traces/overlay/traceOverlay';
import { parseLogLines } from '../../../src/core/traces/parse/parseLog';
import { copyFixture, fixtureOptions } from '../../support/fixtureCopy';

/** A function_graph capture of lockpath_added() calling rw_verify_area(). */
const CAPTURE = [
  '# tracer: function_graph',
  '   10.000100 |   0)  lpcopy-42     |               |  lockpath_added() {',
  '   10.000110 |   0)  lpcopy-42     |   1.000 us    |    rw_verify_area();',
  '   10.000115 |   0)  lpcopy-42     |   3.000 us    |  }',
];

const ADDED = '\nstatic long lockpath_added(struct file *in, long len)\n{\n\treturn rw_verify_area(READ, in, len);\n}\n';

test('overlay on a live analysis: a function an edit adds or removes is seen by name, without a rebuild', async (t) => {
  const root = copyFixture(t);
  const live = await LiveAnalysis.open(fixtureOptions(root));
  t.after(() => live.dispose());
  const graph = live.graph;
  const edge = (): ObservedEdgeMatch | undefined => {
    const o = overlayTraces(live.graph, live.result.chains, [parseLogLines(CAPTURE, 'added.txt')]);
    return o.observedEdges.find((e) => e.caller === 'lockpath_added');
  };
  // The first overlay indexes every name: lockpath_added is not among them.
  assert.equal(edge()?.match, 'unknown');
  assert.deepEqual(graph.nodesNamed('lockpath_added'), []);

  const file = join(root, 'fs/splice.c');
  const original = readFileSync(file, 'utf8');
  writeFileSync(file, `${original}${ADDED}`);
  assert.equal(live.update('fs/splice.c').kind, 'local');
  assert.equal(live.graph, graph, 'patched in place, not rebuilt');
  assert.deepEqual(edge(), { caller: 'lockpath_added', callee: 'rw_verify_area', count: 1, match: 'static', via: 'direct' });
  assert.deepEqual(graph.nodesNamed('lockpath_added').map((n) => n.key), ['fs/splice.c::lockpath_added']);

  // Removed: its node stays in the graph without a body, but no name finds it, as after a fresh scan.
  writeFileSync(file, original);
  assert.equal(live.update('fs/splice.c').kind, 'local');
  assert.equal(live.graph, graph);
  const o = overlayTraces(live.graph, live.result.chains, [parseLogLines(CAPTURE, 'added.txt')]);
  assert.deepEqual(o.unmapped.find((u) => u.name === 'lockpath_added'), { name: 'lockpath_added', count: 1, reason: 'not in tree' });
  assert.deepEqual(o.observedEdges.find((e) => e.caller === 'lockpath_added'), { caller: 'lockpath_added', callee: 'rw_verify_area', count: 1, match: 'unknown' });
  assert.deepEqual(graph.nodesNamed('lockpath_added'), []);

  // Added again: a new node, the only one its name finds.
  writeFileSync(file, `${original}${ADDED}`);
  assert.equal(live.update('fs/splice.c').kind, 'local');
  assert.equal(live.graph, graph);
  assert.deepEqual(graph.nodesNamed('lockpath_added').map((n) => n.bodies.length), [1]);
  assert.equal(edge()?.match, 'static');
});

test('function names: a name asked before the index of every name is built leaves out what an edit removed', async (t) => {
  const root = copyFixture(t);
  const live = await LiveAnalysis.open(fixtureOptions(root));
  t.after(() => live.dispose());
  const file = join(root, 'fs/splice.c');
  const original = readFileSync(file, 'utf8');
  // Memoised one name at a time: the memo follows the edits too.
  assert.deepEqual(live.graph.nodesNamed('lockpath_added'), []);
  writeFileSync(file, `${original}${ADDED}`);
  assert.equal(live.update('fs/splice.c').kind, 'local');
  assert.equal(live.graph.nodesNamed('lockpath_added').length, 1);
  writeFileSync(file, original);
  assert.equal(live.update('fs/splice.c').kind, 'local');
  assert.deepEqual(live.graph.nodesNamed('lockpath_added'), []);
  // A name first asked after its function was removed is not memoised with the emptied node either.
  writeFileSync(file, original.replace(/static long splice_read_nocheck\([^]*?\n\}\n/, '').replace('.splice_read\t= splice_read_nocheck,', ''));
  assert.equal(live.update('fs/splice.c').kind, 'local');
  assert.equal(live.graph.nodes.filter((n) => n.name === 'splice_read_nocheck' && n.bodies.length === 0).length, 1, 'its node stays, emptied');
  assert.deepEqual(live.graph.nodesNamed('splice_read_nocheck'), []);
  live.graph.indexNames();
  assert.deepEqual(live.graph.nodesNamed('splice_read_nocheck'), []);
  assert.deepEqual(live.graph.nodesNamed('do_splice_to').map((n) => n.key), ['fs/splice.c::do_splice_to']);
});
