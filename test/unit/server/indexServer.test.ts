import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { locateWasm } from '../../../src/core/parse/wasmLocation';
import { IndexClient, IndexRequestError } from '../../../src/extension/indexClient';
import { INDEX_PROTOCOL_VERSION, type FromServer, type OpenParams, type UpdateResult } from '../../../src/protocol/indexProtocol';
import { IndexServer } from '../../../src/server/indexServer';
import { copyFixture } from '../../support/fixtureCopy';

const openParams = (root: string): OpenParams => ({ root, include: [], ruleFiles: [], jobs: 0, pointers: 'typed' });

function inProcess(): { server: IndexServer; sent: FromServer[] } {
  const sent: FromServer[] = [];
  return { server: new IndexServer((m) => sent.push(m), { wasm: locateWasm(__dirname) }), sent };
}

test('index server: answers in order, refuses another protocol version and bad messages', async (t) => {
  const root = copyFixture(t);
  const { server, sent } = inProcess();
  t.after(() => server.dispose());
  server.handle({ kind: 'hello', protocol: INDEX_PROTOCOL_VERSION + 1 });
  server.handle({ kind: 'request', id: 1, method: 'functionAt', params: { file: 'fs/splice.c', line: 28 } });
  server.handle({ kind: 'request', id: 2, method: 'open', params: openParams(root) });
  server.handle({ kind: 'request', id: 3, method: 'functionAt', params: { file: 'fs/splice.c', line: 28 } });
  server.handle({ kind: 'request', id: 4, method: 'rm -rf', params: {} });
  await server.idle();
  const hello = sent.find((m) => m.kind === 'hello');
  assert.equal(hello?.kind === 'hello' && hello.ok, false);
  const log = sent.find((m): m is Extract<FromServer, { kind: 'log' }> => m.kind === 'log');
  assert.match(log?.message ?? '', /does not understand.*rm -rf/);
  const answers = sent.filter((m) => m.kind === 'response' || m.kind === 'error');
  assert.deepEqual(answers.map((m) => m.id), [1, 2, 3]);
  assert.match(answers[0]!.kind === 'error' ? answers[0]!.message : '', /no tree is open yet/);
  const opened = answers[1]!;
  assert.equal(opened.kind, 'response');
  assert.equal((opened as { result: { chainCount: number } }).result.chainCount, 8);
  assert.deepEqual((answers[2] as { result: { key: string } }).result.key, 'fs/splice.c::do_splice_to');
  assert.ok(sent.some((m) => m.kind === 'progress' && m.id === 2 && m.phase === 'parse'), 'progress of the open request');
});

test('index server: a cancelled open fails as cancelled and keeps the tree that was open', async (t) => {
  const root = copyFixture(t);
  const { server, sent } = inProcess();
  t.after(() => server.dispose());
  server.handle({ kind: 'request', id: 1, method: 'open', params: openParams(root) });
  server.handle({ kind: 'request', id: 2, method: 'open', params: openParams(root) });
  server.handle({ kind: 'cancel', id: 2 });
  server.handle({ kind: 'request', id: 3, method: 'export', params: { format: 'json' } });
  await server.idle();
  const second = sent.find((m) => m.kind === 'error' && m.id === 2);
  assert.deepEqual(second, { kind: 'error', id: 2, message: 'cancelled', cancelled: true });
  const exported = sent.find((m) => m.kind === 'response' && m.id === 3) as { result: string } | undefined;
  assert.equal(JSON.parse(exported!.result).chains.length, 8);
});

test('index client: the server runs in a child process and answers across the boundary', async (t) => {
  const root = copyFixture(t);
  const logs: string[] = [];
  const client = IndexClient.start({ script: join(process.cwd(), 'dist/indexServer.js'), maxOldSpaceMb: 512 }, (level, m) => logs.push(`${level}: ${m}`));
  t.after(() => client.dispose());
  await client.ready;
  assert.notEqual(client.pid, process.pid);
  const phases = new Set<string>();
  const snapshot = await client.request('open', { ...openParams(root), jobs: 1 }, { onProgress: (phase) => phases.add(phase) });
  assert.equal(snapshot.chainCount, 8);
  // The chains come in pages, of the snapshot just answered only.
  const pages = [await client.request('chains', { generation: snapshot.generation, offset: 0, count: 5 }), await client.request('chains', { generation: snapshot.generation, offset: 5, count: 5 })];
  assert.deepEqual(pages.map((p) => p.length), [5, 3]);
  assert.equal(new Set(pages.flat().map((c) => c.id)).size, 8);
  await assert.rejects(client.request('chains', { generation: snapshot.generation + 1, offset: 0, count: 5 }), /the current one is/);
  assert.ok(phases.has('parse'), [...phases].join());
  const callers = await client.request('callers', { key: 'rw_verify_area' });
  assert.ok(callers.some((e) => e.caller.name === 'generic_file_splice_read' && e.site.file === 'fs/splice.c' && e.site.line === 8));
  const aborted = new AbortController();
  aborted.abort();
  await assert.rejects(client.request('update', { files: [] }, { signal: aborted.signal }), (e: unknown) => e instanceof IndexRequestError && e.cancelled);
  const sarif = JSON.parse(await client.request('export', { format: 'sarif' }));
  assert.equal(sarif.runs[0].results.length, 8);
});

test('index server: an unsaved buffer updates the chains, and naming its file again goes back to the disk', async (t) => {
  const root = copyFixture(t);
  const { server, sent } = inProcess();
  t.after(() => server.dispose());
  const disk = readFileSync(join(root, 'fs/read_write.c'), 'utf8');
  const text = disk.replace('\tretval = do_splice_direct(', '\t// retval = do_splice_direct(');
  server.handle({ kind: 'request', id: 1, method: 'open', params: openParams(root) });
  server.handle({ kind: 'request', id: 2, method: 'update', params: { files: [], unsaved: [{ file: 'fs/read_write.c', text }] } });
  server.handle({ kind: 'request', id: 3, method: 'update', params: { files: ['fs/read_write.c'] } });
  server.handle({ kind: 'request', id: 4, method: 'update', params: { files: [], unsaved: [{ file: 'fs/read_write.c' }] } });
  await server.idle();
  const answer = (id: number): UpdateResult => (sent.find((m) => m.kind === 'response' && m.id === id) as { result: UpdateResult }).result;
  const typed = answer(2);
  assert.equal(typed.delta.removed.length, 1);
  assert.match(typed.delta.removed[0]!, /do_sendfile/);
  assert.equal(typed.snapshot.chainCount, 7);
  const reverted = answer(3);
  assert.deepEqual(reverted.delta.added, typed.delta.removed);
  assert.equal(reverted.snapshot.chainCount, 8);
  const bad = sent.find((m) => m.kind === 'error' && m.id === 4);
  assert.match(bad?.kind === 'error' ? bad.message : '', /unsaved must be a list of \{ file, text \}/);
});
