// Lists the C sources of a tree: follows directory symlinks once (a loop is reported, not
// followed again), never leaves unreadable directories unmentioned.
import { lstatSync } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface SourceFile {
  /** Relative to the root, forward slashes. */
  rel: string;
  abs: string;
  size: number;
  mtimeMs: number;
}

export interface WalkResult {
  files: SourceFile[];
  skipped: { file: string; reason: string }[];
}

export interface WalkOptions {
  /** Sub-paths of the root to scan (files or directories); all of it when empty. */
  include: readonly string[];
  /** Sub-paths of the root never scanned (relative, forward slashes). */
  exclude: readonly string[];
  maxFileBytes: number;
  signal?: AbortSignal;
}

/** The files a walk lists, by name. */
export const SOURCE = /\.[ch]$/;
/** Directories a walk never enters, by name. */
export const SKIP_DIRS: ReadonlySet<string> = new Set(['.git', '.hg', '.svn', 'node_modules', '.lockpath-cache']);

/**
 * Not kernel code: user-space tools (their own kfree(), mutex_lock() would merge with the
 * kernel's), build scripts and documentation snippets.
 */
export const DEFAULT_EXCLUDES: readonly string[] = ['tools', 'scripts', 'Documentation', 'usr'];

export class WalkError extends Error {}

export async function walkSources(root: string, options: WalkOptions): Promise<WalkResult> {
  const rootStat = await stat(root).catch((e: NodeJS.ErrnoException) => {
    throw new WalkError(`cannot scan ${root}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`);
  });
  if (!rootStat.isDirectory()) throw new WalkError(`cannot scan ${root}: not a directory`);
  const result: WalkResult = { files: [], skipped: [] };
  const visited = new Set<string>();
  const starts = options.include.length === 0 ? [root] : options.include.map((p) => join(root, p));
  for (const start of starts) {
    const s = await stat(start).catch(() => undefined);
    if (s === undefined) {
      result.skipped.push({ file: relPath(root, start), reason: 'included path does not exist' });
    } else if (s.isDirectory()) {
      await walkDir(root, start, relPath(root, start), options, visited, result);
    } else {
      addFile(relPath(root, start), start, s.size, s.mtimeMs, options, result);
    }
  }
  return sortWalk(result);
}

/**
 * `knownReal` is the real path when the caller knows it (a plain subdirectory of a real path):
 * only directories reached through symlinks need realpath(), and only they can be seen twice.
 */
async function walkDir(root: string, dir: string, relDir: string, options: WalkOptions, visited: Set<string>, out: WalkResult, knownReal?: string): Promise<void> {
  options.signal?.throwIfAborted();
  let real: string;
  try {
    real = knownReal ?? await realpath(dir);
  } catch (e) {
    out.skipped.push({ file: relDir, reason: `cannot resolve: ${(e as Error).message}` });
    return;
  }
  if (visited.has(real)) {
    out.skipped.push({ file: relDir, reason: 'symlink loop or duplicate directory (already scanned)' });
    return;
  }
  visited.add(real);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    out.skipped.push({ file: relDir, reason: `unreadable directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  // Paths relative to the root are made by joining names: path.relative() per file was a tenth
  // of a warm scan of a whole kernel.
  const relOf = (name: string): string => (relDir === '' ? name : `${relDir}/${name}`);
  const inDir = dir.endsWith(sep) ? dir : `${dir}${sep}`;
  // Synchronous stats of a directory's sources: the inodes were just read by readdir, and a
  // promise per file made a warm scan of a whole kernel spend a second on 55k round trips.
  for (const e of entries) {
    if (!e.isFile() || !SOURCE.test(e.name)) continue;
    const abs = inDir + e.name;
    const s = lstatSync(abs, { throwIfNoEntry: false });
    if (s === undefined) out.skipped.push({ file: relOf(e.name), reason: 'vanished while scanning' });
    else addFile(relOf(e.name), abs, s.size, s.mtimeMs, options, out);
  }
  // Plain subdirectories are walked concurrently (the walk waits on the file system, not the
  // CPU); symlinked ones one at a time afterwards, so that loop detection sees every real path.
  const subdirs = entries.filter((e) => e.isDirectory() && !SKIP_DIRS.has(e.name) && !isExcluded(relOf(e.name), options.exclude)).map((e) => e.name);
  await Promise.all(subdirs.map((name) => walkDir(root, join(dir, name), relOf(name), options, visited, out, join(real, name))));
  for (const entry of entries) {
    if (!entry.isSymbolicLink()) continue;
    const abs = join(dir, entry.name);
    const rel = relOf(entry.name);
    const s = await stat(abs).catch((e: NodeJS.ErrnoException) => e);
    if (s instanceof Error) {
      if (SOURCE.test(entry.name) || s.code === 'ELOOP') out.skipped.push({ file: rel, reason: s.code === 'ELOOP' ? 'symlink loop' : 'dangling symlink' });
    } else if (s.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !isExcluded(rel, options.exclude)) await walkDir(root, abs, rel, options, visited, out);
    } else if (s.isFile() && SOURCE.test(entry.name)) {
      addFile(rel, abs, s.size, s.mtimeMs, options, out);
    }
  }
}

/** Whether the walk leaves out a directory (`rel`: relative to the root, forward slashes). */
export function isExcluded(rel: string, exclude: readonly string[]): boolean {
  return exclude.some((e) => rel === e || rel.startsWith(`${e}/`));
}

function addFile(rel: string, abs: string, size: number, mtimeMs: number, options: WalkOptions, out: WalkResult): void {
  const tooLarge = sizeSkip(size, options.maxFileBytes);
  if (tooLarge !== undefined) out.skipped.push({ file: rel, reason: tooLarge });
  else out.files.push({ rel, abs, size, mtimeMs });
}

/** The reason a file of `size` bytes is skipped, if it is. */
export function sizeSkip(size: number, maxFileBytes: number): string | undefined {
  return size > maxFileBytes ? `too large (${(size / 1048576).toFixed(1)} MiB > ${(maxFileBytes / 1048576).toFixed(0)} MiB)` : undefined;
}

/** Sorts a walk's files and skips as walkSources returns them. */
export function sortWalk<W extends { files: { rel: string }[]; skipped: { file: string }[] }>(result: W): W {
  result.files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  result.skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return result;
}

function relPath(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}
