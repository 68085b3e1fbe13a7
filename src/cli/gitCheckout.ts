// Revisions of the git repository a tree lives in, written out with git itself for `lockpath
// diff --git REV`. The checkout is the cache's own, not a git worktree: its index is a file of
// its own (GIT_INDEX_FILE) and its files are written with `git checkout-index --prefix`, so
// nothing of it shows in the user's `git worktree list` and nothing in the repository refers to
// it. One checkout per repository, at a stable path, kept from run to run: its root (and so its
// fact cache) is the same for both sides of a diff and for the next diff, and writing a
// kernel's files costs more than the warm scan a diff aims at. Only the scanned part of the
// tree is written; a switch rewrites only the files that differ, and every file's mtime is set
// from its blob id, so the cache manifest vouches for every file whose content it has seen.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { ListedFile } from '../core/sources/listingWalk';

const execFileAsync = promisify(execFile);

export class GitError extends Error {}

export interface GitRepo {
  /** The work tree's top directory. */
  top: string;
  /** Where the scanned tree sits in it: `` or `sub/dir/`. */
  prefix: string;
}

async function git(cwd: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<string> {
  try {
    const run = execFileAsync('git', ['-C', cwd, ...args], { maxBuffer: 256 * 1024 * 1024, ...(options.env !== undefined ? { env: options.env } : {}) });
    if (options.input !== undefined) run.child.stdin?.end(options.input);
    return (await run).stdout;
  } catch (e) {
    const err = e as { stderr?: string; code?: string | number };
    if (err.code === 'ENOENT') throw new GitError('git is not installed (--git needs it)');
    throw new GitError(`git ${args.join(' ')}: ${(err.stderr ?? String(e)).trim()}`);
  }
}

/** The repository `dir` is in, and where `dir` sits in it. */
export async function findRepo(dir: string): Promise<GitRepo> {
  const [top, prefix] = (await git(dir, ['rev-parse', '--show-toplevel', '--show-prefix'])).split('\n');
  if (top === undefined || top === '') throw new GitError(`${dir} is not in a git work tree`);
  return { top, prefix: prefix ?? '' };
}

/** The commit a revision names (`HEAD~1`, a tag, a hash). */
export async function resolveRevision(repo: GitRepo, rev: string): Promise<string> {
  if (rev.startsWith('-')) throw new GitError(`not a revision: ${rev}`);
  return (await git(repo.top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]).catch(() => {
    throw new GitError(`unknown revision ${rev} in ${repo.top}`);
  })).trim();
}

/** A file of a revision: its blob id and what a walk needs to know of it. */
export interface RevisionFile extends ListedFile {
  blob: string;
}

/**
 * The cache's checkout of `repo`, which writes one revision after another into `path`. close()
 * leaves it for the next run; only a fresh one made because another run held the stable one is
 * removed.
 */
export class RevisionCheckout {
  /** The commit the files are at, once this run wrote one. */
  private lastSeen: string | undefined;
  /** The commit this checkout's cache saw last (its manifest vouches for that content). */
  readonly lastCommit: string | undefined;

  private constructor(readonly repo: GitRepo, private readonly dir: string, private readonly scope: readonly string[], private readonly lock: string | undefined) {
    this.lastCommit = readText(join(dir, 'last'));
  }

  /**
   * The stable checkout of `repo` under `baseDir`, or a fresh one when another run holds it.
   * `include`: the scan's sub-paths of the tree (all of it when empty), the part written out.
   */
  static async open(repo: GitRepo, include: readonly string[], baseDir = defaultCheckoutBase()): Promise<RevisionCheckout> {
    const key = createHash('sha1').update(repo.top).digest('hex').slice(0, 16);
    mkdirSync(baseDir, { recursive: true });
    await forgetOldWorktree(repo, join(dirname(baseDir), 'worktrees'), key);
    const scope = include.length === 0 ? [repo.prefix] : include.map((p) => `${repo.prefix}${p}`);
    const dir = join(baseDir, key);
    const lock = `${dir}.lock`;
    if (takeLock(lock)) return new RevisionCheckout(repo, dir, scope, lock);
    // Busy: a unique path, correct but with a cache of its own.
    return new RevisionCheckout(repo, mkdtempSync(`${dir}-`), scope, undefined);
  }

  /** Where the repository's files are written. */
  get path(): string {
    return join(this.dir, 'tree');
  }

  /** Where the scanned tree is in the checkout. */
  get root(): string {
    return join(this.path, this.repo.prefix);
  }

  /** Writes out `commit`: only the files that differ from the commit the checkout is at. */
  async checkout(commit: string): Promise<void> {
    // Files written for another scope may be stale outside this one: written again.
    const at = readText(join(this.dir, 'scope')) === this.scopeText() ? this.lastSeen ?? this.lastCommit : undefined;
    if (at === commit && existsSync(this.path)) return void (this.lastSeen = commit);
    // Whatever fails from here leaves no `last`: the next run writes every file again.
    rmSync(join(this.dir, 'last'), { force: true });
    if (at === undefined || !existsSync(this.path) || !(await this.switchTo(at, commit))) await this.writeAll(commit);
    this.lastSeen = commit;
    writeFileSync(join(this.dir, 'last'), `${commit}\n`);
  }

  async close(): Promise<void> {
    if (this.lock !== undefined) rmSync(this.lock, { recursive: true, force: true });
    // A fresh path's cache is its own: nothing to keep for the next run.
    else rmSync(this.dir, { recursive: true, force: true });
  }

  /** The git tree id of the scanned tree at `commit`: the same id, the same content. */
  async contentId(commit: string): Promise<string> {
    const sub = this.repo.prefix.replace(/\/$/, '');
    return (await git(this.repo.top, ['rev-parse', '--verify', '--quiet', sub === '' ? `${commit}^{tree}` : `${commit}:${sub}`])).trim();
  }

  /** Every file of a git tree (contentId()), relative to it. */
  async listing(treeId: string): Promise<RevisionFile[]> {
    const out: RevisionFile[] = [];
    for (const entry of (await git(this.repo.top, ['ls-tree', '-r', '-l', '-z', treeId])).split('\0')) {
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const [mode, type, blob, size] = entry.slice(0, tab).split(/ +/);
      const kind = type === 'commit' ? 'submodule' : mode === '120000' ? 'symlink' : 'file';
      out.push({ path: entry.slice(tab + 1), kind, size: Number(size), blob: blob ?? '' });
    }
    return out;
  }

  /** The result key a scan of this content with these options had (`optionsKey`: resultOptionsKey()). */
  knownResult(contentId: string, optionsKey: string): string | undefined {
    return this.readResultIndex()[`${contentId}:${optionsKey}`];
  }

  rememberResult(contentId: string, optionsKey: string, resultKey: string): void {
    const index = this.readResultIndex();
    delete index[`${contentId}:${optionsKey}`];
    index[`${contentId}:${optionsKey}`] = resultKey;
    // Newest last; the result cache keeps few results anyway.
    const kept = Object.entries(index).slice(-RESULT_INDEX_KEPT);
    const file = join(this.dir, 'results.json');
    try {
      writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(Object.fromEntries(kept)));
      renameSync(`${file}.${process.pid}.tmp`, file);
    } catch {
      // without the index, the next diff lists the revision again: slower, not wrong
    }
  }

  private readResultIndex(): Record<string, string> {
    try {
      const doc = JSON.parse(readFileSync(join(this.dir, 'results.json'), 'utf8')) as unknown;
      return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? Object.fromEntries(Object.entries(doc).filter(([, v]) => typeof v === 'string')) as Record<string, string> : {};
    } catch {
      return {};
    }
  }

  /** git with the checkout's own index: the user's index and worktrees are never touched. */
  private git(args: readonly string[], input?: string): Promise<string> {
    return git(this.repo.top, args, { env: { ...process.env, GIT_INDEX_FILE: join(this.dir, 'index') }, ...(input !== undefined ? { input } : {}) });
  }

  /**
   * Writes every file of the scope at `commit` into an empty tree; the whole revision when the
   * scope holds a symlink (the walk follows it, maybe out of the scope).
   */
  private async writeAll(commit: string): Promise<void> {
    rmSync(this.path, { recursive: true, force: true });
    rmSync(join(this.dir, 'scope'), { force: true });
    mkdirSync(this.path, { recursive: true });
    await this.git(['read-tree', commit]);
    let files = await this.indexFiles(this.pathspecs());
    if (files.some((f) => f.mode === '120000')) files = await this.indexFiles([]);
    await this.writeFiles(files);
    writeFileSync(join(this.dir, 'scope'), this.scopeText());
  }

  /** The index's files under `pathspecs` (all when empty). */
  private async indexFiles(pathspecs: readonly string[]): Promise<WrittenFile[]> {
    const files: WrittenFile[] = [];
    for (const entry of (await this.git(['ls-files', '-s', '-z', '--', ...pathspecs])).split('\0')) {
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const [mode, blob] = entry.slice(0, tab).split(' ');
      // A submodule is an empty directory, as in a clone that did not fetch it.
      if (mode !== '160000') files.push({ path: entry.slice(tab + 1), mode: mode ?? '', blob: blob ?? '' });
    }
    return files;
  }

  /**
   * Rewrites the files of the scope that differ between `from` (what the tree holds) and
   * `commit`; false when it cannot tell (the caller then writes every file).
   */
  private async switchTo(from: string, commit: string): Promise<boolean> {
    let raw: string;
    try {
      raw = await this.git(['diff-tree', '-r', '-z', '--no-renames', '--raw', from, commit, '--', ...this.pathspecs()]);
      await this.git(['read-tree', commit]);
    } catch {
      return false;
    }
    const fields = raw.split('\0');
    const written: WrittenFile[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      // `:oldmode newmode oldblob newblob status` then the path.
      const [oldMode, newMode, , blob, status] = fields[i]!.split(' ');
      // A symlink now or before: the scope alone may no longer be what the walk reads.
      if (oldMode === ':120000' || newMode === '120000') return false;
      const path = fields[i + 1]!;
      rmSync(join(this.path, path), { recursive: true, force: true });
      if (status !== 'D' && newMode !== '160000') written.push({ path, mode: newMode ?? '', blob: blob ?? '' });
    }
    await this.writeFiles(written);
    return true;
  }

  /** The scope as literal pathspecs. */
  private pathspecs(): string[] {
    return this.scope.map((p) => `:(literal)${p.replace(/\/$/, '') || '.'}`);
  }

  private scopeText(): string {
    return JSON.stringify(this.scope);
  }

  /**
   * Writes the files from the index (filters and line endings as a checkout would apply them)
   * and sets each one's mtime from its blob id: the same content at the same path looks
   * unchanged to the cache.
   */
  private async writeFiles(files: readonly WrittenFile[]): Promise<void> {
    if (files.length === 0) return;
    await this.git(['checkout-index', '-f', '-z', '--stdin', `--prefix=${this.path}/`], files.map((f) => `${f.path}\0`).join(''));
    for (const f of files) {
      // A symlink's time is its target's.
      if (f.mode === '120000') continue;
      // 2001 to 2009: a valid time on every file system, and never "now".
      const seconds = 1_000_000_000 + Number.parseInt(f.blob.slice(0, 7), 16);
      utimesSync(join(this.path, f.path), seconds, seconds);
    }
  }
}

/**
 * Removes the git worktree earlier versions kept under the cache for this repository (it showed
 * in `git worktree list`), with what it kept beside it.
 */
async function forgetOldWorktree(repo: GitRepo, oldBase: string, key: string): Promise<void> {
  const old = join(oldBase, key);
  if (!existsSync(join(old, '.git'))) return;
  for (const path of [old, `${old}.last`, `${old}.results.json`, `${old}.cache`]) rmSync(path, { recursive: true, force: true });
  await git(repo.top, ['worktree', 'prune']).catch(() => undefined);
}

/** A file written from the index: its mode and blob id. */
interface WrittenFile {
  path: string;
  mode: string;
  blob: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Revisions whose result key is remembered: a few times the results the cache keeps. */
const RESULT_INDEX_KEPT = 64;

function defaultCheckoutBase(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'lockpath', 'checkouts');
}

/** A directory lock holding the owner's pid; a lock whose owner is gone is taken over. */
function takeLock(lock: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (!lockIsStale(lock)) return false;
    rmSync(lock, { recursive: true, force: true });
  }
  return false;
}

function lockIsStale(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
