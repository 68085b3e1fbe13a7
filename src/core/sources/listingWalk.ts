// What walkSources() would list in a tree, told from a listing of it (a git revision's `ls-tree`)
// without the files on disk: the files and skips a result key is made of. A listing the walk
// could read differently (symlinks to directories or out of the tree, submodules, includes
// inside one another) is not told.
import { posix } from 'node:path';
import { isExcluded, SKIP_DIRS, SOURCE, sortWalk, sizeSkip, type WalkOptions } from './workspaceWalk';

export interface ListedFile {
  /** Relative to the scanned root, forward slashes. */
  path: string;
  kind: 'file' | 'symlink' | 'submodule';
  /** NaN when the listing does not tell (walkListingNames() reads none). */
  size: number;
  /** A symlink's target, as stored. */
  target?: string;
}

/** A walk's outcome without paths on disk: `rel` and `size` of each file, and the listed file whose content it is (`rel`, or a symlink's target). */
export interface ListedWalk {
  files: { rel: string; size: number; content: string }[];
  skipped: { file: string; reason: string }[];
}

export function walkListing(listing: readonly ListedFile[], options: Omit<WalkOptions, 'signal'>): ListedWalk | undefined {
  const files = new Map(listing.map((f) => [f.path, f]));
  const named = walkListingNames(listing, options);
  return named === undefined ? undefined : sizedWalk(named, (content) => files.get(content)!.size, options.maxFileBytes);
}

/**
 * walkListing() before the size limit, which reads no `size`: a listing without sizes (`git
 * ls-tree` without `-l` reads only tree objects) is walked first, and only the contents the walk
 * reads are then sized for sizedWalk(). Every file is in `files`, with size NaN.
 */
export function walkListingNames(listing: readonly ListedFile[], options: Omit<WalkOptions, 'signal' | 'maxFileBytes'>): ListedWalk | undefined {
  const starts = options.include.length === 0 ? [''] : options.include.map((p) => p.replace(/\/+$/, ''));
  if (starts.some((s) => s.startsWith('/') || s.split('/').some((part) => part === '.' || part === '..' || (part === '' && s !== '')))) return undefined;
  if (starts.some((a, i) => starts.some((b, j) => i !== j && (a === b || a === '' || b.startsWith(`${a}/`))))) return undefined;
  const files = new Map(listing.map((f) => [f.path, f]));
  const out: ListedWalk = { files: [], skipped: [] };
  for (const start of starts) {
    const inside = start === '' ? listing : listing.filter((f) => f.path === start || f.path.startsWith(`${start}/`));
    const exact = inside.find((f) => f.path === start);
    if (inside.length === 0) {
      // An empty directory is not in a listing: the walk would find it and list nothing.
      out.skipped.push({ file: start, reason: 'included path does not exist' });
      continue;
    }
    const dirs = new Map<string, boolean>();
    for (const f of exact !== undefined ? [exact] : inside.filter((x) => walked(x.path, start, options.exclude, x.kind, dirs))) {
      const content = contentOf(f, files);
      if (content === undefined) return undefined;
      // A symlink to a file that is not a source by name: the walk passes it by.
      if (f !== exact && !SOURCE.test(f.path.slice(f.path.lastIndexOf('/') + 1))) continue;
      out.files.push({ rel: f.path, size: Number.NaN, content: content.path });
    }
  }
  return out;
}

/** A walkListingNames() walk with each content's size (`sizeOf`, by listed path) and the walk's size limit applied. */
export function sizedWalk(named: ListedWalk, sizeOf: (content: string) => number, maxFileBytes: number): ListedWalk {
  const out: ListedWalk = { files: [], skipped: [...named.skipped] };
  for (const f of named.files) {
    const size = sizeOf(f.content);
    const tooLarge = sizeSkip(size, maxFileBytes);
    if (tooLarge !== undefined) out.skipped.push({ file: f.rel, reason: tooLarge });
    else out.files.push({ ...f, size });
  }
  return sortWalk(out);
}

/** The file whose content a listed file is: itself, or a symlink's target in the listing; undefined when the walk could read anything else. */
function contentOf(f: ListedFile, files: ReadonlyMap<string, ListedFile>): ListedFile | undefined {
  let at = f;
  for (let hops = 0; hops < 8; hops++) {
    if (at.kind === 'file') return at;
    if (at.kind !== 'symlink' || at.target === undefined || at.target.startsWith('/')) return undefined;
    const next = files.get(posix.normalize(posix.join(posix.dirname(at.path), at.target)));
    if (next === undefined) return undefined;
    at = next;
  }
  return undefined;
}

/**
 * Whether the walk from `start` reaches the entry: a source by name, under no skipped or
 * excluded directory below `start`. Any other symlink may be a directory the walk enters.
 * `dirs` holds what is known of directories under this `start` (a kernel lists 80k files in 5k).
 */
function walked(path: string, start: string, exclude: readonly string[], kind: ListedFile['kind'], dirs: Map<string, boolean>): boolean {
  const slash = path.lastIndexOf('/');
  if (kind === 'file' && !SOURCE.test(path.slice(slash + 1))) return false;
  return slash < 0 || dirWalked(path.slice(0, slash), start, exclude, dirs);
}

function dirWalked(dir: string, start: string, exclude: readonly string[], dirs: Map<string, boolean>): boolean {
  // `start` and above: where the walk begins, whatever their names.
  if (dir.length <= start.length) return true;
  let known = dirs.get(dir);
  if (known === undefined) {
    const slash = dir.lastIndexOf('/');
    known = !SKIP_DIRS.has(dir.slice(slash + 1)) && !isExcluded(dir, exclude) && (slash < 0 || dirWalked(dir.slice(0, slash), start, exclude, dirs));
    dirs.set(dir, known);
  }
  return known;
}
