// Runs the real core on a fixture tree in-process, as the CLI would but without workers.
import { join } from 'node:path';
import { scanTree, DEFAULT_MAX_FILE_BYTES, type Analysis, type AnalysisOptions } from '../../src/core/analyze';
import { FREEZE_RULE } from '../../src/core/rules/ruleSpec';
import { locateWasm } from '../../src/core/parse/wasmLocation';

export const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'c');

export function analyzeFixture(root: string, overrides: Partial<AnalysisOptions> = {}, signal?: AbortSignal): Promise<Analysis> {
  return scanTree({
    root,
    rules: [FREEZE_RULE],
    include: [],
    wasm: locateWasm(__dirname),
    cacheDir: undefined,
    jobs: 0,
    maxFileBytes: DEFAULT_MAX_FILE_BYTES,
    ...overrides,
  }, signal);
}
