// One file's text -> its facts: the one place that picks the reader. The token reader is
// tried when the job asks for it; a file it declines, fails on, or reads without what the
// caller needs (`enough`) is parsed by tree-sitter instead. The index decides which reader a
// job asks for (index/flowNeeds.ts) and keeps the cache in front of this.
import type { Parser } from 'web-tree-sitter';
import type { FactReader, FileFacts } from '../model/facts';
import type { Note } from '../model/noteCounts';
import { maskAnnotations } from './annotationMask';
import { readTokenFacts } from './tokens/tokenReader';
import { recoverFromErrors } from './tree/errorRecovery';
import { extractFileFacts } from './tree/extractFileFacts';

/** The facts of a file, or why it has none. */
export type FileRead = { ok: true; facts: FileFacts } | { ok: false; reason: string };

/** Tree-sitter stops parsing after this long and we say so rather than hang on a pathological file. */
const PARSE_TIMEOUT_MS = 20_000;

/**
 * `enough`: whether token facts answer the caller; when not, the file is parsed. Notes worth
 * telling the user (a token reader failure) are pushed to `notes`.
 */
export function readFileFacts(
  rel: string, text: string, reader: FactReader, parser: Parser, enough: (facts: FileFacts) => boolean, notes: Note[],
): FileRead {
  if (isBraceless(text)) {
    const facts: FileFacts = { file: rel, functions: [], fieldAssignments: [], structFields: [], errorNodes: 0, braceless: true };
    // Either reader gives these facts; the job's keeps the shard where the next lookup looks.
    if (reader === 'tokens') facts.reader = reader;
    return { ok: true, facts };
  }
  const masked = maskAnnotations(text);
  const tokenFacts = reader === 'tokens' ? tokenRead(rel, masked, notes) : undefined;
  if (tokenFacts !== undefined && enough(tokenFacts)) return { ok: true, facts: tokenFacts };
  const start = performance.now();
  const tree = parser.parse(masked, null, {
    progressCallback: () => performance.now() - start > PARSE_TIMEOUT_MS,
  });
  if (tree === null) return { ok: false, reason: `parse gave up after ${PARSE_TIMEOUT_MS / 1000} s` };
  let facts: FileFacts;
  try {
    facts = recoverFromErrors(rel, masked, tree, parser, extractFileFacts(rel, tree));
  } finally {
    tree.delete();
  }
  if (reader === 'tokens' && tokenFacts === undefined) facts.tokensDeclined = true;
  return { ok: true, facts };
}

/** Token facts, or undefined when the reader declines the text or fails (a bug: said, and the file is parsed instead). */
function tokenRead(rel: string, text: string, notes: Note[]): FileFacts | undefined {
  try {
    return readTokenFacts(rel, text);
  } catch (e) {
    notes.push({ kind: 'reader', message: `token reader failed (${(e as Error).message}): parsed instead` });
    return undefined;
  }
}

/** No `{` and no `<%`: the file cannot hold a function body, an initializer list or a struct body. */
export function isBraceless(text: string): boolean {
  return !text.includes('{') && !text.includes('<%');
}
