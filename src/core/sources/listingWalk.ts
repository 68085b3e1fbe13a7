// What walkSources() would list in a tree, told from a listing of it (a git revision's `ls-tree`)
// without the files on disk: the files and skips a result key is made of. A listing the walk
// could read differently (symlinks, submodules, includes inside one another) is not told.
import { isExcluded, SKIP_DIRS, SOURCE, sortWalk, sizeSkip, type WalkOptions } from './workspaceWalk';

export interface ListedFile {
  /** Relative to the scanned root, forward slashes. */
  path: string;
  kind: 'file' | 'symlink' | 'submodule';
  size: number;
}

/** A walk's outcome without paths on disk: `rel` and `size` of each file. */
export interface ListedWalk {
  files: { rel: string; size: number }[];
  skipped: { file: string; reason: string }[];
}

export function walkListing(listing: readonly ListedFile[], options: Omit<WalkOptions, 'signal'>): ListedWalk | undefined {
  const starts = options.include.length === 0 ? [''] : options.include.map((p) => p.replace(/\/+$/, ''));
  if (starts.some((s) => s.startsWith('/') || s.split('/').some((part) => part === '.' || part === '..' || (part === '' && s !== '')))) return undefined;
  if (starts.some((a, i) => starts.some((b, j) => i !== j && (a === b || a === '' || b.startsWith(`${a}/`))))) return undefined;
  const out: ListedWalk = { files: [], skipped: [] };
  for (const start of starts) {
    const inside = start === '' ? listing : listing.filter((f) => f.path === start || f.path.startsWith(`${start}/`));
    if (inside.some((f) => f.kind !== 'file')) return undefined;
    const exact = inside.find((f) => f.path === start);
    if (inside.length === 0) {
      // An empty directory is not in a listing: the walk would find it and list nothing.
      out.skipped.push({ file: start, reason: 'included path does not exist' });
    } else if (exact !== undefined) {
      addListed(exact, options.maxFileBytes, out);
    } else {
      for (const f of inside) if (walked(f.path, start, options.exclude)) addListed(f, options.maxFileBytes, out);
    }
  }
  return sortWalk(out);
}

/** Whether the walk from `start` reaches the file: a source by name, under no skipped or excluded directory below `start`. */
function walked(path: string, start: string, exclude: readonly string[]): boolean {
  const parts = path.split('/');
  if (!SOURCE.test(parts.at(-1)!)) return false;
  const first = start === '' ? 0 : start.split('/').length;
  for (let i = first; i < parts.length - 1; i++) {
    if (SKIP_DIRS.has(parts[i]!) || isExcluded(parts.slice(0, i + 1).join('/'), exclude)) return false;
  }
  return true;
}

function addListed(f: ListedFile, maxFileBytes: number, out: ListedWalk): void {
  const tooLarge = sizeSkip(f.size, maxFileBytes);
  if (tooLarge !== undefined) out.skipped.push({ file: f.path, reason: tooLarge });
  else out.files.push({ rel: f.path, size: f.size });
}
