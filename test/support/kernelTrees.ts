// Provisions real Linux kernel trees for tests and the bench.
//
// The trees come from Debian's linux-source-<v> packages (/usr/src/linux-source-<v>.tar.xz) and
// are unpacked once into a cache dir (env LOCKPATH_KERNEL_DIR, default /var/tmp/lockpath-kernels),
// so later runs on the same machine reuse them.
//
// Why the care: an unpack that was interrupted (Ctrl-C, CI timeout) must never look like a
// complete tree, or tests would run against half a kernel and pass or fail for the wrong reason.
// So every unpack goes to a temp dir first and is renamed into place, and a marker file in the
// tree lists what is complete. A tree without our marker (e.g. one unpacked by hand and pointed
// to by LOCKPATH_KERNEL_DIR) is trusted as it is, since we did not make it.
//
// Skipping: only a developer machine without the tarball gets `undefined` (so the test can skip
// with kernelSkipMessage()). Under CI (env CI set) a missing tarball throws: CI must never skip
// the real-kernel tests silently.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export type KernelVersion = '6.1' | '6.12';

export interface KernelTreeOptions {
  /** Cache dir holding linux-source-<v>; default env LOCKPATH_KERNEL_DIR, else /var/tmp/lockpath-kernels. */
  cacheDir?: string;
  /** The source tarball; default /usr/src/linux-source-<v>.tar.xz. Injectable for tests. */
  tarball?: string;
  /** Whether we run under CI (missing tarball = error, not skip); default: env CI is set (not 'false'/'0'). */
  ci?: boolean;
  /** How long to wait for another process that is unpacking the same version; default 30 min. */
  lockTimeoutMs?: number;
}

/** Name of the marker file we write in each tree we unpack. */
export const MARKER_FILE = '.lockpath-kernel-tree.json';

/** What the marker records: `subdirs: 'all'` for a full tree, else the complete subdirs. */
interface Marker {
  version: string;
  tarball: string;
  subdirs: 'all' | string[];
}

export const DEFAULT_KERNEL_CACHE_DIR = '/var/tmp/lockpath-kernels';

export function kernelCacheDir(options: KernelTreeOptions = {}): string {
  return options.cacheDir ?? (process.env.LOCKPATH_KERNEL_DIR || DEFAULT_KERNEL_CACHE_DIR);
}

export function kernelTarball(version: KernelVersion, options: KernelTreeOptions = {}): string {
  return options.tarball ?? `/usr/src/linux-source-${version}.tar.xz`;
}

/** A one-line reason for t.skip() when ensureKernelTree() returned undefined. */
export function kernelSkipMessage(version: KernelVersion, options: KernelTreeOptions = {}): string {
  return `real kernel ${version} not available: no ${kernelTarball(version, options)} ` +
    `(apt-get install linux-source-${version}) and no tree in ${kernelCacheDir(options)}; ` +
    `set LOCKPATH_KERNEL_DIR to a dir holding linux-source-${version}`;
}

/**
 * Returns the path of an unpacked linux-source-<version> tree holding at least `subdirs`
 * (relative paths such as 'fs' or 'fs/ext4'; omitted = the whole tree), unpacking from the
 * tarball if needed. Returns undefined only when the tree cannot be had and CI is not set.
 */
export async function ensureKernelTree(
  version: KernelVersion,
  subdirs?: string[],
  options: KernelTreeOptions = {},
): Promise<string | undefined> {
  const wanted = subdirs === undefined ? undefined : normalizeSubdirs(subdirs);
  const cacheDir = kernelCacheDir(options);
  const tarball = kernelTarball(version, options);
  const name = `linux-source-${version}`;
  const tree = join(cacheDir, name);

  // Fast path without the lock: a complete-enough tree is there already.
  const found = await usableTree(tree, wanted);
  if (found === 'yes') return tree;
  if (found === 'foreign-incomplete') {
    throw new Error(`${tree} has no ${MARKER_FILE} (not unpacked by Lockpath) and lacks ` +
      `${describe(wanted)}; unpack it fully or point LOCKPATH_KERNEL_DIR elsewhere`);
  }

  if (!existsSync(tarball)) {
    const ci = options.ci ?? isCi();
    if (ci) {
      throw new Error(`CI: cannot provide kernel ${version}: ${tarball} is missing and ${tree} ` +
        `does not hold ${describe(wanted)}. Install it (apt-get install -y linux-source-${version}) ` +
        `in .ci/run; CI must not skip the real-kernel tests.`);
    }
    return undefined;
  }

  await mkdir(cacheDir, { recursive: true });
  const release = await acquireLock(join(cacheDir, `.${name}.lock`), options.lockTimeoutMs ?? 30 * 60_000);
  try {
    // Another process may have unpacked it while we waited for the lock.
    if ((await usableTree(tree, wanted)) === 'yes') return tree;
    await removeStaleTemps(cacheDir, name);
    // Note: xz has to decompress the whole stream even for a few subdirs, so each call that adds
    // subdirs costs about as much time as a full unpack (it saves disk, not time).
    const marker = await readMarker(tree);
    if (wanted === undefined || marker === undefined) {
      await unpackWhole(tarball, cacheDir, name, version, wanted);
    } else {
      await unpackMissing(tarball, cacheDir, name, tree, marker, wanted);
    }
  } finally {
    await release();
  }
  return tree;
}

/** CI=true/1/anything counts; unset, empty, 'false' and '0' do not (so CI=false runs can skip). */
function isCi(): boolean {
  const v = (process.env.CI ?? '').trim().toLowerCase();
  return v !== '' && v !== 'false' && v !== '0';
}

// ---- tree state ----------------------------------------------------------------------------

/** 'yes' when the tree covers `wanted`; 'foreign-incomplete' when a tree we did not make lacks it. */
async function usableTree(tree: string, wanted: string[] | undefined): Promise<'yes' | 'no' | 'foreign-incomplete'> {
  if (!existsSync(tree)) return 'no';
  const marker = await readMarker(tree);
  if (marker === undefined) {
    // Not ours (our trees get the marker before they are renamed into place): trust what is there.
    const needed = wanted ?? ['Makefile', 'fs', 'include', 'kernel'];
    for (const sub of needed) if (!existsSync(join(tree, sub))) return 'foreign-incomplete';
    return 'yes';
  }
  if (marker.subdirs === 'all') return 'yes';
  if (wanted === undefined) return 'no';
  const have = marker.subdirs;
  return wanted.every((w) => have.some((h) => covers(h, w))) ? 'yes' : 'no';
}

async function readMarker(tree: string): Promise<Marker | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(tree, MARKER_FILE), 'utf8')) as Partial<Marker>;
    if (parsed.subdirs === 'all' || Array.isArray(parsed.subdirs)) return parsed as Marker;
  } catch {
    // No marker or a garbled one: treated as "not ours".
  }
  return undefined;
}

/** Writes the marker via temp + rename so a reader never sees half a JSON file. */
async function writeMarker(tree: string, marker: Marker): Promise<void> {
  const tmp = join(tree, `${MARKER_FILE}.tmp-${process.pid}`);
  await writeFile(tmp, JSON.stringify(marker, null, 2) + '\n');
  await rename(tmp, join(tree, MARKER_FILE));
}

// ---- unpacking -----------------------------------------------------------------------------

/** Unpacks into a temp dir, writes the marker, then renames the tree into place. */
async function unpackWhole(tarball: string, cacheDir: string, name: string, version: string,
  wanted: string[] | undefined): Promise<void> {
  const tmp = join(cacheDir, `.${name}.tmp-${process.pid}-${Date.now()}`);
  await mkdir(tmp);
  try {
    await untar(tarball, tmp, wanted?.map((s) => `${name}/${s}`) ?? []);
    const fresh = join(tmp, name);
    if (!existsSync(fresh)) throw new Error(`${tarball} has no top-level ${name}/ directory`);
    await writeMarker(fresh, { version, tarball, subdirs: wanted ?? 'all' });
    const tree = join(cacheDir, name);
    if (existsSync(tree)) {
      // Only a partial tree of ours may be replaced (we hold the lock: nobody else writes it).
      if ((await readMarker(tree)) === undefined) throw new Error(`${tree} appeared meanwhile and is not ours; not replacing it`);
      await rm(tree, { recursive: true, force: true });
    }
    await rename(fresh, tree);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Adds the missing subdirs to one of our partial trees, each moved in by one rename. */
async function unpackMissing(tarball: string, cacheDir: string, name: string, tree: string,
  marker: Marker, wanted: string[]): Promise<void> {
  const have = marker.subdirs === 'all' ? [] : marker.subdirs;
  const missing = wanted.filter((w) => !have.some((h) => covers(h, w)));
  const tmp = join(cacheDir, `.${name}.tmp-${process.pid}-${Date.now()}`);
  await mkdir(tmp);
  try {
    await untar(tarball, tmp, missing.map((s) => `${name}/${s}`));
    for (const sub of missing) {
      const dest = join(tree, sub);
      // A leftover from an interrupted run (moved in, never recorded) or a nested subdir
      // already there (e.g. fs/ext4 when fs is wanted): replace it with the complete copy.
      await rm(dest, { recursive: true, force: true });
      await mkdir(join(dest, '..'), { recursive: true });
      await rename(join(tmp, name, sub), dest);
    }
    const merged = [...have.filter((h) => !missing.some((m) => covers(m, h))), ...missing].sort();
    await writeMarker(tree, { ...marker, subdirs: merged });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function untar(tarball: string, dest: string, members: string[]): Promise<void> {
  try {
    // --no-same-owner: as root, tar would otherwise keep the archive's uids.
    await execFileAsync('tar', ['-xJf', tarball, '--no-same-owner', '-C', dest, ...members],
      { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`tar -xJf ${tarball} ${members.join(' ')} failed: ${stderr.trim() || String(err)}`);
  }
}

/** Temp dirs of an earlier, interrupted unpack (safe to remove: we hold the lock). */
async function removeStaleTemps(cacheDir: string, name: string): Promise<void> {
  for (const entry of await readdir(cacheDir)) {
    if (entry.startsWith(`.${name}.tmp-`)) await rm(join(cacheDir, entry), { recursive: true, force: true });
  }
}

// ---- lock ----------------------------------------------------------------------------------

/**
 * A mkdir lock so two processes (e.g. the bench and a test run) do not unpack the same version
 * at once. A lock whose owner pid is gone is taken over.
 */
async function acquireLock(lockDir: string, timeoutMs: number): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(join(lockDir, 'pid'), String(process.pid));
      return async () => { await rm(lockDir, { recursive: true, force: true }); };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await lockIsStale(lockDir)) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir} (another unpack running?)`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function lockIsStale(lockDir: string): Promise<boolean> {
  let pid: number;
  try {
    pid = Number(await readFile(join(lockDir, 'pid'), 'utf8'));
  } catch {
    // The owner may be between mkdir and writing its pid: only stale if that was long ago.
    try {
      return Date.now() - (await stat(lockDir)).mtimeMs > 10_000;
    } catch {
      return false; // The lock just went away: retry.
    }
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

// ---- subdir paths --------------------------------------------------------------------------

/** 'fs/' and './fs' become 'fs'; paths that escape the tree are refused. */
function normalizeSubdirs(subdirs: string[]): string[] {
  if (subdirs.length === 0) throw new Error('ensureKernelTree: empty subdirs; omit it for the whole tree');
  const out = new Set<string>();
  for (const raw of subdirs) {
    const s = posix.normalize(raw).replace(/\/+$/, '');
    if (s === '' || s === '.' || s.startsWith('..') || posix.isAbsolute(s)) {
      throw new Error(`ensureKernelTree: bad subdir ${JSON.stringify(raw)} (want a path inside the tree)`);
    }
    out.add(s);
  }
  return [...out].sort();
}

/** Whether complete subdir `have` contains `want` ('fs' covers 'fs' and 'fs/ext4'). */
function covers(have: string, want: string): boolean {
  return want === have || want.startsWith(have + '/');
}

function describe(wanted: string[] | undefined): string {
  return wanted === undefined ? 'a whole tree' : `subdirs ${wanted.join(', ')}`;
}
