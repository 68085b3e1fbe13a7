// A throw-away copy of a fixture tree (tests that edit files must not touch the fixtures), and
// the options the core runs on it with: in-process, no cache, the built-in rule.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MAX_FILE_BYTES, type AnalysisOptions } from '../../src/core/analyze';
import { FREEZE_RULE } from '../../src/core/rules/ruleSpec';
import { locateWasm } from '../../src/core/parse/wasmLocation';
import { FIXTURES } from './analyzeFixture';

/** Copies test/fixtures/c/<name> to a temporary folder, removed when the test ends. */
export function copyFixture(t: { after(fn: () => void): void }, name = 'kernel-like'): string {
  const root = mkdtempSync(join(tmpdir(), `lockpath-${name}-`));
  cpSync(join(FIXTURES, name), root, { recursive: true });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

export function fixtureOptions(root: string): AnalysisOptions {
  return { root, rules: [FREEZE_RULE], include: [], wasm: locateWasm(__dirname), cacheDir: undefined, jobs: 0, maxFileBytes: DEFAULT_MAX_FILE_BYTES };
}
