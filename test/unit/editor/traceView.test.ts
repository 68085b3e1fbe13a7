// A loaded trace as the editor shows it, through the index server's `traceView` request on the
// kernel-like fixture tree and the hand-written overlay logs (test/fixtures/overlay/README.md):
// observed call sites, functions, report frames at their lines, chain hops with evidence, and
// lines printed by another kernel version.
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { test, type TestContext } from 'node:test';
import { locateWasm } from '../../../src/core/parse/wasmLocation';
import type { FromServer, IndexMethods } from '../../../src/protocol/indexProtocol';
import { IndexServer } from '../../../src/server/indexServer';
import { copyFixture } from '../../support/fixtureCopy';

const LOGS = resolve('test', 'fixtures', 'overlay');
const SENDFILE = 'freeze/do_sendfile/file_start_write/do_splice_direct/security_file_permission';

async function ask<M extends keyof IndexMethods>(server: IndexServer, sent: FromServer[], id: number, method: M, params: IndexMethods[M]['params']): Promise<IndexMethods[M]['result']> {
  server.handle({ kind: 'request', id, method, params });
  await server.idle();
  const m = sent.find((x) => (x.kind === 'response' || x.kind === 'error') && x.id === id);
  if (m?.kind === 'error') throw new Error(m.message);
  return (m as { result: IndexMethods[M]['result'] }).result;
}

/** An in-process server with a copy of the kernel-like tree open (request id 1). */
async function openFixture(t: TestContext): Promise<{ server: IndexServer; sent: FromServer[] }> {
  const root = copyFixture(t);
  const sent: FromServer[] = [];
  const server = new IndexServer((m) => sent.push(m), { wasm: locateWasm(__dirname) });
  t.after(() => server.dispose());
  await ask(server, sent, 1, 'open', { root, include: [], ruleFiles: [], jobs: 0, pointers: 'typed' });
  return { server, sent };
}

test('traceView: the index already open answers a loaded log, no rescan', async (t) => {
  const { server, sent } = await openFixture(t);
  const progressBefore = sent.filter((m) => m.kind === 'progress').length;
  const view = await ask(server, sent, 2, 'traceView', { files: [join(LOGS, 'fgraph-kernel-like-sendfile.txt'), join(LOGS, 'hung-task-kernel-like-syzbot-lines.txt')] });
  assert.equal(sent.filter((m) => m.kind === 'progress').length, progressBefore, 'no scan progress: the tree was not read again');
  assert.deepEqual(view.logs.map((l) => `${l.format} ${l.lines} ${l.reports} ${l.unparsed}`), ['function_graph 48 0 0', 'dmesg 35 1 0']);
  assert.ok(view.durationMs >= 0);
  // Call sites whose edge ran, at the static call's position, with the run-time evidence.
  const call = (file: string, line: number): string | undefined => {
    const c = view.calls.find((x) => x.file === file && x.line === line);
    return c && `${c.caller} -> ${c.callee} ${c.via} ${c.count}x ${c.tasks.join(',')} ${c.duration?.maxUs ?? '-'}us`;
  };
  assert.equal(call('fs/read_write.c', 21), 'do_sendfile -> do_splice_direct direct 2x lpcopy-42,lpcopy/4242 21us');
  assert.equal(call('fs/splice.c', 28), 'do_splice_to -> generic_file_splice_read ->splice_read 2x lpcopy-42,lpcopy/4242 7us');
  assert.equal(call('fs/read_write.c', 7), 'rw_verify_area -> security_file_permission direct 3x lpcopy-42,lpcopy/4242 2.5us');
  // A function named with a line of another kernel version maps by name, and says so.
  const sendfile = view.functions.find((f) => f.name === 'do_sendfile');
  assert.deepEqual(sendfile && { at: `${sendfile.file}:${sendfile.line}:${sendfile.column}`, other: sendfile.otherVersion, count: sendfile.count },
    { at: 'fs/read_write.c:11:13', other: ['fs/read_write.c:1255'], count: 2 });
  // Report frames whose printed line lies in this tree's definition: the line itself.
  assert.deepEqual(view.frames.map((f) => `${f.file}:${f.line} ${f.function}`), [
    'fs/read_write.c:7 rw_verify_area', 'fs/splice.c:8 generic_file_splice_read', 'fs/splice.c:28 do_splice_to',
    'fs/splice.c:33 splice_direct_to_actor', 'fs/splice.c:42 do_splice_direct', 'security/security.c:7 fsnotify_perm',
    'security/security.c:16 security_file_permission',
  ]);
  // Chains: only those with an observed hop; the canonical one ran hop by hop.
  const canonical = view.chains.find((c) => c.chain === SENDFILE);
  assert.equal(canonical?.observedHops, 6);
  assert.equal(canonical?.hops, 6);
  assert.ok(view.chains.every((c) => c.observedHops > 0));
  assert.deepEqual(view.extraEdges.map((e) => `${e.caller} -> ${e.callee} ${e.callerAt} ${e.calleeAt}`), ['path_open -> ovl_maybe_copy_up fs/overlay/copy_up.c:46 fs/overlay/copy_up.c:11']);
  // Crosses the process boundary as plain JSON.
  assert.deepEqual(JSON.parse(JSON.stringify(view)), view);
});

test('traceView: bad input is a clear error; links resolve printed names', async (t) => {
  const { server, sent } = await openFixture(t);
  await assert.rejects(ask(server, sent, 2, 'traceView', { files: [join(LOGS, 'no-such.txt')] }), /cannot read .*no-such\.txt/);
  await assert.rejects(ask(server, sent, 3, 'traceView', { files: 'x' as unknown as string[] }), /files must be a non-empty list/);
  const defs = await ask(server, sent, 4, 'definitions', { name: 'do_splice_to.isra.0' });
  assert.deepEqual(defs.map((d) => `${d.file}:${d.line}:${d.column}`), ['fs/splice.c:26:13']);
  assert.deepEqual(await ask(server, sent, 5, 'definitions', { name: '__x64_sys_lpcopy' }).then((d) => d.map((x) => x.name)), ['sys_lpcopy']);
  assert.deepEqual(await ask(server, sent, 6, 'definitions', { name: '0xffffffffc064e083' }), []);
});
