import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { acquisitionSites, chainConfidence, chainDelta, chainsInFile, chainsThrough } from '../../../src/core/editor/chainQueries';
import type { CallEdge, RatedChain } from '../../../src/core/editor/editorModel';
import { EditorSession } from '../../../src/core/editor/editorSession';
import { copyFixture, fixtureOptions } from '../../support/fixtureCopy';

async function openCopy(t: { after(fn: () => void): void }): Promise<{ root: string; session: EditorSession }> {
  const root = copyFixture(t);
  const session = await EditorSession.open(fixtureOptions(root));
  t.after(() => session.dispose());
  return { root, session };
}

/** `caller@file:line -> callee [via]`: an edge as one comparable line. */
function edgeLine(e: CallEdge): string {
  return `${e.caller.name}@${e.site.file}:${e.site.line}:${e.site.column} -> ${e.callee.name} [${e.via}]`;
}

test('editor queries: the function at a position, its callers and callees as locations', async (t) => {
  const { session } = await openCopy(t);
  // fs/splice.c:26-29 is do_splice_to, a static function: its key names the file.
  const fn = session.functionAt('fs/splice.c', 28);
  assert.deepEqual(fn, { key: 'fs/splice.c::do_splice_to', name: 'do_splice_to', file: 'fs/splice.c', line: 26, column: 13, startLine: 26, endLine: 29 });
  assert.equal(session.functionAt('fs/splice.c', 3), undefined, 'a line outside every function');
  assert.deepEqual(session.callees(fn!.key).map(edgeLine), [
    'do_splice_to@fs/splice.c:28:19 -> generic_file_splice_read [->splice_read]',
    'do_splice_to@fs/splice.c:28:19 -> splice_read_nocheck [->splice_read]',
  ]);
  // Named calls first, then those through the ops table, marked with their field.
  const reader = session.functionAt('fs/splice.c', 8)!;
  assert.deepEqual(session.callers(reader.key).map(edgeLine), ['do_splice_to@fs/splice.c:28:19 -> generic_file_splice_read [->splice_read]']);
  assert.deepEqual(session.callers('fs/splice.c::do_splice_to').map(edgeLine), ['splice_direct_to_actor@fs/splice.c:33:13 -> do_splice_to [direct]']);
  assert.equal(session.functionByKey('rw_verify_area')?.file, 'fs/read_write.c');
  assert.equal(session.functionByKey('fs/read_write.c::do_sendfile')?.line, 11);
  assert.deepEqual(session.callers('no_such_function'), []);
});

test('editor queries: chains by file and by function, grouped by acquisition site', async (t) => {
  const { session } = await openCopy(t);
  const chains = session.result.chains;
  const inSplice = chainsInFile(chains, 'fs/splice.c').map((c) => c.acquire.function);
  assert.deepEqual(inSplice, ['do_sendfile']);
  assert.deepEqual(chainsThrough(chains, 'rw_verify_area').map((c) => c.acquire.function).sort(),
    ['copy_by_mode', 'copy_checked', 'copy_many', 'do_sendfile', 'try_copy']);
  const sites = acquisitionSites(chains);
  assert.deepEqual(sites.map((s) => `${s.acquire.file}:${s.acquire.line} ${s.acquire.call} ${s.chains.length}`), [
    'fs/overlay/copy_up.c:15 ovl_want_write 1',
    'fs/overlay/copy_up.c:70 ovl_want_write 1',
    'fs/read_write.c:20 file_start_write 1',
    'fs/read_write.c:44 file_start_write 1',
    'fs/read_write.c:67 sb_start_write_trylock 1',
    'fs/read_write.c:82 sb_start_write 1',
    'fs/read_write.c:92 sb_start_write 1',
    'fs/read_write.c:112 kiocb_start_write 1',
  ]);
});

test('editor queries: unrated chains count as likely; the best chain of a site comes first', () => {
  const base = { rule: 'freeze', acquire: { file: 'a.c', line: 3, column: 2, function: 'f', call: 'sb_start_write' }, sink: 's', indirect: false };
  const hop = { file: 'a.c', line: 4, column: 2, caller: 'f', callee: 's', via: 'direct' };
  const short: RatedChain = { ...base, id: 'short', hops: [hop], confidence: 'possible' };
  const long: RatedChain = { ...base, id: 'long', hops: [hop, hop] };
  assert.equal(chainConfidence(long), 'likely');
  assert.deepEqual(acquisitionSites([short, long])[0]!.chains.map((c) => c.id), ['long', 'short']);
  assert.deepEqual(chainDelta([short], [long]), { added: ['long'], removed: ['short'], kept: 0 });
});

test('editor session: a batch update says which chains it added and removed', async (t) => {
  const { root, session } = await openCopy(t);
  const edit = (rel: string, from: string, to: string): void => {
    const file = join(root, rel);
    const text = readFileSync(file, 'utf8');
    assert.ok(text.includes(from), `${rel} holds ${from}`);
    writeFileSync(file, text.replace(from, to));
  };
  const before = session.result.chains.length;
  // A checkout touching two files: the ops-table hop goes, and a new direct sink call comes.
  edit('fs/splice.c', 'return in->f_op->splice_read(in, len);', 'return len;');
  edit('fs/overlay/copy_up.c', 'return security_file_open', 'return 0; security_file_open');
  const update = session.update(['fs/splice.c', 'fs/overlay/copy_up.c', 'fs/splice.c']);
  assert.deepEqual(update.files.map((f) => f.file), ['fs/splice.c', 'fs/overlay/copy_up.c']);
  assert.equal(update.delta.added.length, 0);
  assert.equal(update.delta.removed.length, before - session.result.chains.length);
  assert.ok(update.delta.removed.length >= 1);
  assert.equal(session.result.chains.some((c) => c.acquire.function === 'do_sendfile'), false);
  // Nothing changed since: an empty delta.
  assert.deepEqual(session.update(['fs/splice.c']).delta, { added: [], removed: [], kept: session.result.chains.length });
});

test('editor queries: the names a log prints find functions an update added (the name index follows the graph)', async (t) => {
  const { root, session } = await openCopy(t);
  assert.deepEqual(session.definitionsOfPrinted('do_splice_to.isra.0').map((f) => f.key), ['fs/splice.c::do_splice_to']);
  assert.deepEqual(session.definitionsOfPrinted('lockpath_added'), []);
  const disk = readFileSync(join(root, 'fs/splice.c'), 'utf8');
  session.update([], [{ file: 'fs/splice.c', text: `${disk}\nstatic long lockpath_added(struct file *f)\n{\n\treturn 0;\n}\n` }]);
  assert.deepEqual(session.definitionsOfPrinted('lockpath_added').map((f) => f.key), ['fs/splice.c::lockpath_added']);
  session.update(['fs/splice.c']);
  assert.deepEqual(session.definitionsOfPrinted('lockpath_added'), []);
});
