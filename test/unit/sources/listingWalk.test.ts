// A listing (what `git ls-tree` tells of a revision) walked as walkSources() walks the files on
// disk: the same files and skips, or no answer when the two could differ.
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { walkListing, type ListedFile } from '../../../src/core/sources/listingWalk';
import { walkSources, type WalkOptions } from '../../../src/core/sources/workspaceWalk';

const root = mkdtempSync(join(tmpdir(), 'lockpath-listing-'));
after(() => rmSync(root, { recursive: true, force: true }));

const FILES: Record<string, number> = {
  'fs/read_write.c': 40, 'fs/splice.c': 10, 'fs/README': 5, 'fs/ext4/inode.c': 30, 'fs/ext4/big.h': 300,
  'include/linux/fs.h': 20, 'tools/perf/x.c': 10, 'fs/tools/y.c': 10, 'fs/node_modules/z.c': 10, 'Makefile': 3, 'top.c': 4,
  'scripts/gen.c': 10, 'drivers/block/loop.c': 12,
};
for (const [path, size] of Object.entries(FILES)) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), 'x'.repeat(size));
}

/** The tree on disk as a listing. */
function listDisk(dir: string, prefix = ''): ListedFile[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e): ListedFile[] => {
    const path = `${prefix}${e.name}`;
    if (e.isDirectory()) return listDisk(join(dir, e.name), `${path}/`);
    const abs = join(dir, e.name);
    // As git lists a symlink: its own size, and its target.
    return [e.isSymbolicLink() ? { path, kind: 'symlink', size: lstatSync(abs).size, target: readlinkSync(abs) } : { path, kind: 'file', size: lstatSync(abs).size }];
  });
}

async function same(options: Omit<WalkOptions, 'signal'>): Promise<void> {
  const disk = await walkSources(root, options);
  const listed = walkListing(listDisk(root), options);
  assert.deepEqual(listed && { files: listed.files.map((f) => ({ rel: f.rel, size: f.size })), skipped: listed.skipped },
    { files: disk.files.map((f) => ({ rel: f.rel, size: f.size })), skipped: disk.skipped }, JSON.stringify(options));
}

test('a listing walks to the files and skips of the walk on disk', async () => {
  const base = { include: [], exclude: ['tools', 'scripts'], maxFileBytes: 100 };
  await same(base);
  await same({ ...base, exclude: [] });
  await same({ ...base, include: ['fs', 'include/'] });
  await same({ ...base, include: ['tools'], exclude: ['tools'] });
  await same({ ...base, include: ['fs/README', 'gone', 'drivers/block'] });
  await same({ ...base, exclude: ['fs/ext4'] });
});

test('symlinks to files are read through; a listing the walk could read otherwise is not told', async () => {
  const options = { include: [], exclude: [], maxFileBytes: 100 };
  assert.equal(walkListing(listDisk(root), { ...options, include: ['fs', 'fs/ext4'] }), undefined, 'includes inside one another');
  assert.equal(walkListing(listDisk(root), { ...options, include: ['../fs'] }), undefined);
  // include/dt-bindings has these: a source named link to a source, in the same tree.
  symlinkSync('read_write.c', join(root, 'fs', 'link.c'));
  symlinkSync('../../fs/ext4/inode.c', join(root, 'include', 'linux', 'inode.h'));
  symlinkSync('../fs/README', join(root, 'include', 'notes'));
  await same(options);
  await same({ ...options, include: ['include'] });
  const linked = walkListing(listDisk(root), options)!;
  assert.deepEqual(linked.files.find((f) => f.rel === 'fs/link.c'), { rel: 'fs/link.c', size: 40, content: 'fs/read_write.c' });
  symlinkSync('ext4', join(root, 'fs', 'dir.link'));
  assert.equal(walkListing(listDisk(root), options), undefined, 'a symlink to a directory');
  assert.notEqual(walkListing(listDisk(root), { ...options, include: ['include'] }), undefined, 'a symlink elsewhere');
});
