import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CallGraph } from '../../../src/core/graph/callGraph';
import { unpackRef } from '../../../src/core/graph/callRefs';
import { analyzeFixture, FIXTURES } from '../../support/analyzeFixture';

const ROOT = join(FIXTURES, 'kernel-like');

for (const source of ['memory', 'shard'] as const) {
  test(`packed facts: every call head matches the full fact read back from ${source}`, async (t) => {
    const cacheDir = source === 'shard' ? mkdtempSync(join(tmpdir(), 'lockpath-packed-')) : undefined;
    if (cacheDir !== undefined) t.after(() => rmSync(cacheDir, { recursive: true, force: true }));
    const { graph } = await analyzeFixture(ROOT, { cacheDir });
    let calls = 0;
    for (const node of graph.nodes) {
      for (const body of node.bodies) {
        const full = graph.detail(body);
        assert.ok(full !== undefined, `${body.file} ${node.name}`);
        assert.equal(full.name, body.fn.name);
        assert.equal(full.calls.length, body.fn.callCount);
        full.calls.forEach((c, i) => {
          const { args: _args, assignedTo: _to, assignedNegated: _neg, ...head } = c;
          assert.deepEqual(graph.call(body, i), head);
          calls++;
        });
        const tails = full.flow.blocks.flatMap((b) => (b.exit?.kind === 'call' ? [b.exit.call] : []));
        assert.deepEqual(body.fn.tailCalls ?? [], tails);
      }
    }
    assert.ok(calls > 50, `only ${calls} calls compared`);
    assert.equal(graph.detailMissing.size, 0);
  });
}

test('packed facts: detail that no longer matches the packed function is refused and listed', async () => {
  const { files } = await analyzeFixture(ROOT);
  const other = files.find((f) => f.file === 'fs/splice.c')!;
  // Every file is answered with facts that lack its functions (as after a shard was replaced).
  const graph = new CallGraph(files, 'typed', () => ({
    file: other.file, functions: [], fieldAssignments: [], structFields: [], errorNodes: 0,
  }));
  const body = graph.nodes.find((n) => n.bodies[0]!.file === 'fs/read_write.c')!.bodies[0]!;
  assert.equal(graph.detail(body), undefined);
  assert.deepEqual([...graph.detailMissing], [`${body.file}:${body.fn.startLine} ${body.fn.name}`]);
});

test('call graph: callers of a static are only those of its own file', async () => {
  const { graph } = await analyzeFixture(ROOT);
  for (const file of ['fs/splice.c', 'fs/overlay/copy_up.c']) {
    const node = graph.node(`${file}::check`);
    assert.ok(node !== undefined, file);
    const callers = [...graph.directCallersOf(node)].map((ref) => graph.nodes[unpackRef(ref).node]!.bodies[unpackRef(ref).body]!.file);
    assert.ok(callers.length > 0);
    assert.deepEqual(new Set(callers), new Set([file]));
  }
});
