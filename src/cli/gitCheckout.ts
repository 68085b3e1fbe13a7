// Revisions of the git repository a tree lives in, checked out with git itself for `lockpath
// diff --git REV`. One worktree per repository, at a stable path under the cache, kept from run
// to run: its root (and so its fact cache) is the same for both sides of a diff and for the next
// diff, and adding a worktree writes every file of the tree (seconds on a kernel, more than the
// warm scan a diff aims at). Each side is a `git checkout` in that worktree, which rewrites only
// the files that differ, and every file's mtime is set from its blob id, so the cache manifest
// vouches for every file whose content it has seen: a side costs a warm scan plus changed files.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export class GitError extends Error {}

export interface GitRepo {
  /** The work tree's top directory. */
  top: string;
  /** Where the scanned tree sits in it: `` or `sub/dir/`. */
  prefix: string;
}

async function git(cwd: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('git', ['-C', cwd, ...args], { maxBuffer: 256 * 1024 * 1024 });
    return stdout;
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

/**
 * A worktree of `repo` that checks out one revision after another. close() leaves it for the
 * next run (`git worktree list` shows it, under the cache); only a fresh one made because
 * another run held the stable one is removed.
 */
export class RevisionCheckout {
  /** The commit the worktree is at, once this run checked one out. */
  private lastSeen: string | undefined;
  /** The commit this worktree's cache saw last (its manifest vouches for that content). */
  readonly lastCommit: string | undefined;

  private constructor(readonly repo: GitRepo, readonly path: string, private readonly lock: string | undefined) {
    try {
      this.lastCommit = readFileSync(`${path}.last`, 'utf8').trim();
    } catch {
      this.lastCommit = undefined;
    }
  }

  /** The stable worktree of `repo` under `baseDir`, or a fresh one when another run holds it. */
  static open(repo: GitRepo, baseDir = defaultWorktreeBase()): RevisionCheckout {
    const path = join(baseDir, createHash('sha1').update(repo.top).digest('hex').slice(0, 16));
    mkdirSync(baseDir, { recursive: true });
    const lock = `${path}.lock`;
    if (takeLock(lock)) return new RevisionCheckout(repo, path, lock);
    // Busy: a unique path, correct but with a cache of its own.
    return new RevisionCheckout(repo, join(mkdtempSync(`${path}-`), 'tree'), undefined);
  }

  /** Where the scanned tree is in the checkout. */
  get root(): string {
    return join(this.path, this.repo.prefix);
  }

  async checkout(commit: string): Promise<void> {
    if (this.lastSeen === undefined) {
      const at = await this.keptCommit();
      if (at === undefined || !(await this.switchTo(at, commit))) {
        await this.removeWorktree();
        await git(this.repo.top, ['worktree', 'add', '--detach', '--quiet', this.path, commit]);
        await this.stampMtimes(undefined);
      }
    } else if (!(await this.switchTo(this.lastSeen, commit))) {
      throw new GitError(`cannot check out ${commit} in ${this.path}`);
    }
    this.lastSeen = commit;
    writeFileSync(`${this.path}.last`, `${commit}\n`);
  }

  async close(): Promise<void> {
    if (this.lock !== undefined) {
      rmSync(this.lock, { recursive: true, force: true });
      return;
    }
    // A fresh path's cache is its own: nothing to keep for the next run.
    try {
      await this.removeWorktree();
    } finally {
      rmSync(dirname(this.path), { recursive: true, force: true });
    }
  }

  /** The commit a worktree kept from an earlier run is at, if it is there and still a worktree of `repo`. */
  private async keptCommit(): Promise<string | undefined> {
    if (!existsSync(this.path)) return undefined;
    try {
      const [top, head] = (await git(this.path, ['rev-parse', '--show-toplevel', 'HEAD'])).split('\n');
      return top === realpathSync(this.path) && head !== undefined && head !== '' ? head : undefined;
    } catch {
      return undefined;
    }
  }

  /** Checks out `commit` over `from`, stamping the files that differ; false when git refuses (the kept tree was changed). */
  private async switchTo(from: string, commit: string): Promise<boolean> {
    if (from === commit) return true;
    try {
      // Not --force: that would rewrite every file whose mtime we set, and lose the cache's vouching.
      await git(this.path, ['checkout', '--detach', '--quiet', commit]);
    } catch {
      return false;
    }
    const changed = await git(this.path, ['diff', '--name-only', '--no-renames', '-z', from, commit]);
    await this.stampMtimes(new Set(changed.split('\0').filter((p) => p !== '')));
    return true;
  }

  /** The git tree id of the scanned tree at `commit`: the same id, the same content. */
  async contentId(commit: string): Promise<string> {
    const sub = this.repo.prefix.replace(/\/$/, '');
    return (await git(this.repo.top, ['rev-parse', '--verify', '--quiet', sub === '' ? `${commit}^{tree}` : `${commit}:${sub}`])).trim();
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
    try {
      writeFileSync(`${this.path}.results.tmp`, JSON.stringify(Object.fromEntries(kept)));
      renameSync(`${this.path}.results.tmp`, `${this.path}.results.json`);
    } catch {
      // without the index, the next diff checks the revision out again: slower, not wrong
    }
  }

  private readResultIndex(): Record<string, string> {
    try {
      const doc = JSON.parse(readFileSync(`${this.path}.results.json`, 'utf8')) as unknown;
      return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? Object.fromEntries(Object.entries(doc).filter(([, v]) => typeof v === 'string')) as Record<string, string> : {};
    } catch {
      return {};
    }
  }

  private async removeWorktree(): Promise<void> {
    if (existsSync(this.path)) await git(this.repo.top, ['worktree', 'remove', '--force', this.path]).catch(() => undefined);
    rmSync(this.path, { recursive: true, force: true });
    await git(this.repo.top, ['worktree', 'prune']);
  }

  /**
   * Each file's mtime from its blob id: the same content at the same path looks unchanged to the
   * cache. `only`: the paths a checkout rewrote (the others keep their stamps); undefined: all.
   */
  private async stampMtimes(only: ReadonlySet<string> | undefined): Promise<void> {
    if (only?.size === 0) return;
    const listing = await git(this.path, ['ls-tree', '-r', '-z', '--full-tree', 'HEAD']);
    for (const entry of listing.split('\0')) {
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const [mode, type, blob] = entry.slice(0, tab).split(' ');
      const path = entry.slice(tab + 1);
      if (type !== 'blob' || mode === '120000' || blob === undefined || !path.startsWith(this.repo.prefix)) continue;
      if (only !== undefined && !only.has(path)) continue;
      // 2001 to 2009: a valid time on every file system, and never "now".
      const seconds = 1_000_000_000 + Number.parseInt(blob.slice(0, 7), 16);
      try {
        utimesSync(join(this.path, path), seconds, seconds);
      } catch {
        // a file git did not write (sparse checkout): it is not scanned either
      }
    }
  }
}

/** Revisions whose result key is remembered: a few times the results the cache keeps. */
const RESULT_INDEX_KEPT = 64;

function defaultWorktreeBase(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'lockpath', 'worktrees');
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
