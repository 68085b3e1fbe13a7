// Revisions of the git repository a tree lives in, written out with git itself for `lockpath
// diff --git REV`. The checkout is the cache's own, not a git worktree: it has an index file
// (GIT_INDEX_FILE) and a work tree of its own, written with `git checkout-index`, so nothing of
// it shows in the user's `git worktree list` and nothing in the repository refers to it. One checkout per repository, at a stable path, kept from run to run: its root (and so its
// fact cache) is the same for both sides of a diff and for the next diff, and writing a
// kernel's files costs more than the warm scan a diff aims at. Only the scanned part of the
// tree is written; a switch rewrites only the files that differ, and every file's mtime is set
// from its blob id, so the cache manifest vouches for every file whose content it has seen.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { writeAtomically } from '../core/index/atomicFile';
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

/** A revision of the repository: its commit, and the git tree of the scanned directory at it (the same tree id, the same content). */
export interface Revision {
  commit: string;
  tree: string;
}

/**
 * The commits revisions name (`HEAD~1`, a tag, a hash) and their trees at `repo.prefix`, in one
 * git call: a diff that replays two results spends its time starting processes otherwise.
 */
export async function resolveRevisions(repo: GitRepo, revs: readonly string[]): Promise<Revision[]> {
  for (const rev of revs) if (rev.startsWith('-') || /[\n\r\0]/.test(rev)) throw new GitError(`not a revision: ${rev}`);
  const sub = repo.prefix.replace(/\/$/, '');
  const names = revs.flatMap((rev) => [`${rev}^{commit}`, sub === '' ? `${rev}^{tree}` : `${rev}^{commit}:${sub}`]);
  // Each name answers one line, `<id> <type>`, or `<name> missing` (or `ambiguous`).
  const lines = (await git(repo.top, ['cat-file', '--batch-check=%(objecttype) %(objectname)'], { input: names.map((n) => `${n}\n`).join('') })).split('\n');
  return revs.map((rev, i) => {
    const [commitType, commit] = (lines[2 * i] ?? '').split(' ');
    const [treeType, tree] = (lines[2 * i + 1] ?? '').split(' ');
    if (commitType !== 'commit' || commit === undefined) throw new GitError(`unknown revision ${rev} in ${repo.top}`);
    if (treeType !== 'tree' || tree === undefined) throw new GitError(`${sub} is not a directory at ${rev}`);
    return { commit, tree };
  });
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

  /**
   * Every file of a git tree (Revision.tree), relative to it; symlinks with their targets. Sizes
   * are NaN (blobSizes() tells those needed): `ls-tree -l` opens every blob, which costs more
   * than the warm scan a diff aims at when the objects are loose, and most of them are not sources.
   */
  async listing(treeId: string): Promise<RevisionFile[]> {
    const out: RevisionFile[] = [];
    for (const entry of (await git(this.repo.top, ['ls-tree', '-r', '-z', treeId])).split('\0')) {
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const [mode, type, blob] = entry.slice(0, tab).split(' ');
      const kind = type === 'commit' ? 'submodule' : mode === '120000' ? 'symlink' : 'file';
      out.push({ path: entry.slice(tab + 1), kind, size: Number.NaN, blob: blob ?? '' });
    }
    const links = out.filter((f) => f.kind === 'symlink');
    const targets = await this.blobTexts(links.map((f) => f.blob));
    for (const f of links) {
      const target = targets.get(f.blob);
      if (target !== undefined) f.target = target;
    }
    return out;
  }

  /** The sizes of blobs, by blob id (one `git cat-file` for all). */
  async blobSizes(blobs: readonly string[]): Promise<Map<string, number>> {
    const sizes = new Map<string, number>();
    if (blobs.length === 0) return sizes;
    const out = await git(this.repo.top, ['cat-file', '--batch-check=%(objectname) %(objectsize)'], { input: blobs.map((b) => `${b}\n`).join('') });
    for (const line of out.split('\n')) {
      const [id, size] = line.split(' ');
      // `<id> missing` leaves the size unknown: the walk then cannot be told from the listing.
      if (id !== undefined && size !== undefined && /^\d+$/.test(size)) sizes.set(id, Number(size));
    }
    return sizes;
  }

  /**
   * The new blob of each file whose content differs between two git trees (Revision.tree), by
   * path; undefined when anything else differs (a file added, removed, or now of another kind).
   */
  async changedContents(from: string, to: string): Promise<Map<string, string> | undefined> {
    const changed = new Map<string, string>();
    for (const c of rawChanges(await git(this.repo.top, ['diff-tree', '-r', '-z', '--no-renames', '--raw', from, to]))) {
      if (c.status !== 'M' || !REGULAR.has(c.oldMode) || !REGULAR.has(c.newMode)) return undefined;
      changed.set(c.path, c.blob);
    }
    return changed;
  }

  /** The contents of small blobs (symlink targets), by blob id. */
  private async blobTexts(blobs: readonly string[]): Promise<Map<string, string>> {
    const texts = new Map<string, string>();
    if (blobs.length === 0) return texts;
    const run = execFileAsync('git', ['-C', this.repo.top, 'cat-file', '--batch'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
    run.child.stdin?.end(blobs.map((b) => `${b}\n`).join(''));
    const out = (await run.catch((e: Error) => {
      throw new GitError(`git cat-file --batch: ${e.message}`);
    })).stdout;
    // Each object: `<id> <type> <size>\n`, its bytes, `\n`.
    for (let at = 0; at < out.length;) {
      const eol = out.indexOf(10, at);
      if (eol < 0) break;
      const [id, , size] = out.subarray(at, eol).toString('utf8').split(' ');
      const length = Number(size);
      if (!Number.isInteger(length)) break; // `<id> missing`
      texts.set(id!, out.subarray(eol + 1, eol + 1 + length).toString('utf8'));
      at = eol + 1 + length + 1;
    }
    return texts;
  }

  /**
   * Those of `paths` (relative to the scanned tree) that the checkout writes as their blobs'
   * bytes: no filter, no working-tree encoding, no ident, no CRLF line endings. A file's blob
   * id is then the content hash of what is on disk.
   */
  async writtenAsIs(paths: readonly string[]): Promise<Set<string>> {
    const config = await git(this.repo.top, ['config', '--get-regexp', '^core\\.(autocrlf|eol)$']).catch(() => '');
    if (/^core\.(autocrlf true|eol crlf)$/im.test(config)) return new Set();
    const prefix = this.repo.prefix;
    const out = await this.git(['check-attr', '--cached', '-z', '--stdin', 'filter', 'working-tree-encoding', 'ident', 'eol'], paths.map((p) => `${prefix}${p}\0`).join(''));
    const asIs = new Set(paths);
    const fields = out.split('\0');
    for (let i = 0; i + 2 < fields.length; i += 3) {
      const [path, attr, value] = [fields[i]!, fields[i + 1]!, fields[i + 2]!];
      const converts = attr === 'ident' ? value === 'set' : attr === 'eol' ? value === 'crlf' : value !== 'unspecified' && value !== 'unset';
      if (converts) asIs.delete(path.slice(prefix.length));
    }
    return asIs;
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
      // A diff that only replayed results wrote nothing else: the checkout's directory may not be there yet.
      mkdirSync(this.dir, { recursive: true });
      writeAtomically(file, JSON.stringify(Object.fromEntries(kept)));
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

  /**
   * git with the checkout's own index and work tree: the user's index and worktrees are never
   * touched, and attributes come from the revision (the index), not the user's files.
   */
  private git(args: readonly string[], input?: string): Promise<string> {
    return git(this.repo.top, ['--work-tree', this.path, ...args], { env: { ...process.env, GIT_INDEX_FILE: join(this.dir, 'index') }, ...(input !== undefined ? { input } : {}) });
  }

  /**
   * Writes every file of the scope at `commit` into an empty tree, and what its symlinks point
   * to (the walk follows them); the whole revision when that cannot be told.
   */
  private async writeAll(commit: string): Promise<void> {
    rmSync(this.path, { recursive: true, force: true });
    for (const name of ['scope', 'paths']) rmSync(join(this.dir, name), { force: true });
    mkdirSync(this.path, { recursive: true });
    await this.git(['read-tree', commit]);
    let pathspecs = this.pathspecs();
    let files = await this.indexFiles(pathspecs);
    const outside = await this.linkedOutside(files);
    if (outside === undefined || outside.length > 0) {
      pathspecs = outside === undefined ? [] : [...pathspecs, ...outside.map((p) => `:(literal)${p}`)];
      files = await this.indexFiles(pathspecs);
    }
    await this.writeFiles(files);
    // What a switch compares: the scope and the targets written with it.
    writeFileSync(join(this.dir, 'paths'), JSON.stringify(pathspecs));
    writeFileSync(join(this.dir, 'scope'), this.scopeText());
  }

  /**
   * What the scope's symlinks point to outside the scope (the walk reads through them), as
   * repository paths; undefined when that cannot be told (a chain of links, a path out of the
   * repository).
   */
  private async linkedOutside(files: readonly WrittenFile[]): Promise<string[] | undefined> {
    const links = files.filter((f) => f.mode === '120000');
    if (links.length === 0) return [];
    const targets = await this.blobTexts(links.map((f) => f.blob));
    const inScope = (p: string): boolean => this.scope.some((s) => s === '' || p === s.replace(/\/$/, '') || p.startsWith(s.endsWith('/') ? s : `${s}/`));
    const outside = new Set<string>();
    for (const f of links) {
      const target = targets.get(f.blob);
      if (target === undefined || target.startsWith('/')) return undefined;
      const path = posix.normalize(posix.join(posix.dirname(f.path), target));
      if (path.startsWith('../') || path === '..') return undefined;
      if (!inScope(path)) outside.add(path);
    }
    // A target that is itself a symlink leads further: every file is written then.
    const more = outside.size === 0 ? [] : await this.indexFiles([...outside].map((p) => `:(literal)${p}`));
    return more.some((f) => f.mode === '120000') ? undefined : [...outside];
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
      const pathspecs = JSON.parse(readText(join(this.dir, 'paths')) ?? 'null') as unknown;
      if (!Array.isArray(pathspecs) || !pathspecs.every((p) => typeof p === 'string')) return false;
      raw = await this.git(['diff-tree', '-r', '-z', '--no-renames', '--raw', from, commit, '--', ...pathspecs, ':(glob)**/.gitattributes']);
      await this.git(['read-tree', commit]);
    } catch {
      return false;
    }
    const written: WrittenFile[] = [];
    for (const { oldMode, newMode, blob, status, path } of rawChanges(raw)) {
      // A symlink now or before: the scope alone may no longer be what the walk reads. Other
      // attributes: files that did not change may now be written otherwise.
      if (oldMode === '120000' || newMode === '120000' || path === '.gitattributes' || path.endsWith('/.gitattributes')) return false;
      rmSync(join(this.path, path), { recursive: true, force: true });
      if (status !== 'D' && newMode !== '160000') written.push({ path, mode: newMode, blob });
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
    await this.git(['checkout-index', '-f', '-z', '--stdin'], files.map((f) => `${f.path}\0`).join(''));
    for (const f of files) {
      // A symlink's time is its target's.
      if (f.mode === '120000') continue;
      const seconds = blobMtimeMs(f.blob) / 1000;
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

/** The mtime a written file gets from its blob id: 2001 to 2009, a valid time on every file system, and never "now". */
export function blobMtimeMs(blob: string): number {
  return (1_000_000_000 + Number.parseInt(blob.slice(0, 7), 16)) * 1000;
}

/** Modes of regular files in a git tree. */
const REGULAR: ReadonlySet<string> = new Set(['100644', '100755']);

/** One line of `git diff-tree -r -z --raw`: the modes, the new blob id, the status letter and the path. */
interface RawChange {
  oldMode: string;
  newMode: string;
  blob: string;
  status: string;
  path: string;
}

function rawChanges(raw: string): RawChange[] {
  const fields = raw.split('\0');
  const out: RawChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    // `:oldmode newmode oldblob newblob status` then the path.
    const [oldMode, newMode, , blob, status] = fields[i]!.split(' ');
    out.push({ oldMode: (oldMode ?? '').replace(/^:/, ''), newMode: newMode ?? '', blob: blob ?? '', status: status ?? '', path: fields[i + 1]! });
  }
  return out;
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
