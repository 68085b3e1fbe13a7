// The held-state logic against annotated C (test/fixtures/c/annotated, format in its README):
// the flow builder (releases, branches, goto back-edges, loops), the held-state analysis at
// each call, and the wrapper summaries inferred from bodies, through the whole pipeline.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RuleModel, Summary } from '../../../src/core/rules/summaries';
import { traceHolds } from '../../../src/core/rules/heldState';
import { readAnnotations, type Annotation } from '../../support/annotations';
import { analyzeFixture, FIXTURES } from '../../support/analyzeFixture';

const ROOT = join(FIXTURES, 'annotated');
/** The keys this test checks; chain and no-chain belong to test/unit/chains/chainAnnotations.test.ts. */
const KEYS = new Set(['calls', 'held', 'summary']);

function describeSummary(s: Summary | undefined): string {
  if (s === undefined) return 'none';
  const parts = [];
  if (s.acquire !== undefined) parts.push(`acquires ${s.acquire}`);
  if (s.release !== undefined) parts.push(`releases ${s.release}`);
  return parts.join(', ');
}

/** What the core says at every call and function name: position -> key -> value. */
function observed(model: RuleModel): Map<string, Map<string, string>> {
  const graph = model.graph;
  const out = new Map<string, Map<string, string>>();
  const at = (pos: string): Map<string, string> => {
    let m = out.get(pos);
    if (m === undefined) out.set(pos, (m = new Map()));
    return m;
  };
  for (const node of graph.nodes) {
    for (const body of node.bodies) {
      at(`${body.file}:${body.fn.nameLine}:${body.fn.nameColumn}`).set('summary', describeSummary(model.summaries.get(node.index)));
      const full = graph.detail(body);
      assert.ok(full !== undefined, `${body.file} ${node.name}: no control flow`);
      const flow = traceHolds(full, (i) => model.effect(body, i), false);
      assert.equal(flow.truncated, false, `${body.file} ${node.name}`);
      full.calls.forEach((call, i) => {
        const m = at(`${body.file}:${call.line}:${call.column}`);
        m.set('calls', call.callee);
        m.set('held', (flow.heldBy[i]?.size ?? 0) > 0 ? model.rule.id : '-');
      });
    }
  }
  return out;
}

function annotations(): Annotation[] {
  const dir = join(ROOT, 'fs');
  return readdirSync(dir).filter((f) => f.endsWith('.c')).sort()
    .flatMap((f) => readAnnotations(`fs/${f}`, readFileSync(join(dir, f), 'utf8')))
    .map((a) => ({ at: a.at, expect: new Map([...a.expect].filter(([k]) => KEYS.has(k))) }))
    .filter((a) => a.expect.size > 0);
}

for (const parseAll of [false, true]) {
  test(`held state: every annotated call and function of the annotated fixtures (${parseAll ? 'all files parsed' : 'default readers'})`, async () => {
    const { models } = await analyzeFixture(ROOT, { parseAll });
    const seen = observed(models[0]!);
    const wanted = annotations();
    assert.ok(wanted.length >= 20, 'the fixtures hold their annotations');
    // One line per assertion, expected against observed, so that a failure shows each position.
    const line = (a: Annotation, key: string, value: string | undefined): string => `${a.at}  ${key}: ${value ?? '(nothing here)'}`;
    const expected = wanted.flatMap((a) => [...a.expect].map(([k, v]) => line(a, k, v)));
    const actual = wanted.flatMap((a) => [...a.expect.keys()].map((k) => line(a, k, seen.get(a.at)?.get(k))));
    assert.deepEqual(actual, expected);
  });
}

test('held state: annotations read their column through tabs', () => {
  const text = 'int f(void)\n{\n\terr = do_write(file);\n//\t      ^ calls: do_write  held: freeze\n}\n';
  const [a] = readAnnotations('fs/x.c', text);
  assert.equal(a!.at, 'fs/x.c:3:8');
  assert.deepEqual([...a!.expect], [['calls', 'do_write'], ['held', 'freeze']]);
  assert.throws(() => readAnnotations('fs/x.c', 'f();\n//        ^ held: freeze\n'), /past the end/);
  assert.throws(() => readAnnotations('fs/x.c', 'f();\n// ^ held freeze\n'), /not a 'key: value'/);
  assert.throws(() => readAnnotations('fs/x.c', 'f();\n// ^ hold: freeze\n'), /unknown assertion key 'hold'/);
  const twice = readAnnotations('fs/x.c', 'f();\n// ^ chain: f > g\n// ^ chain: f > h\n');
  assert.deepEqual(twice.map((a) => [a.at, a.expect.get('chain')]), [['fs/x.c:1:4', 'f > g'], ['fs/x.c:1:4', 'f > h']]);
});
