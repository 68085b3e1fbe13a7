import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseLogFile } from '../../../src/core/traces/parse/parseLog';
import { toTraceJson } from '../../../src/core/traces/parse/traceJson';

test('one JSON document for several inputs: contract keys, summed edges, evidence with its file', async () => {
  const a = await parseLogFile(join('test', 'fixtures', 'logs', 'ok', 'ftrace', 'graph-lock-events-sb_writers.txt'));
  const b = await parseLogFile(join('test', 'fixtures', 'logs', 'ok', 'dmesg', 'hung-task-sb_writers-permission-hook.txt'));
  const doc = JSON.parse(JSON.stringify(toTraceJson([a, b]))) as ReturnType<typeof toTraceJson>;
  assert.deepEqual(Object.keys(doc), ['inputs', 'reports', 'observedEdges', 'freezeHeld']);
  assert.deepEqual(doc.inputs.map((i) => [i.format, i.lines, i.unparsed.length]), [['function_graph', 19, 0], ['dmesg', 34, 0]]);
  assert.deepEqual(doc.reports.map((r) => [r.kind, r.title, r.task]), [['hung-task', 'INFO: task hung in fanotify_get_response', 'fanotify-test/4242']]);
  const e = doc.observedEdges.find((x) => x.caller === 'rw_verify_area' && x.callee === 'security_file_permission')!;
  assert.equal(e.count, 2, 'one from the graph, one from the hung-task stack');
  assert.deepEqual(doc.freezeHeld.map((f) => [f.file.split('/').pop(), f.task, f.class, f.sink, f.source]), [
    ['graph-lock-events-sb_writers.txt', 'ftrace_-65', 'sb_writers', 'security_file_permission', 'lock-events'],
    ['hung-task-sb_writers-permission-hook.txt', 'fanotify-test/4242', 'sb_writers', 'security_file_permission', 'lockdep-held'],
  ]);
  assert.deepEqual(doc.freezeHeld[1]!.path.slice(-4), ['iter_file_splice_write', 'do_iter_write', 'rw_verify_area', 'security_file_permission']);
});
