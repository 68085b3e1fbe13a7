import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { locateWasm } from '../../../src/core/parse/wasmLocation';
import { IndexClient, IndexRequestError } from '../../../src/extension/indexClient';
import type { RatedChain } from '../../../src/core/editor/editorModel';
import {
  INDEX_PROTOCOL_VERSION, type ChainChanges, type FromServer, type OpenParams, type SettleResult, type SnapshotHead, type UpdateResult,
} from '../../../src/protocol/indexProtocol';
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

test('index server: prepares an open tree for updates once idle, once, and its updates say their CPU time', async (t) => {
  const root = copyFixture(t);
  const { server, sent } = inProcess();
  t.after(() => server.dispose());
  server.handle({ kind: 'request', id: 1, method: 'open', params: openParams(root) });
  await server.idle();
  await new Promise((resolve) => setTimeout(resolve, 1200));
  const ready = (): number => sent.filter((m) => m.kind === 'log' && /^ready for updates: prepared in \d+ ms$/.test(m.message)).length;
  assert.equal(ready(), 1);
  const disk = readFileSync(join(root, 'fs/read_write.c'), 'utf8');
  writeFileSync(join(root, 'fs/read_write.c'), disk.replace('\tretval = do_splice_direct(', '\t// retval = do_splice_direct('));
  server.handle({ kind: 'request', id: 2, method: 'update', params: { files: ['fs/read_write.c'] } });
  await server.idle();
  await new Promise((resolve) => setTimeout(resolve, 1200));
  const update = (sent.find((m) => m.kind === 'response' && m.id === 2) as { result: UpdateResult }).result;
  assert.equal(update.delta.removed.length, 1);
  assert.ok(typeof update.cpuMs === 'number' && update.cpuMs >= 0);
  // The same analysis, updated: nothing to prepare again.
  assert.equal(ready(), 1);
});

test('index server: an update is told as the chains that changed, and applying them gives the chains a full fetch gives', async (t) => {
  const root = copyFixture(t);
  const { server, sent } = inProcess();
  t.after(() => server.dispose());
  const answer = async <R>(id: number, method: string, params: object): Promise<R> => {
    server.handle({ kind: 'request', id, method, params });
    await server.idle();
    const m = sent.find((x) => (x.kind === 'response' || x.kind === 'error') && x.id === id);
    if (m?.kind !== 'response') throw new Error(`request ${id} failed: ${JSON.stringify(m)}`);
    return m.result as R;
  };
  const opened = await answer<SnapshotHead>(1, 'open', openParams(root));
  const held = await answer<RatedChain[]>(2, 'chains', { generation: opened.generation, offset: 0, count: 100 });
  // Lines shift in one file: the chains through it change their hops' lines, the others stay as they were.
  const path = join(root, 'fs/read_write.c');
  writeFileSync(path, `// a comment line\n${readFileSync(path, 'utf8')}`);
  const updated = await answer<UpdateResult>(3, 'update', { files: ['fs/read_write.c'] });
  const changes = await answer<ChainChanges>(4, 'chainChanges', { generation: updated.snapshot.generation, since: opened.generation });
  const full = await answer<RatedChain[]>(5, 'chains', { generation: updated.snapshot.generation, offset: 0, count: 100 });
  assert.equal(changes.kind, 'changes');
  if (changes.kind !== 'changes') return;
  assert.ok(changes.changed.length > 0 && changes.changed.length < full.length, `${changes.changed.length} of ${full.length} changed`);
  const byId = new Map([...held, ...changes.changed].map((c) => [c.id, c]));
  assert.deepEqual(changes.ids.map((id) => byId.get(id)), full);
  // A snapshot the server no longer keeps: the host is told to fetch pages.
  const stale = await answer<ChainChanges>(6, 'chainChanges', { generation: updated.snapshot.generation, since: opened.generation - 1 });
  assert.equal(stale.kind, 'refetch');
});

test('index server: a warm open answers from the result cache at once, builds the live analysis behind it, and applies saves made meanwhile after it', async (t) => {
  const { root, params, cold } = await openedOnce(t);
  const coldIds = (cold.find((m) => m.kind === 'response' && m.id === 2) as { result: RatedChain[] }).result.map((c) => c.id);
  const coldHead = (cold.find((m) => m.kind === 'response' && m.id === 1) as { result: SnapshotHead }).result;
  assert.equal(coldHead.preliminary, undefined);
  assert.equal(coldHead.chainCount, 8);

  const { server, sent } = inProcess();
  t.after(() => server.dispose());
  server.handle({ kind: 'request', id: 1, method: 'open', params });
  server.handle({ kind: 'request', id: 2, method: 'chains', params: { generation: 1, offset: 0, count: 50 } });
  while (!sent.some((m) => m.kind === 'response' && m.id === 2)) await new Promise((resolve) => setImmediate(resolve));
  // A save made while the live analysis is built: answered after it, against the chains shown.
  const disk = readFileSync(join(root, 'fs/read_write.c'), 'utf8');
  writeFileSync(join(root, 'fs/read_write.c'), disk.replace('\tretval = do_splice_direct(', '\t// retval = do_splice_direct('));
  server.handle({ kind: 'request', id: 3, method: 'update', params: { files: ['fs/read_write.c'] } });
  server.handle({ kind: 'request', id: 4, method: 'settle', params: {} });
  await server.idle();
  const answers = sent.filter((m) => m.kind === 'response' || m.kind === 'error');
  assert.deepEqual(answers.map((m) => `${m.kind} ${m.id}`), ['response 1', 'response 2', 'response 3', 'response 4']);
  const result = (id: number): unknown => (answers.find((m) => m.id === id) as { result: unknown }).result;
  const head = result(1) as SnapshotHead;
  assert.equal(head.preliminary, true);
  assert.equal(head.chainCount, 8);
  assert.deepEqual((result(2) as RatedChain[]).map((c) => c.id).sort(), [...coldIds].sort());
  const update = result(3) as UpdateResult;
  assert.equal(update.snapshot.preliminary, undefined);
  assert.equal(update.snapshot.chainCount, 7);
  assert.equal(update.delta.removed.length, 1);
  assert.match(update.delta.removed[0]!, /do_sendfile/);
  // Already settled by the update: nothing more to show.
  const settled = result(4) as SettleResult;
  assert.equal(settled.sameChains, true);
  assert.equal(settled.snapshot.chainCount, 7);
  assert.equal(settled.snapshot.generation, update.snapshot.generation);
});

test('index server: settle says the live chains are the preliminary ones, so the host need not redraw', async (t) => {
  const { params } = await openedOnce(t);
  const { server, sent } = inProcess();
  t.after(() => server.dispose());
  server.handle({ kind: 'request', id: 1, method: 'open', params });
  server.handle({ kind: 'request', id: 2, method: 'settle', params: {} });
  server.handle({ kind: 'request', id: 3, method: 'functionAt', params: { file: 'fs/splice.c', line: 28 } });
  await server.idle();
  const result = (id: number): unknown => (sent.find((m) => m.kind === 'response' && m.id === id) as { result: unknown }).result;
  assert.equal((result(1) as SnapshotHead).preliminary, true);
  const settled = result(2) as SettleResult;
  assert.equal(settled.sameChains, true);
  assert.deepEqual(settled.delta, { added: [], removed: [], kept: 8 });
  assert.equal(settled.snapshot.generation, 2);
  assert.equal(settled.snapshot.preliminary, undefined);
  assert.equal((result(3) as { key: string }).key, 'fs/splice.c::do_splice_to');
});

test('index server: a warm open answers with the likely chains, complete with all of them, settle with the same', async (t) => {
  // The precision fixture: 3 likely chains, 22 possible.
  const { params, cold } = await openedOnce(t, 'precision');
  const coldHead = (cold.find((m) => m.kind === 'response' && m.id === 1) as { result: SnapshotHead }).result;
  assert.equal(coldHead.chainCount, 25);
  assert.equal(coldHead.partial, undefined);
  const coldIds = (cold.find((m) => m.kind === 'response' && m.id === 2) as { result: RatedChain[] }).result.map((c) => c.id);
  const { server, sent } = inProcess();
  t.after(() => server.dispose());
  server.handle({ kind: 'request', id: 1, method: 'open', params });
  server.handle({ kind: 'request', id: 2, method: 'chains', params: { generation: 1, offset: 0, count: 50 } });
  server.handle({ kind: 'request', id: 3, method: 'complete', params: {} });
  server.handle({ kind: 'request', id: 4, method: 'chainChanges', params: { generation: 2, since: 1 } });
  server.handle({ kind: 'request', id: 5, method: 'complete', params: {} });
  server.handle({ kind: 'request', id: 6, method: 'settle', params: {} });
  await server.idle();
  const result = (id: number): unknown => (sent.find((m) => m.kind === 'response' && m.id === id) as { result: unknown }).result;
  const head = result(1) as SnapshotHead;
  assert.equal(head.preliminary, true);
  assert.equal(head.partial, true);
  assert.equal(head.chainCount, 3);
  assert.equal(head.stats.possibleChains, 22);
  const likely = result(2) as RatedChain[];
  assert.ok(likely.every((c) => c.confidence === 'likely'));
  const whole = result(3) as SnapshotHead;
  assert.equal(whole.generation, 2);
  assert.equal(whole.chainCount, 25);
  assert.equal(whole.partial, undefined);
  assert.equal(whole.preliminary, true);
  const changes = result(4) as ChainChanges;
  assert.equal(changes.kind, 'changes');
  assert.deepEqual(changes.kind === 'changes' ? changes.ids : [], coldIds);
  // Nothing more: the same snapshot.
  assert.equal((result(5) as SnapshotHead).generation, 2);
  const settled = result(6) as SettleResult;
  assert.equal(settled.sameChains, true);
  assert.equal(settled.snapshot.chainCount, 25);
});

/**
 * A fixture tree opened once with a fact cache (no result cached yet: the live analysis
 * answers, open then chains), and what that server sent; it stores the result once idle for a second.
 */
async function openedOnce(t: { after(fn: () => void): void }, fixture?: string): Promise<{ root: string; params: OpenParams; cold: FromServer[] }> {
  const root = copyFixture(t, fixture);
  const cacheDir = mkdtempSync(join(tmpdir(), 'lockpath-server-cache-'));
  t.after(() => rmSync(cacheDir, { recursive: true, force: true }));
  const params = { ...openParams(root), cacheDir };
  const { server, sent } = inProcess();
  server.handle({ kind: 'request', id: 1, method: 'open', params });
  server.handle({ kind: 'request', id: 2, method: 'chains', params: { generation: 1, offset: 0, count: 50 } });
  await server.idle();
  await new Promise((resolve) => setTimeout(resolve, 1200));
  server.dispose();
  return { root, params, cold: sent };
}
