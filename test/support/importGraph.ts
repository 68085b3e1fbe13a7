// The import graph of a source folder, read from the import statements of its .ts files.
// A regex reader, not the TypeScript compiler: bundling `typescript` into the test build would
// cost more than the check, and the project's imports are plain (no path aliases, no barrels).
// Statements are matched only at the start of a line, so imports quoted in comments do not count.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface ImportEdge {
  /** The importing file, relative to the repository root, with '/' separators. */
  from: string;
  /** The imported file relative to the root, or the bare specifier of a package ('vscode', 'node:fs'). */
  to: string;
  /** The line of the statement's first character in `from`. */
  line: number;
}

const STATEMENTS = [
  // import x from '...', import type { a,\n b } from '...', export { x } from '...'
  /^[ \t]*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  // import '...' (for its side effects)
  /^[ \t]*import\s*['"]([^'"]+)['"]/gm,
  // import('...') and require('...') anywhere
  /\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** The specifiers `text` imports, with the line each statement starts on. */
export function importSpecifiers(text: string): { specifier: string; line: number }[] {
  const found = new Map<number, { specifier: string; line: number }>();
  for (const re of STATEMENTS) {
    for (const m of text.matchAll(re)) {
      const at = m.index + m[0].indexOf(m[0].trimStart());
      found.set(at, { specifier: m[1] ?? '', line: text.slice(0, at).split('\n').length });
    }
  }
  return [...found.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s);
}

/** Every import of every .ts file under `dir` (relative to `root`). Unresolvable relative imports throw. */
export function importGraph(root: string, dir: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const from of sourceFiles(root, dir)) {
    const file = join(root, from);
    for (const { specifier, line } of importSpecifiers(readFileSync(file, 'utf8'))) {
      const to = specifier.startsWith('.') ? resolveModule(root, dirname(file), specifier) : specifier;
      if (to === undefined) throw new Error(`${from}:${line}: cannot resolve '${specifier}'`);
      edges.push({ from, to, line });
    }
  }
  return edges;
}

function resolveModule(root: string, dir: string, specifier: string): string | undefined {
  const base = resolve(dir, specifier);
  for (const candidate of [`${base}.ts`, `${base}.d.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return posixPath(relative(root, candidate));
  }
  return undefined;
}

/** The .ts files under `dir`, relative to `root`, with '/' separators. */
export function sourceFiles(root: string, dir: string): string[] {
  return tsFiles(join(root, dir)).map((f) => posixPath(relative(root, f)));
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

function posixPath(p: string): string {
  return p.split('\\').join('/');
}
