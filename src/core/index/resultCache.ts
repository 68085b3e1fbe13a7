// Whole-scan results keyed by everything they depend on: the content hash of every file, the
// rules and the options. An unchanged tree is then answered from one file, like a build
// system's up-to-date check; any change anywhere recomputes from the per-file cached facts.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Confidence, ScanResult } from '../model/chain';
import type { RuleSpec } from '../model/ruleSpec';
import { writeAtomically } from './atomicFile';
import { FACTS_VERSION } from './factCache';

export interface ResultKeyInput {
  toolVersion: string;
  rules: readonly RuleSpec[];
  include: readonly string[];
  pointers: string;
  /** [path, content hash] of every analysed file, and [path, reason] of every skipped one. */
  files: readonly (readonly [string, string])[];
}

/** Characters of the files' list hashed at once. */
const HASH_CHUNK = 1 << 16;

export function resultKey(input: ResultKeyInput): string {
  const h = createHash('sha1');
  h.update(JSON.stringify([FACTS_VERSION, input.toolVersion, input.rules, input.include, input.pointers]));
  // The same digest as one update per file, in far fewer calls into the hash (55k on a kernel).
  let chunk = '';
  for (const [path, hash] of input.files) {
    chunk += `\n${path}\u0000${hash}`;
    if (chunk.length > HASH_CHUNK) {
      h.update(chunk);
      chunk = '';
    }
  }
  h.update(chunk);
  return h.digest('hex');
}

function resultPath(dir: string, key: string): string {
  return join(dir, `v${FACTS_VERSION}`, 'results', `${key}.json`);
}

/** The possible chains of the result kept under `key` (see StoredResult). */
function possiblePath(resultFile: string): string {
  return resultFile.replace(/\.json$/, POSSIBLE_SUFFIX);
}

const POSSIBLE_SUFFIX = '.possible.json';

/**
 * A result on disk: its likely chains, and which kind each chain of the result was, in order.
 * The possible ones (8 of a whole kernel's 8.5 MB, never shown by a default report) are in a
 * file of their own beside it, which only a reader wanting them parses.
 */
interface StoredResult extends ScanResult {
  order?: string;
}

/**
 * The result kept under `key`. With `least` 'likely' its possible chains are not read: the
 * result then lists only the likely ones and counts the others in stats.possibleChains.
 */
export function readResult(dir: string, key: string, least: Confidence = 'possible'): ScanResult | undefined {
  try {
    const path = resultPath(dir, key);
    const doc = JSON.parse(readFileSync(path, 'utf8')) as StoredResult;
    if (doc.tool !== 'lockpath' || !Array.isArray(doc.chains) || typeof doc.stats !== 'object') return undefined;
    const { order, ...result } = doc;
    if (order === undefined) return result;
    const possibleCount = order.length - result.chains.length;
    if (least === 'likely') return { ...result, stats: { ...result.stats, possibleChains: possibleCount } };
    const possible = possibleCount === 0 ? [] : JSON.parse(readFileSync(possiblePath(path), 'utf8')) as ScanResult['chains'];
    if (!Array.isArray(possible) || possible.length !== possibleCount) return undefined;
    let l = 0;
    let p = 0;
    const chains = [...order].map((kind) => (kind === 'p' ? possible[p++]! : result.chains[l++]!));
    return { ...result, chains };
  } catch {
    return undefined; // missing or corrupt: recompute
  }
}

/**
 * Results kept: each edit of the tree makes a new key, and a kernel's result is ~18 MB, so
 * without a bound the cache grew by that much per edited scan. The newest few are what a
 * checkout switched back and forth or an edit undone can reuse.
 */
export const RESULTS_KEPT = 8;

export function writeResult(dir: string, key: string, result: ScanResult): void {
  const path = resultPath(dir, key);
  const folder = dirname(path);
  mkdirSync(folder, { recursive: true });
  const possible = result.chains.filter((c) => c.confidence === 'possible');
  // The possible chains first: a result file is only read with the file it names beside it.
  if (possible.length > 0) writeAtomically(possiblePath(path), JSON.stringify(possible));
  const stored: StoredResult = {
    ...result,
    chains: result.chains.filter((c) => c.confidence !== 'possible'),
    order: result.chains.map((c) => (c.confidence === 'possible' ? 'p' : 'l')).join(''),
  };
  writeAtomically(path, JSON.stringify(stored));
  pruneResults(folder);
}

/**
 * Removes all but the RESULTS_KEPT most recently written results, each with its possible
 * chains, and possible chains whose result is gone; a file another scan removed first is no loss.
 */
function pruneResults(folder: string): void {
  const names = readdirSync(folder);
  const results = names.filter((n) => n.endsWith('.json') && !n.endsWith(POSSIBLE_SUFFIX)).map((n) => {
    const path = join(folder, n);
    try {
      return { path, mtime: statSync(path).mtimeMs };
    } catch {
      return undefined;
    }
  }).filter((r) => r !== undefined);
  results.sort((a, b) => b.mtime - a.mtime);
  const kept = new Set(results.slice(0, RESULTS_KEPT).map((r) => possiblePath(r.path)));
  for (const { path } of results.slice(RESULTS_KEPT)) {
    rmSync(path, { force: true });
    rmSync(possiblePath(path), { force: true });
  }
  // Left by a writer that stopped between its two files; not one still writing its result.
  const stale = Date.now() - ORPHAN_AGE_MS;
  for (const n of names) {
    const path = join(folder, n);
    if (!n.endsWith(POSSIBLE_SUFFIX) || kept.has(path)) continue;
    try {
      if (statSync(path).mtimeMs < stale) rmSync(path, { force: true });
    } catch {
      // gone already
    }
  }
}

/** Possible chains without their result are removed when older than this. */
const ORPHAN_AGE_MS = 60 * 60 * 1000;
