// The packed graph has limits (bodies per function, calls per body, functions per file). What
// passes them is left out of the graph and said under "not analysed", never dropped silently.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CallGraph } from '../../../src/core/graph/callGraph';
import { BODY_SLOTS, CALL_BITS } from '../../../src/core/graph/callRefs';
import { FUNCTIONS_PER_FILE } from '../../../src/core/graph/functionNodes';
import type { PackedFileFacts, PackedFunction } from '../../../src/core/model/packedFacts';
import { analyzeFixture } from '../../support/analyzeFixture';

test(`graph limits: the ${BODY_SLOTS + 1}th definition of a function is named under not analysed`, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'lockpath-limits-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'fs'));
  // One global name defined in 17 files folds into one node, as per-architecture copies do.
  for (let i = 1; i <= BODY_SLOTS + 1; i++) {
    const n = String(i).padStart(2, '0');
    writeFileSync(join(root, 'fs', `alt${n}.c`), `int shared_alt(void)\n{\n\treturn helper_${n}();\n}\n`);
  }
  const { result, graph } = await analyzeFixture(root);
  const node = graph.node('shared_alt')!;
  assert.deepEqual(node.bodies.map((b) => b.file), Array.from({ length: BODY_SLOTS }, (_, i) => `fs/alt${String(i + 1).padStart(2, '0')}.c`));
  assert.deepEqual(graph.leftOut, [{ limit: 'alternatives', file: 'fs/alt17.c', label: 'fs/alt17.c:1 shared_alt' }]);
  const notes = result.notAnalysed.filter((n) => n.what.startsWith('definitions of one function'));
  assert.deepEqual(notes, [{
    what: 'definitions of one function past the 16th (#ifdef alternatives, per-architecture copies): fs/alt17.c:1 shared_alt',
    reason: 'a function keeps 16 bodies; calls made only in the others are not followed',
    count: 1,
  }]);
  // The left-out body's call is not in the graph.
  assert.equal(graph.directCallsTo('helper_17').length, 0);
  assert.equal(graph.directCallsTo('helper_16').length, 1);
});

function fn(name: string, index: number, callCount: number): PackedFunction {
  return {
    name, isStatic: false, kind: 'function', startLine: index + 1, endLine: index + 1, nameLine: index + 1, nameColumn: 5,
    conditional: false, bodyErrors: 0, index, firstCall: 0, callCount,
  };
}

test('graph limits: a body with more calls than a call ref numbers, and functions past the per-file limit, are left out', () => {
  const file: PackedFileFacts = {
    file: 'fs/big.c', hash: 'h', calls: new Int32Array(0), names: [], fieldAssignments: [], structFields: [], errorNodes: 0,
    functions: [fn('fits', 0, 0), fn('huge', 1, CALL_BITS + 1), fn('last_numbered', FUNCTIONS_PER_FILE - 1, 0), fn('past_end', FUNCTIONS_PER_FILE, 0)],
  };
  const graph = new CallGraph([file]);
  assert.deepEqual(graph.nodes.map((n) => n.name), ['fits', 'last_numbered']);
  assert.deepEqual(graph.leftOut, [
    { limit: 'calls', file: 'fs/big.c', label: 'fs/big.c:2 huge' },
    { limit: 'functions', file: 'fs/big.c', label: `fs/big.c:${FUNCTIONS_PER_FILE + 1} past_end` },
  ]);
  // An edit of a file with left-out bodies is not patched: the analysis is built again.
  const patch = graph.replaceFile(file, { ...file, hash: 'h2' });
  assert.deepEqual(patch, { ok: false, why: 'fs/big.c has functions past a limit of the graph' });
});
