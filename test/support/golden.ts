// Golden files: compare rendered output with a file under test/golden/, or rewrite it when
// UPDATE_GOLDEN=1. Tests run with cwd = repo root, so paths are relative to that.
import { AssertionError } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const GOLDEN_DIR = join('test', 'golden');

function updating(): boolean {
  return process.env['UPDATE_GOLDEN'] === '1';
}

/**
 * A line diff in the style of `diff -u` without hunk headers: ` ` same, `-` golden, `+` actual.
 * Quadratic LCS is fine for golden files (hundreds of lines); past a size limit we fall back
 * to showing the first difference only.
 */
export function lineDiff(expected: string, actual: string, context = 3): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  if (a.length * b.length > 4_000_000) {
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return `first difference at line ${i + 1}:\n-${a[i] ?? '<end of file>'}\n+${b[i] ?? '<end of file>'}`;
  }
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    const row = lcs[i]!;
    const next = lcs[i + 1]!;
    for (let j = b.length - 1; j >= 0; j--) {
      row[j] = a[i] === b[j] ? next[j + 1]! + 1 : Math.max(next[j]!, row[j + 1]!);
    }
  }
  const ops: { tag: ' ' | '-' | '+'; text: string; line: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ tag: ' ', text: a[i]!, line: i + 1 });
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      // Removals before additions, as `diff -u` prints them.
      ops.push({ tag: '-', text: a[i]!, line: i + 1 });
      i++;
    } else {
      ops.push({ tag: '+', text: b[j]!, line: i + 1 });
      j++;
    }
  }
  // Keep only changed lines and `context` lines around them, so long goldens stay readable.
  const keep = ops.map(() => false);
  ops.forEach((op, k) => {
    if (op.tag === ' ') return;
    for (let d = Math.max(0, k - context); d <= Math.min(ops.length - 1, k + context); d++) keep[d] = true;
  });
  const out: string[] = [];
  let skipped = false;
  ops.forEach((op, k) => {
    if (!keep[k]) {
      skipped = true;
      return;
    }
    if (skipped || out.length === 0) out.push(`@@ golden line ${op.line} @@`);
    skipped = false;
    out.push(`${op.tag}${op.text}`);
  });
  return out.join('\n');
}

/**
 * Asserts that `actual` equals the golden file `test/golden/<name>`. With UPDATE_GOLDEN=1 the
 * file is (re)written instead and the change is printed, so a re-bless shows what moved.
 */
export function assertGolden(name: string, actual: string): void {
  const path = join(GOLDEN_DIR, name);
  const exists = existsSync(path);
  const expected = exists ? readFileSync(path, 'utf8') : undefined;
  if (updating()) {
    if (expected === actual) return;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    console.log(exists ? `updated golden ${path}:\n${lineDiff(expected ?? '', actual)}` : `created golden ${path}`);
    return;
  }
  if (expected === undefined) {
    throw new AssertionError({ message: `golden file ${path} is missing; run UPDATE_GOLDEN=1 npm test to create it` });
  }
  if (expected !== actual) {
    throw new AssertionError({
      message:
        `output differs from golden ${path} (- golden, + actual); ` +
        `if the change is intended, run UPDATE_GOLDEN=1 npm test\n${lineDiff(expected, actual)}`,
    });
  }
}
