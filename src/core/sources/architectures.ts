// A kernel is built for one architecture, and the kernel's own `make tags` and `make cscope`
// index only that one's arch/ directory (scripts/tags.sh: ALLSOURCE_ARCHS defaults to
// SRCARCH). Lockpath does the same: with every arch/ directory in one graph, a generic call such
// as flush_tlb_kernel_range() also resolves to User-Mode Linux's, whose fault path ends in
// do_coredump(), and a whole 6.1 tree then reports thousands of chains no x86 kernel can run.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The architecture scanned unless one is named; `all` scans every arch/ directory. */
export const DEFAULT_ARCH = 'x86';

/** What --arch and the lockpath.arch setting take: an arch/ directory name, or `all`. */
export function isArchName(name: string): boolean {
  return /^[a-z0-9_]+$/.test(name);
}

export class ArchitectureError extends Error {}

/**
 * The arch/ directories to leave out when scanning for `arch`: all but its own, and but those an
 * include names (`--include arch/arm64` means to read it). `names`: the directories under arch/
 * (undefined: the tree has none, as a fixture or a copied-out subset, and nothing is left out).
 */
export function otherArchitectures(names: readonly string[] | undefined, arch: string, include: readonly string[]): string[] {
  if (arch === 'all' || names === undefined) return [];
  if (!names.includes(arch)) throw new ArchitectureError(`no arch/${arch} in this tree (architectures there: ${[...names].sort().join(', ')}, or all)`);
  const named = (dir: string): boolean => include.some((p) => p === dir || p.startsWith(`${dir}/`));
  return names.filter((n) => n !== arch && !named(`arch/${n}`)).sort().map((n) => `arch/${n}`);
}

/** The directories under `root`/arch, or undefined when there is no arch/. */
export function architecturesOnDisk(root: string): string[] | undefined {
  try {
    return readdirSync(join(root, 'arch'), { withFileTypes: true }).filter((d) => d.isDirectory() || d.isSymbolicLink()).map((d) => d.name);
  } catch {
    return undefined;
  }
}

/** The directories under arch/ that a revision's listing (paths relative to the root) holds. */
export function architecturesListed(paths: Iterable<string>): string[] | undefined {
  const names = new Set<string>();
  for (const p of paths) {
    if (!p.startsWith('arch/')) continue;
    const slash = p.indexOf('/', 5);
    if (slash > 5) names.add(p.slice(5, slash));
  }
  return names.size === 0 ? undefined : [...names];
}
