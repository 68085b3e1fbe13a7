// Assertions written in C comments under the line they check (the tree-sitter highlight-test
// form): `//  ^ held: freeze  calls: do_write`. The caret marks the column; tabs count to the
// next multiple of 8 in both lines, as an editor shows them. Positions come out as the facts
// give them: 1-based line, and 1-based column in UTF-8 bytes.

/**
 * Every assertion key a fixture may use. Each test checks the keys of its own part of the core
 * (held state: calls, held, summary; chain search: chain, no-chain; chain confidence:
 * confidence); an unknown key is a typo.
 */
export const ANNOTATION_KEYS: ReadonlySet<string> = new Set(['calls', 'held', 'summary', 'chain', 'no-chain', 'confidence']);

export interface Annotation {
  /** `file:line:column` of the checked position. */
  at: string;
  /** Assertion key -> expected value, as written (`held` -> `freeze`). */
  expect: Map<string, string>;
}

const ANNOTATION = /^\s*\/\/(\s*)\^(.*)$/;
const TAB = 8;

/** The visual column (0-based) of each character of `line`, tabs expanded. */
function visualColumns(line: string): number[] {
  const out: number[] = [];
  let col = 0;
  for (const ch of line) {
    out.push(col);
    col = ch === '\t' ? (Math.floor(col / TAB) + 1) * TAB : col + 1;
  }
  return out;
}

/**
 * The annotations of one file, one per annotation line: several lines under one line of code
 * give several annotations at its position. Throws on an annotation that has no line above it,
 * points past the end of its line, or holds text that is not `key: value` pairs of known keys:
 * a typo must not pass as a check that always holds.
 */
export function readAnnotations(file: string, text: string): Annotation[] {
  const lines = text.split('\n');
  const out: Annotation[] = [];
  let target = -1;
  lines.forEach((line, i) => {
    const m = ANNOTATION.exec(line);
    if (m === null) {
      target = i;
      return;
    }
    if (target < 0) throw new Error(`${file}:${i + 1}: annotation with no line above it`);
    const caret = visualColumns(line)[line.indexOf('^')]!;
    const code = lines[target]!;
    const cols = visualColumns(code);
    const index = cols.findIndex((c, k) => c <= caret && (cols[k + 1] ?? c + 1) > caret);
    if (index < 0 || index >= code.length) throw new Error(`${file}:${i + 1}: the caret points past the end of line ${target + 1}`);
    const column = Buffer.byteLength(code.slice(0, index)) + 1;
    const expect = new Map<string, string>();
    for (const part of m[2]!.trim().split(/\s{2,}/)) {
      const kv = /^([a-z-]+):\s*(.+)$/.exec(part);
      if (kv === null) throw new Error(`${file}:${i + 1}: not a 'key: value' assertion: ${part}`);
      if (!ANNOTATION_KEYS.has(kv[1]!)) throw new Error(`${file}:${i + 1}: unknown assertion key '${kv[1]!}'`);
      expect.set(kv[1]!, kv[2]!);
    }
    out.push({ at: `${file}:${target + 1}:${column}`, expect });
  });
  return out;
}
