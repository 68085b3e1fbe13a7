// Whole-scan results keyed by everything they depend on: the content hash of every file, the
// rules and the options. An unchanged tree is then answered from one file, like a build
// system's up-to-date check; any change anywhere recomputes from the per-file cached facts.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Confidence, ScanResult } from '../model/chain';
import type { RuleSpec } from '../model/ruleSpec';
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

/**
 * A result on disk: its likely chains as JSON, the possible ones (most of a kernel's, 8 MB of
 * its 8.5) as one JSON string that only a reader wanting them parses, and which of the two each
 * chain of the result was, in order.
 */
interface StoredResult extends ScanResult {
  possibleText?: string;
  order?: string;
}

/**
 * The result kept under `key`. With `least` 'likely' its possible chains are not read: the
 * result then lists only the likely ones and counts the others in stats.possibleChains.
 */
export function readResult(dir: string, key: string, least: Confidence = 'possible'): ScanResult | undefined {
  try {
    const doc = JSON.parse(readFileSync(resultPath(dir, key), 'utf8')) as StoredResult;
    if (doc.tool !== 'lockpath' || !Array.isArray(doc.chains) || typeof doc.stats !== 'object') return undefined;
    const { possibleText, order, ...result } = doc;
    if (possibleText === undefined || order === undefined) return result;
    const possibleCount = order.length - result.chains.length;
    if (least === 'likely') return { ...result, stats: { ...result.stats, possibleChains: possibleCount } };
    const possible = JSON.parse(possibleText) as ScanResult['chains'];
    if (possible.length !== possibleCount) return undefined;
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
  const tmp = `${path}.${process.pid}.tmp`;
  const stored: StoredResult = {
    ...result,
    chains: result.chains.filter((c) => c.confidence !== 'possible'),
    possibleText: JSON.stringify(result.chains.filter((c) => c.confidence === 'possible')),
    order: result.chains.map((c) => (c.confidence === 'possible' ? 'p' : 'l')).join(''),
  };
  writeFileSync(tmp, JSON.stringify(stored));
  renameSync(tmp, path);
  pruneResults(folder);
}

/** Removes all but the RESULTS_KEPT most recently written results; a file another scan removed first is no loss. */
function pruneResults(folder: string): void {
  const results = readdirSync(folder).filter((n) => n.endsWith('.json')).map((n) => {
    const path = join(folder, n);
    try {
      return { path, mtime: statSync(path).mtimeMs };
    } catch {
      return undefined;
    }
  }).filter((r) => r !== undefined);
  results.sort((a, b) => b.mtime - a.mtime);
  for (const { path } of results.slice(RESULTS_KEPT)) rmSync(path, { force: true });
}
