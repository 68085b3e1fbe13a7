// Checks the kernel-tree provisioning helper on a tiny tarball made here, shaped like Debian's
// linux-source-<v>.tar.xz (one top-level linux-source-<v>/ directory).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureKernelTree, kernelSkipMessage, MARKER_FILE } from '../../support/kernelTrees';

let work: string;
let tarball: string;

function put(root: string, rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

function marker(tree: string): unknown {
  return JSON.parse(readFileSync(join(tree, MARKER_FILE), 'utf8')).subdirs;
}

/** Each case gets its own cache dir so cases do not depend on one another. */
function freshCache(name: string): string {
  const dir = join(work, 'cache-' + name);
  mkdirSync(dir);
  return dir;
}

before(() => {
  work = mkdtempSync(join(tmpdir(), 'lockpath-kt-'));
  const src = join(work, 'src');
  put(src, 'linux-source-6.1/Makefile', 'VERSION = 6\n');
  put(src, 'linux-source-6.1/fs/read_write.c', 'int vfs_write(void) { return 0; }\n');
  put(src, 'linux-source-6.1/fs/ext4/inode.c', 'int ext4_write_begin(void) { return 0; }\n');
  put(src, 'linux-source-6.1/include/linux/fs.h', 'struct file;\n');
  put(src, 'linux-source-6.1/mm/filemap.c', 'int filemap_read(void) { return 0; }\n');
  tarball = join(work, 'linux-source-6.1.tar.xz');
  execFileSync('tar', ['-cJf', tarball, '-C', src, 'linux-source-6.1']);
});

after(() => rmSync(work, { recursive: true, force: true }));

describe('ensureKernelTree', () => {
  test('unpacks only the requested subdirs, then adds more on demand', async () => {
    const cacheDir = freshCache('partial');
    const tree = await ensureKernelTree('6.1', ['fs/'], { tarball, cacheDir, ci: false });
    assert.equal(tree, join(cacheDir, 'linux-source-6.1'));
    assert.ok(existsSync(join(tree, 'fs/read_write.c')));
    assert.ok(!existsSync(join(tree, 'include')));
    assert.deepEqual(marker(tree), ['fs']);

    assert.equal(await ensureKernelTree('6.1', ['fs', 'include'], { tarball, cacheDir, ci: false }), tree);
    assert.ok(existsSync(join(tree, 'include/linux/fs.h')));
    assert.ok(existsSync(join(tree, 'fs/ext4/inode.c')), 'fs kept when include is added');
    assert.ok(!existsSync(join(tree, 'mm')));
    assert.deepEqual(marker(tree), ['fs', 'include']);
    // Only the tree and nothing half-done is left in the cache dir.
    assert.deepEqual(readdirSync(cacheDir), ['linux-source-6.1']);
  });

  test('a covered request needs no tarball, even under CI', async () => {
    const cacheDir = freshCache('covered');
    const tree = await ensureKernelTree('6.1', ['fs'], { tarball, cacheDir, ci: false });
    const gone = join(work, 'no-such.tar.xz');
    assert.equal(await ensureKernelTree('6.1', ['fs/ext4'], { tarball: gone, cacheDir, ci: true }), tree);
  });

  test('whole tree replaces a partial one and is marked complete', async () => {
    const cacheDir = freshCache('whole');
    await ensureKernelTree('6.1', ['fs'], { tarball, cacheDir, ci: false });
    const tree = await ensureKernelTree('6.1', undefined, { tarball, cacheDir, ci: false });
    assert.ok(tree !== undefined);
    assert.ok(existsSync(join(tree, 'Makefile')));
    assert.ok(existsSync(join(tree, 'mm/filemap.c')));
    assert.equal(marker(tree), 'all');
  });

  test('missing tarball: undefined off CI, a clear error under CI', async () => {
    const cacheDir = freshCache('missing');
    const gone = join(work, 'no-such.tar.xz');
    assert.equal(await ensureKernelTree('6.1', ['fs'], { tarball: gone, cacheDir, ci: false }), undefined);
    await assert.rejects(ensureKernelTree('6.1', ['fs'], { tarball: gone, cacheDir, ci: true }),
      /CI: cannot provide kernel 6\.1: .*no-such\.tar\.xz is missing/);
    assert.match(kernelSkipMessage('6.1', { tarball: gone, cacheDir }), /real kernel 6\.1 not available/);
  });

  test('an interrupted unpack is never taken for a tree, and is cleaned up', async () => {
    const cacheDir = freshCache('interrupted');
    put(cacheDir, '.linux-source-6.1.tmp-999-1/linux-source-6.1/fs/read_write.c', 'int half');
    const gone = join(work, 'no-such.tar.xz');
    assert.equal(await ensureKernelTree('6.1', ['fs'], { tarball: gone, cacheDir, ci: false }), undefined);
    const tree = await ensureKernelTree('6.1', ['fs'], { tarball, cacheDir, ci: false });
    assert.ok(tree !== undefined);
    assert.match(readFileSync(join(tree, 'fs/read_write.c'), 'utf8'), /vfs_write/);
    assert.deepEqual(readdirSync(cacheDir), ['linux-source-6.1']);
  });

  test('a subdir moved in but never recorded is replaced by a complete copy', async () => {
    const cacheDir = freshCache('unrecorded');
    const tree = await ensureKernelTree('6.1', ['fs'], { tarball, cacheDir, ci: false });
    assert.ok(tree !== undefined);
    put(tree, 'mm/partial.c', 'half');
    await ensureKernelTree('6.1', ['mm'], { tarball, cacheDir, ci: false });
    assert.deepEqual(readdirSync(join(tree, 'mm')), ['filemap.c']);
  });

  test('a tree without our marker is used as it is, never modified', async () => {
    const cacheDir = freshCache('foreign');
    put(cacheDir, 'linux-source-6.12/fs/namei.c', 'int x;');
    const gone = join(work, 'no-such.tar.xz');
    assert.equal(await ensureKernelTree('6.12', ['fs'], { tarball: gone, cacheDir, ci: true }),
      join(cacheDir, 'linux-source-6.12'));
    await assert.rejects(ensureKernelTree('6.12', ['mm'], { tarball, cacheDir, ci: false }),
      /has no .*lacks subdirs mm/);
    assert.ok(!existsSync(join(cacheDir, 'linux-source-6.12/mm')));
  });

  test('a lock left by a dead process is taken over', async () => {
    const cacheDir = freshCache('lock');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    put(cacheDir, '.linux-source-6.1.lock/pid', String(dead));
    const tree = await ensureKernelTree('6.1', ['fs'], { tarball, cacheDir, ci: false, lockTimeoutMs: 5000 });
    assert.ok(tree !== undefined && existsSync(join(tree, 'fs/read_write.c')));
    assert.ok(!existsSync(join(cacheDir, '.linux-source-6.1.lock')));
  });

  test('bad requests fail clearly', async () => {
    const cacheDir = freshCache('bad');
    await assert.rejects(ensureKernelTree('6.1', ['../etc'], { tarball, cacheDir, ci: false }), /bad subdir/);
    await assert.rejects(ensureKernelTree('6.1', [], { tarball, cacheDir, ci: false }), /empty subdirs/);
    await assert.rejects(ensureKernelTree('6.1', ['drivers'], { tarball, cacheDir, ci: false }), /tar -xJf .* failed/);
    assert.deepEqual(readdirSync(cacheDir), [], 'a failed unpack leaves nothing behind');
  });
});
