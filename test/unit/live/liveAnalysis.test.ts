import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_MAX_FILE_BYTES } from '../../../src/core/analyze';
import { LiveAnalysis } from '../../../src/core/live/liveAnalysis';
import type { ScanResult } from '../../../src/core/model/chain';
import { FREEZE_RULE } from '../../../src/core/rules/ruleSpec';
import { locateWasm } from '../../../src/core/parse/wasmLocation';
import { analyzeFixture, FIXTURES } from '../../support/analyzeFixture';

/** Everything but timings and cache counts, which differ between a live update and a fresh scan. */
function stable(r: ScanResult): string {
  return JSON.stringify({ ...r, stats: { ...r.stats, durationMs: 0, cachedFiles: 0 } });
}

async function openCopy(t: { after(fn: () => void): void }, fixture = 'kernel-like', prepare?: (root: string) => void): Promise<{ root: string; live: LiveAnalysis }> {
  const root = mkdtempSync(join(tmpdir(), 'lockpath-live-'));
  cpSync(join(FIXTURES, fixture), root, { recursive: true });
  prepare?.(root);
  const live = await LiveAnalysis.open({
    root, rules: [FREEZE_RULE], include: [], wasm: locateWasm(__dirname), cacheDir: undefined, jobs: 0, maxFileBytes: DEFAULT_MAX_FILE_BYTES,
  });
  t.after(() => {
    live.dispose();
    rmSync(root, { recursive: true, force: true });
  });
  return { root, live };
}

async function assertSameAsFresh(live: LiveAnalysis, root: string): Promise<void> {
  const fresh = await analyzeFixture(root);
  assert.equal(stable(live.result), stable(fresh.result));
}

test('live analysis: opens with the same result as a scan', async (t) => {
  const { root, live } = await openCopy(t);
  await assertSameAsFresh(live, root);
  assert.equal(live.update('fs/read_write.c').kind, 'unchanged');
});

test('live analysis: an edit that keeps every call is local, and moves the hops with the lines', async (t) => {
  const { root, live } = await openCopy(t);
  const before = live.result.chains.find((c) => c.acquire.file === 'fs/read_write.c')!;
  const file = join(root, 'fs/read_write.c');
  writeFileSync(file, `/*\n * three lines\n */\n${readFileSync(file, 'utf8')}`);
  const outcome = live.update('fs/read_write.c');
  assert.equal(outcome.kind, 'local', outcome.reason);
  const after = live.result.chains.find((c) => c.id === before.id)!;
  assert.equal(after.acquire.line, before.acquire.line + 3);
  await assertSameAsFresh(live, root);
});

test('live analysis: an unsaved buffer stands for its file until the file is read from disk again', async (t) => {
  const { root, live } = await openCopy(t);
  const rel = 'fs/read_write.c';
  const file = join(root, rel);
  const disk = readFileSync(file, 'utf8');
  const opened = stable(live.result);
  const typed = disk.replace('\tretval = do_splice_direct(', '\t// retval = do_splice_direct(');
  assert.notEqual(typed, disk);
  const outcome = live.update(rel, typed);
  assert.notEqual(outcome.kind, 'unchanged');
  assert.equal(live.result.chains.some((c) => c.acquire.function === 'do_sendfile'), false);
  assert.equal(readFileSync(file, 'utf8'), disk, 'the file on disk is not touched');
  // The same text again changes nothing; it is what a scan of that text finds.
  assert.equal(live.update(rel, typed).kind, 'unchanged');
  writeFileSync(file, typed);
  await assertSameAsFresh(live, root);
  // Closed or reverted: the content on disk counts again.
  writeFileSync(file, disk);
  assert.notEqual(live.update(rel).kind, 'unchanged');
  assert.equal(stable(live.result), opened);
});

/** Edits `rel` with `edit`, updates, and checks the kind of update and that it equals a fresh scan. */
async function expectUpdate(live: LiveAnalysis, root: string, rel: string, edit: (text: string) => string, kind: 'local' | 'rebuilt', reason?: RegExp): Promise<void> {
  const file = join(root, rel);
  const before = readFileSync(file, 'utf8');
  const after = edit(before);
  assert.notEqual(after, before, 'the edit must change the file');
  writeFileSync(file, after);
  const outcome = live.update(rel);
  assert.equal(outcome.kind, kind, outcome.reason);
  if (reason !== undefined) assert.match(outcome.reason ?? '', reason);
  await assertSameAsFresh(live, root);
}

test('live analysis: edits that change calls but not definitions are patched in, with fresh results', async (t) => {
  const { root, live } = await openCopy(t);
  const original = (rel: string): string => readFileSync(join(FIXTURES, 'kernel-like', rel), 'utf8');
  const chains = live.result.chains.length;
  // The same calls, but an exempt write-side check becomes a read-side one: a new chain.
  await expectUpdate(live, root, 'fs/read_write.c', (s) => s.replace('rw_verify_area(WRITE, file, count)', 'rw_verify_area(READ, file, count)'), 'local');
  assert.ok(live.result.chains.some((c) => c.acquire.function === 'vfs_writev'));
  // The hop every direct chain ends with goes: paths through it must be found again or dropped.
  await expectUpdate(live, root, 'fs/read_write.c', (s) => s.replace('return security_file_permission(file, read_write == READ ? MAY_READ : MAY_WRITE);', 'return 0;'), 'local');
  assert.ok(live.result.chains.length < chains);
  // A call added under a hold, then the ops-table hop removed.
  await expectUpdate(live, root, 'fs/splice.c', (s) => s.replace('\tret = check(f);', '\tret = check(f);\n\tsecurity_file_permission(f, MAY_READ);'), 'local');
  assert.ok(live.result.chains.some((c) => c.acquire.function === 'splice_checked'));
  await expectUpdate(live, root, 'fs/splice.c', (s) => s.replace('return in->f_op->splice_read(in, len);', 'return len;'), 'local');
  await expectUpdate(live, root, 'fs/read_write.c', () => original('fs/read_write.c'), 'local');
  await expectUpdate(live, root, 'fs/splice.c', () => original('fs/splice.c'), 'local');
  assert.equal(live.result.chains.length, chains);
});

test('live analysis: function-pointer stores changed, added or removed are patched in', async (t) => {
  const { root, live } = await openCopy(t);
  const chains = live.result.chains.length;
  // The checked handler swapped for the one that does not check: the ops-table chain goes.
  await expectUpdate(live, root, 'fs/splice.c', (s) => s.replace('.splice_read\t= generic_file_splice_read,', '.splice_read\t= splice_read_nocheck,'), 'local');
  assert.ok(live.result.chains.length < chains);
  // A second table storing the checked one again, in another file, then a new handler.
  await expectUpdate(live, root, 'fs/read_write.c', (s) => `${s}\nconst struct file_operations rw_fops = {\n\t.splice_read\t= generic_file_splice_read,\n};\n`, 'local');
  await expectUpdate(live, root, 'fs/read_write.c',
    (s) => `${s}\nstatic long rw_splice_read(struct file *in, long len)\n{\n\treturn rw_verify_area(READ, in, len);\n}\n\nstatic const struct file_operations rw2_fops = {\n\t.splice_read\t= rw_splice_read,\n};\n`, 'local');
  // A stored function removed: the table names nothing any more.
  await expectUpdate(live, root, 'fs/read_write.c', (s) => s.replace(/static long rw_splice_read\([^]*?\n\}\n/, ''), 'local');
  await expectUpdate(live, root, 'fs/splice.c', () => readFileSync(join(FIXTURES, 'kernel-like', 'fs/splice.c'), 'utf8'), 'local');
  await expectUpdate(live, root, 'fs/read_write.c', () => readFileSync(join(FIXTURES, 'kernel-like', 'fs/read_write.c'), 'utf8'), 'local');
  assert.equal(live.result.chains.length, chains);
});

/** A held call through ->read_iter, and a handler that checks, which no table stores yet. */
const READ_ITER_CALLER = `
static long write_then_read(struct file *out, struct file *in, long len)
{
	long ret;

	file_start_write(out);
	ret = in->f_op->read_iter(in, len);
	file_end_write(out);
	return ret;
}

long checked_read_iter(struct file *in, long len)
{
	return rw_verify_area(READ, in, len);
}
`;

test('live analysis: an ops-table store added in another file brings a chain through it, and removed takes it away', async (t) => {
  // The store is the edit's only change: the graph's stores must be patched for the chain to appear or go.
  const { root, live } = await openCopy(t, 'kernel-like', (r) => writeFileSync(join(r, 'fs/read_write.c'), `${readFileSync(join(r, 'fs/read_write.c'), 'utf8')}${READ_ITER_CALLER}`));
  const throughStore = (): string[] => live.result.chains
    .filter((c) => c.hops.some((h) => h.via === '->read_iter' && h.callee === 'checked_read_iter')).map((c) => c.acquire.function);
  assert.deepEqual(throughStore(), []);
  const table = '\nstatic const struct file_operations iter_fops = {\n\t.read_iter\t= checked_read_iter,\n};\n';
  await expectUpdate(live, root, 'fs/splice.c', (s) => `${s}${table}`, 'local');
  assert.deepEqual(throughStore(), ['write_then_read']);
  await expectUpdate(live, root, 'fs/splice.c', (s) => s.replace(table, ''), 'local');
  assert.deepEqual(throughStore(), []);
});

test('live analysis: functions added, removed or shadowing a global are patched in too', async (t) => {
  const { root, live } = await openCopy(t);
  // A new function that takes and drops the hold, and reaches the hook in between: a new chain.
  await expectUpdate(live, root, 'fs/read_write.c',
    (s) => `${s}\nlong extra_sendfile(struct file *f)\n{\n\tlong ret;\n\n\tfile_start_write(f);\n\tret = rw_verify_area(READ, f, 0);\n\tfile_end_write(f);\n\treturn ret;\n}\n`, 'local');
  assert.ok(live.result.chains.some((c) => c.acquire.function === 'extra_sendfile'));
  // A static in front of the file's first function: every rank after it moves.
  await expectUpdate(live, root, 'fs/read_write.c', (s) => s.replace('int rw_verify_area(', 'static int early(void)\n{\n\treturn 0;\n}\n\nint rw_verify_area('), 'local');
  // A function removed, whose callers elsewhere no longer resolve.
  await expectUpdate(live, root, 'fs/splice.c', (s) => s.replace(/long do_splice_direct\([^]*?\n\}\n/, ''), 'local');
  assert.ok(!live.result.chains.some((c) => c.hops.some((h) => h.callee === 'do_splice_direct')));
  // And back: the callers resolve to it again.
  await expectUpdate(live, root, 'fs/splice.c', () => readFileSync(join(FIXTURES, 'kernel-like', 'fs/splice.c'), 'utf8'), 'local');
  assert.ok(live.result.chains.some((c) => c.id === 'freeze/do_sendfile/file_start_write/do_splice_direct/security_file_permission'));
  // A file-local static that shadows the global rw_verify_area for this file's calls only.
  await expectUpdate(live, root, 'fs/splice.c', (s) => `static int rw_verify_area(int rw, struct file *f, long n)\n{\n\treturn 0;\n}\n${s}`, 'local');
});

test('live analysis: struct field types, new and deleted files are patched in', async (t) => {
  const { root, live } = await openCopy(t);
  // The type of the field every ops-table call goes through, then back.
  await expectUpdate(live, root, 'include/linux/fs.h', (s) => s.replace('const struct file_operations *f_op;', 'const struct other_operations *f_op;'), 'local');
  assert.ok(!live.result.chains.some((c) => c.hops.some((h) => h.via === '->splice_read')));
  await expectUpdate(live, root, 'include/linux/fs.h', () => readFileSync(join(FIXTURES, 'kernel-like', 'include/linux/fs.h'), 'utf8'), 'local');
  assert.ok(live.result.chains.some((c) => c.hops.some((h) => h.via === '->splice_read')));
  // A new file between others in walk order, with a chain of its own and a new ops table.
  writeFileSync(join(root, 'fs/pipe.c'), [
    'static long pipe_splice_read(struct file *in, long len)\n{\n\treturn rw_verify_area(READ, in, len);\n}\n',
    'const struct file_operations pipefifo_fops = {\n\t.splice_read\t= pipe_splice_read,\n};\n',
    'long pipe_write(struct file *f)\n{\n\tlong ret;\n\n\tfile_start_write(f);\n\tret = do_splice_direct(f, f, 1);\n\tfile_end_write(f);\n\treturn ret;\n}\n',
  ].join('\n'));
  const added = live.update('fs/pipe.c');
  assert.equal(added.kind, 'local', added.reason);
  await assertSameAsFresh(live, root);
  assert.ok(live.result.chains.some((c) => c.acquire.function === 'pipe_write'));
  unlinkSync(join(root, 'fs/pipe.c'));
  assert.equal(live.update('fs/pipe.c').kind, 'local');
  await assertSameAsFresh(live, root);
  // A file every chain starts in or passes through.
  unlinkSync(join(root, 'fs/overlay/copy_up.c'));
  assert.equal(live.update('fs/overlay/copy_up.c').kind, 'local');
  await assertSameAsFresh(live, root);
});

test('live analysis: wrapper summaries that change are patched in, their callers with them', async (t) => {
  const { root, live } = await openCopy(t);
  // mnt_want_write() now holds on failure only: every caller's acquisition moves.
  await expectUpdate(live, root, 'fs/namespace.c', (s) => s.replace('\tif (ret)\n\t\tsb_end_write', '\tif (!ret)\n\t\tsb_end_write'), 'local');
  // A new function that returns with the hold: a new wrapper, and one that calls it.
  await expectUpdate(live, root, 'fs/read_write.c',
    (s) => `${s}\nlong extra_wrapper(struct file *f)\n{\n\tfile_start_write(f);\n\treturn 0;\n}\n`, 'local');
  await expectUpdate(live, root, 'fs/splice.c',
    (s) => `${s}\nlong extra_user(struct file *f)\n{\n\textra_wrapper(f);\n\treturn rw_verify_area(READ, f, 1);\n}\n`, 'local');
  assert.ok(live.result.chains.some((c) => c.acquire.function === 'extra_user' && c.acquire.call === 'extra_wrapper'));
  // The wrapper stops being one: its caller's chain goes.
  await expectUpdate(live, root, 'fs/read_write.c', (s) => s.replace('\tfile_start_write(f);\n\treturn 0;', '\treturn 0;'), 'local');
  assert.ok(!live.result.chains.some((c) => c.acquire.function === 'extra_user'));
});

test('live analysis: a new wrapper makes the files of its callers, read from tokens, parsed with control flow', async (t) => {
  const { root, live } = await openCopy(t);
  const tokenRead = (): number => live.result.stats.tokenReadFiles ?? 0;
  const before = tokenRead();
  // The caller comes first: grab_write() is nothing yet, so its file stays read from tokens.
  writeFileSync(join(root, 'fs/attr.c'), [
    'int setattr_checked(struct vfsmount *m, struct file *f)\n{\n\tint err = grab_write(m);\n\n\tif (err)\n\t\treturn err;',
    '\terr = security_file_open(f);\n\tdrop_write(m);\n\treturn err;\n}\n',
  ].join('\n'));
  const added = live.update('fs/attr.c');
  assert.equal(added.kind, 'local', added.reason);
  assert.equal(tokenRead(), before + 1);
  await assertSameAsFresh(live, root);
  // Now the wrappers, in another file read from tokens until it calls the primitives: both files are parsed.
  await expectUpdate(live, root, 'security/security.c', (s) => `${s}
int grab_write(struct vfsmount *m)\n{\n\tsb_start_write(m->mnt_sb);\n\treturn 0;\n}\n
void drop_write(struct vfsmount *m)\n{\n\tsb_end_write(m->mnt_sb);\n}\n`, 'local');
  assert.equal(tokenRead(), before - 1);
  assert.ok(live.result.chains.some((c) => c.acquire.function === 'setattr_checked' && c.acquire.call === 'grab_write' && c.sink === 'security_file_open'));
  // The wrappers go again: both files are read from tokens again, as a scan from scratch reads them.
  await expectUpdate(live, root, 'security/security.c', () => readFileSync(join(FIXTURES, 'kernel-like', 'security/security.c'), 'utf8'), 'local');
  assert.equal(tokenRead(), before + 1);
});

test('live analysis: a file read the other way, back and forth, keeps its other functions\' chains as a fresh scan has them', async (t) => {
  const { root, live } = await openCopy(t);
  // attr_helper() calls nothing with an effect: read from tokens or parsed, it analyses the same.
  writeFileSync(join(root, 'fs/attr.c'), [
    'int setattr_checked(struct vfsmount *m, struct file *f)\n{\n\tint err = grab_write(m);\n\n\tif (err)\n\t\treturn err;',
    '\terr = attr_helper(f);\n\tdrop_write(m);\n\treturn err;\n}\n',
    'int attr_helper(struct file *f)\n{\n\tif (!f)\n\t\treturn 0;\n\treturn security_file_open(f);\n}\n',
  ].join('\n'));
  writeFileSync(join(root, 'fs/attr_hold.c'), 'int attr_hold(struct super_block *sb, struct file *f)\n{\n\tsb_start_write(sb);\n\tattr_helper(f);\n\tsb_end_write(sb);\n\treturn 0;\n}\n');
  for (const rel of ['fs/attr.c', 'fs/attr_hold.c']) assert.equal(live.update(rel).kind, 'local');
  await assertSameAsFresh(live, root);
  const throughHelper = (caller: string): boolean => live.result.chains.some((c) => c.acquire.function === caller && c.hops.some((h) => h.callee === 'attr_helper'));
  assert.ok(throughHelper('attr_hold'));
  const original = readFileSync(join(root, 'security/security.c'), 'utf8');
  const wrappers = `${original}\nint grab_write(struct vfsmount *m)\n{\n\tsb_start_write(m->mnt_sb);\n\treturn 0;\n}\n\nvoid drop_write(struct vfsmount *m)\n{\n\tsb_end_write(m->mnt_sb);\n}\n`;
  // Twice: the second time the facts of each read come from the recently read ones.
  for (let round = 0; round < 2; round++) {
    await expectUpdate(live, root, 'security/security.c', () => wrappers, 'local');
    assert.ok(throughHelper('attr_hold') && throughHelper('setattr_checked'));
    await expectUpdate(live, root, 'security/security.c', () => original, 'local');
    assert.ok(throughHelper('attr_hold') && !throughHelper('setattr_checked'));
  }
});

test('live analysis: a second definition of a global, or a wrapper made recursive, rebuild with fresh results', async (t) => {
  const { root, live } = await openCopy(t);
  // Its summary oscillates until the visit cap: the result depends on the order of visits.
  await expectUpdate(live, root, 'fs/namespace.c', (s) => s.replace('\tif (ret)\n\t\tsb_end_write', '\tif (m)\n\t\treturn mnt_want_write(m);\n\tif (ret)\n\t\tsb_end_write'),
    'rebuilt', /summary of mnt_want_write does not settle/);
  await expectUpdate(live, root, 'fs/splice.c', (s) => `${s}\nint rw_verify_area(int rw, struct file *f, long n)\n{\n\treturn 0;\n}\n`,
    'rebuilt', /rw_verify_area is also defined elsewhere/);
});

/** A small deterministic generator (mulberry32): the random edits are the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

test('live analysis: random edits to calls, functions, stores and field types, each patched in or rebuilt, always equal a fresh scan', async (t) => {
  const { root, live } = await openCopy(t);
  // LOCKPATH_LIVE_SEED and LOCKPATH_LIVE_STEPS explore other edit sequences by hand.
  const next = random(Number(process.env.LOCKPATH_LIVE_SEED ?? 20261125));
  const files = ['fs/read_write.c', 'fs/splice.c', 'fs/namespace.c', 'fs/overlay/copy_up.c', 'security/security.c'];
  // Statements that make a call: dropped, doubled, or swapped for one taken from elsewhere.
  const isCallLine = (l: string): boolean => /^\t+[^\t/*#].*\w\s*\(.*\);\s*(\/\*.*)?$/.test(l) && !l.includes('{');
  const pool = files.flatMap((f) => readFileSync(join(root, f), 'utf8').split('\n').filter(isCallLine)).map((l) => l.trim());
  // Stores in ops tables (`\t.splice_read\t= fn,`): pointed at another function, or dropped.
  const isStore = (l: string): boolean => /^\t\.\w+\s*=\s*\w+,$/.test(l);
  const functionNames = [...new Set(pool.map((l) => /(\w+)\s*\(/.exec(l)![1]!))];
  const kinds = new Map<string, number>();
  for (let step = 0; step < Number(process.env.LOCKPATH_LIVE_STEPS ?? 40); step++) {
    const rel = files[Math.floor(next() * files.length)]!;
    const lines = readFileSync(join(root, rel), 'utf8').split('\n');
    if (next() < 0.1) {
      // A struct field's type swapped for another struct the header names.
      const header = join(root, 'include/linux/fs.h');
      const text = readFileSync(header, 'utf8').split('\n');
      const fields = text.map((l, i) => (/^\t(const )?struct \w+ \*\w+;$/.test(l) ? i : -1)).filter((i) => i >= 0);
      const structs = [...new Set(text.flatMap((l) => /struct (\w+)/.exec(l)?.[1] ?? []))];
      const i = fields[Math.floor(next() * fields.length)]!;
      text[i] = text[i]!.replace(/struct \w+/, `struct ${structs[Math.floor(next() * structs.length)]!}`);
      writeFileSync(header, text.join('\n'));
      const outcome = live.update('include/linux/fs.h');
      kinds.set(outcome.kind, (kinds.get(outcome.kind) ?? 0) + 1);
      await assertSameAsFresh(live, root);
      continue;
    }
    const stores = lines.map((l, i) => (isStore(l) ? i : -1)).filter((i) => i >= 0);
    if (stores.length > 0 && next() < 0.2) {
      const i = stores[Math.floor(next() * stores.length)]!;
      if (next() < 0.3) lines.splice(i, 1);
      else lines[i] = lines[i]!.replace(/=\s*\w+,$/, `= ${functionNames[Math.floor(next() * functionNames.length)]!},`);
      writeFileSync(join(root, rel), lines.join('\n'));
      const outcome = live.update(rel);
      kinds.set(outcome.kind, (kinds.get(outcome.kind) ?? 0) + 1);
      await assertSameAsFresh(live, root);
      continue;
    }
    const at = lines.map((l, i) => (isCallLine(l) ? i : -1)).filter((i) => i >= 0);
    if (at.length === 0) continue;
    const i = at[Math.floor(next() * at.length)]!;
    const indent = /^\t+/.exec(lines[i]!)![0];
    const r = next();
    // A whole function: from its `{` line back to its head, forward to its `}`.
    const open = lines.lastIndexOf('{', i);
    const close = lines.indexOf('}', i);
    const head = open > 0 && /^\w/.test(lines[open - 1]!) ? open - 1 : -1;
    if (r < 0.3) lines.splice(i, 1);
    else if (r < 0.5) lines.splice(i, 0, lines[i]!);
    else if (r < 0.7 || head < 0 || close < 0) lines.splice(i + 1, 0, `${indent}${pool[Math.floor(next() * pool.length)]!}`);
    else if (r < 0.85) lines.splice(head, close - head + 1);
    else {
      const copy = lines.slice(head, close + 1);
      copy[0] = copy[0]!.replace(/(\w+)\(/, `$1_copy${step}(`);
      lines.splice(close + 1, 0, '', ...copy);
    }
    writeFileSync(join(root, rel), lines.join('\n'));
    const outcome = live.update(rel);
    kinds.set(outcome.kind, (kinds.get(outcome.kind) ?? 0) + 1);
    await assertSameAsFresh(live, root);
  }
  assert.ok((kinds.get('local') ?? 0) >= 30, `most random edits are patched in: ${JSON.stringify([...kinds])}`);
  t.diagnostic(`update kinds: ${JSON.stringify([...kinds])}`);
});

test('live analysis: a verdict that rested on code elsewhere is given again when that code changes', async (t) => {
  const { root, live } = await openCopy(t, 'precision');
  const confidence = (fn: string): string | undefined => live.result.chains.find((c) => c.acquire.function === fn)?.confidence;
  const edit = async (rel: string, change: (text: string) => string): Promise<void> => {
    const file = join(root, rel);
    const before = readFileSync(file, 'utf8');
    writeFileSync(file, change(before));
    assert.notEqual(readFileSync(file, 'utf8'), before);
    assert.equal(live.update(rel).kind, 'local');
    const fresh = await analyzeFixture(root, { rules: [FREEZE_RULE] });
    assert.equal(stable(live.result), stable(fresh.result));
  };
  assert.equal(confidence('case_export_close_first'), 'possible');
  assert.equal(confidence('case_beta_own_hold'), 'possible');
  // Only an initializer's flags change, in a file no chain passes through and with no function
  // store changed: the flag the verdict looked for now has a setter that can be frozen.
  await edit('fs/alpha/export.c', (s) => s.replace('.flags = EXPORT_OP_SYNC_FIRST,', '.flags = EXPORT_OP_SYNC_FIRST | EXPORT_OP_CLOSE_FIRST,'));
  assert.equal(confidence('case_export_close_first'), 'likely');
  // beta learns to freeze, in a new file: a tree-wide fact the verdict on its hold read.
  writeFileSync(join(root, 'fs/beta/super.c'), 'static int beta_freeze(struct super_block *sb)\n{\n\treturn 0;\n}\n\nconst struct super_operations beta_freeze_ops = {\n\t.freeze_fs = beta_freeze,\n};\n');
  assert.equal(live.update('fs/beta/super.c').kind, 'local');
  assert.equal(stable(live.result), stable((await analyzeFixture(root, { rules: [FREEZE_RULE] })).result));
  assert.equal(confidence('case_beta_own_hold'), 'likely');
});

test('live analysis: a store added to an existing ops table, a tree-wide fact a kept verdict read, equals a fresh scan', async (t) => {
  const { root, live } = await openCopy(t, 'precision');
  const confidence = (fn: string): string | undefined => live.result.chains.find((c) => c.acquire.function === fn)?.confidence;
  assert.equal(confidence('case_beta_own_hold'), 'possible');
  // beta's own super_operations learns to freeze: the file has no chain, only the fact changes.
  await expectUpdate(live, root, 'fs/beta/inode.c', (s) => s.replace(
    'const struct super_operations beta_super_ops = {\n\t.evict_inode = beta_evict,\n};',
    'static int beta_freeze(struct super_block *sb)\n{\n\treturn 0;\n}\n\nconst struct super_operations beta_super_ops = {\n\t.evict_inode = beta_evict,\n\t.freeze_fs = beta_freeze,\n};',
  ), 'local');
  assert.equal(confidence('case_beta_own_hold'), 'likely');
  // And back: the verdict kept from before the edit must not come back unasked.
  await expectUpdate(live, root, 'fs/beta/inode.c', () => readFileSync(join(FIXTURES, 'precision', 'fs/beta/inode.c'), 'utf8'), 'local');
  assert.equal(confidence('case_beta_own_hold'), 'possible');
  // A comment in the file the chain's verdicts read keeps them, and still equals a fresh scan.
  await expectUpdate(live, root, 'fs/beta/inode.c', (s) => `${s}\n/* a comment */\n`, 'local');
});

test('live analysis: notifier lists kept across edits are read again when a registration changes', async (t) => {
  const { root, live } = await openCopy(t, 'notifiers');
  const rel = 'kernel/printk/index.c';
  const file = join(root, rel);
  const original = readFileSync(file, 'utf8');
  const module = (): string | undefined => live.result.chains.find((c) => c.acquire.function === 'case_module')?.reasons.map((r) => r.kind).join(',');
  assert.equal(module(), 'notifier-dispatch');
  // A comment: the lists kept are given out again.
  writeFileSync(file, `${original}/* nothing registered here */\n`);
  assert.equal(live.update(rel).kind, 'local');
  await assertSameAsFresh(live, root);
  // Lines added above the registration: a kept verdict quotes where the block is registered.
  const where = (): string | undefined => live.result.chains.find((c) => c.acquire.function === 'case_module')?.reasons.find((r) => r.kind === 'notifier-dispatch')?.text;
  const quoted = where();
  writeFileSync(file, `/*\n * two lines\n */\n${original}`);
  assert.equal(live.update(rel).kind, 'local');
  await assertSameAsFresh(live, root);
  assert.notEqual(where(), quoted);
  // The same call registers another block (only the source it read says so), the block holds
  // another function (a store changed), then no call at all.
  for (const text of [
    original.replace('register_module_notifier(&pi_module_nb)', 'register_module_notifier(&pi_other_nb)'),
    original.replace('.notifier_call = pi_module_notify,', '.notifier_call = pi_other_notify,'),
    // The block renamed where it is defined, not where it is registered: same stores, another object.
    original.replace('static struct notifier_block pi_module_nb = {', 'static struct notifier_block pi_renamed_nb = {'),
    original.replace('return register_module_notifier(&pi_module_nb);', 'return 0;'),
  ]) {
    writeFileSync(file, text);
    live.update(rel);
    await assertSameAsFresh(live, root);
    assert.notEqual(module(), 'notifier-dispatch');
  }
  writeFileSync(file, original);
  live.update(rel);
  await assertSameAsFresh(live, root);
  assert.equal(module(), 'notifier-dispatch');
});

test('live analysis: a list head changed at a call site is read again for every chain walking that list from there', async (t) => {
  // Two hooks in do_dentry_open(): two chains from case_module with the same hops up to the
  // notifier call, whose verdicts both follow the list's head back to module_loaded()'s call.
  // That call first passes a list without the block: both chains are only possible, rated by
  // the dispatch alone, which reads nothing else of the source.
  const rel = 'kernel/module.c';
  const passed = (head: string): string => `blocking_notifier_call_chain(&${head}, 1, 0);`;
  const { root, live } = await openCopy(t, 'notifiers', (root) => {
    const open = join(root, 'fs/open.c');
    writeFileSync(open, readFileSync(open, 'utf8').replace('\tint error = security_file_open(f);\n', '\tint error = security_file_open(f);\n\n\tif (!error)\n\t\terror = fsnotify_open_perm(f);\n'));
    const module = join(root, rel);
    writeFileSync(module, readFileSync(module, 'utf8').replace(passed('module_notify_list'), passed('nobody_list')));
  });
  const modules = (): string[] => live.result.chains.filter((c) => c.acquire.function === 'case_module').map((c) => `${c.sink}: ${c.confidence}`).sort();
  assert.ok(modules().length > 0 && modules().every((m) => m.endsWith('possible')), modules().join('; '));
  // The call stays where it was and calls the same function; only the list it passes changes.
  writeFileSync(join(root, rel), readFileSync(join(root, rel), 'utf8').replace(passed('nobody_list'), passed('module_notify_list')));
  assert.equal(live.update(rel).kind, 'local');
  await assertSameAsFresh(live, root);
  assert.ok(modules().every((m) => m.endsWith('likely')), modules().join('; '));
});

test('live analysis: lines added between functions move the chains and the lines their verdicts quote, as a fresh scan has them', async (t) => {
  // Verdicts here read guards, flags and callers in the files edited: after lines come in above
  // some functions and not others, what they read is at other lines, and their reasons say so.
  for (const fixture of ['precision', 'notifiers']) {
    const { root, live } = await openCopy(t, fixture);
    const files = live.result.chains.flatMap((c) => [c.acquire.file, ...c.hops.map((h) => h.file)]).filter((f, i, all) => all.indexOf(f) === i).sort();
    assert.ok(files.length > 3, `${fixture}: chains through several files`);
    for (const rel of files) {
      await expectUpdate(live, root, rel, (s) => {
        const second = s.indexOf('\n}\n', s.indexOf('\n}\n') + 1);
        return second < 0 ? `/*\n * two lines\n */\n${s}` : `${s.slice(0, second + 3)}\n/* a line */\n${s.slice(second + 3)}`;
      }, 'local');
      await expectUpdate(live, root, rel, (s) => `/* and one */\n${s}`, 'local');
    }
  }
});

test('live analysis: a chain chosen among a pointer hop\'s targets is chosen again when another target\'s path changes', async (t) => {
  // The chain's own path stays as it was: only the target it was preferred to now reaches the
  // hook in fewer calls, which a fresh scan tries first.
  const { root, live } = await openCopy(t, 'variants');
  const through = (): string[] => live.result.chains.map((c) => c.hops[2]!.caller);
  assert.deepEqual(through(), ['alpha_file_setattr']);
  await expectUpdate(live, root, 'fs/alpha/inode.c', (s) => s.replace('return alpha_begin(f);', 'return alpha_check(f);'), 'local');
  assert.deepEqual(through(), ['alpha_dir_setattr']);
  await expectUpdate(live, root, 'fs/alpha/inode.c', (s) => s.replace('return alpha_check(f);\n}\n\n/* Reaches', 'return alpha_begin(f);\n}\n\n/* Reaches'), 'local');
  assert.deepEqual(through(), ['alpha_file_setattr']);
});

test('live analysis: a function on a chain\'s path edited round its call gives the hop its new place', async (t) => {
  // Its step to the sink stays the same call, the verdicts of these chains read nothing there,
  // and with a call added it did not only move: the chains stand only if the hop is read again.
  // Within its line: no other function moves, and no chain is given new lines for that.
  const { root, live } = await openCopy(t, 'precision');
  const hops = (): string[] => live.result.chains.flatMap((c) => c.hops.filter((h) => h.caller === 'stack_link_copy_one').map((h) => `${h.line}:${h.column}`));
  assert.ok(hops().length > 0 && hops().every((h) => h === '10:9'), hops().join());
  await expectUpdate(live, root, 'fs/stack/link.c', (s) => s.replace('\treturn finish_open(real);', '\treturn (finish_open(real)) + link_count(real);'), 'local');
  assert.ok(hops().every((h) => h === '10:10'), hops().join());
});
