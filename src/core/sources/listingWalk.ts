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
    for (const f of exact !== undefined ? [exact] : inside.filter((x) => walked(x.path, start, options.exclude, x.kind))) {
      const content = contentOf(f, files);
      if (content === undefined) return undefined;
      // A symlink to a file that is not a source by name: the walk passes it by.
      if (f !== exact && !SOURCE.test(f.path.slice(f.path.lastIndexOf('/') + 1))) continue;
      const tooLarge = sizeSkip(content.size, options.maxFileBytes);
      if (tooLarge !== undefined) out.skipped.push({ file: f.path, reason: tooLarge });
      else out.files.push({ rel: f.path, size: content.size, content: content.path });
    }
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
 */
function walked(path: string, start: string, exclude: readonly string[], kind: ListedFile['kind']): boolean {
  const parts = path.split('/');
  if (!SOURCE.test(parts.at(-1)!) && kind === 'file') return false;
  const first = start === '' ? 0 : start.split('/').length;
  for (let i = first; i < parts.length - 1; i++) {
    if (SKIP_DIRS.has(parts[i]!) || isExcluded(parts.slice(0, i + 1).join('/'), exclude)) return false;
  }
  return true;
}
