// Tree-sitter sometimes folds a long stretch of a kernel file into one top-level ERROR node
// (an unbalanced macro, a `#if` that splits a brace pair) and the functions inside it are lost.
// We cut such a stretch at lines that close a function (`}` in column 0) and parse each piece on
// its own, padded with newlines so that every line number stays exact.
import type { Parser, Tree } from 'web-tree-sitter';
import type { FileFacts } from '../../model/facts';
import { extractFileFacts } from './extractFileFacts';
import { named } from '../syntax';

/** Pieces bigger than this are not re-parsed: the cost would rival the file's own parse. */
const MAX_PIECES = 400;

export function recoverFromErrors(file: string, text: string, tree: Tree, parser: Parser, facts: FileFacts): FileFacts {
  const regions: [number, number][] = [];
  const root = tree.rootNode;
  for (const child of named(root)) {
    if (child.type === 'ERROR' && child.endPosition.row > child.startPosition.row) regions.push([child.startPosition.row, child.endPosition.row]);
  }
  if (regions.length === 0) return facts;
  const lines = text.split('\n');
  const known = new Set(facts.functions.map((f) => `${f.name}:${f.startLine}`));
  const functions = [...facts.functions];
  const fieldAssignments = [...facts.fieldAssignments];
  const structFields = [...facts.structFields];
  let pieces = 0;
  for (const [first, last] of regions) {
    let start = first;
    for (let row = first; row <= last && pieces < MAX_PIECES; row++) {
      if (!lines[row]?.startsWith('}') && row !== last) continue;
      pieces++;
      const piece = `${'\n'.repeat(start)}${lines.slice(start, row + 1).join('\n')}\n`;
      const sub = parser.parse(piece);
      if (sub !== null) {
        try {
          const found = extractFileFacts(file, sub);
          for (const f of found.functions) {
            const key = `${f.name}:${f.startLine}`;
            if (known.has(key)) continue;
            known.add(key);
            functions.push(f);
          }
          fieldAssignments.push(...found.fieldAssignments);
          structFields.push(...found.structFields);
        } finally {
          sub.delete();
        }
      }
      start = row + 1;
    }
  }
  functions.sort((a, b) => a.startLine - b.startLine);
  return { ...facts, functions, fieldAssignments, structFields };
}
