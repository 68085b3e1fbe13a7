// Where the two wasm files are: next to the running bundle (dist/ or out/test/), else in
// node_modules of the working directory (tests and scripts run from the repository root).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { WasmPaths } from './treeSitter';

export function locateWasm(bundleDir: string, cwd: string = process.cwd()): WasmPaths {
  const candidates: WasmPaths[] = [
    { runtime: join(bundleDir, 'tree-sitter.wasm'), language: join(bundleDir, 'tree-sitter-c.wasm') },
    {
      runtime: join(cwd, 'node_modules/web-tree-sitter/tree-sitter.wasm'),
      language: join(cwd, 'node_modules/tree-sitter-c/tree-sitter-c.wasm'),
    },
  ];
  for (const c of candidates) if (existsSync(c.runtime) && existsSync(c.language)) return c;
  throw new Error(`tree-sitter wasm files not found next to ${bundleDir} nor in ${cwd}/node_modules`);
}
