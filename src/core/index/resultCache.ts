// Whole-scan results keyed by everything they depend on: the content hash of every file, the
// rules and the options. An unchanged tree is then answered from one file, like a build
// system's up-to-date check; any change anywhere recomputes from the per-file cached facts.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ScanResult } from '../model/chain';
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

export function resultKey(input: ResultKeyInput): string {
  const h = createHash('sha1');
  h.update(JSON.stringify([FACTS_VERSION, input.toolVersion, input.rules, input.include, input.pointers]));
  for (const [path, hash] of input.files) h.update(`\n${path}\u0000${hash}`);
  return h.digest('hex');
}

function resultPath(dir: string, key: string): string {
  return join(dir, `v${FACTS_VERSION}`, 'results', `${key}.json`);
}

export function readResult(dir: string, key: string): ScanResult | undefined {
  try {
    const doc = JSON.parse(readFileSync(resultPath(dir, key), 'utf8')) as ScanResult;
    return doc.tool === 'lockpath' && Array.isArray(doc.chains) && typeof doc.stats === 'object' ? doc : undefined;
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
  writeFileSync(tmp, JSON.stringify(result));
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
