// The analysis core is a library: neither the CLI bundle nor the live analysis the extension
// builds on may pull in `vscode`, even transitively (through a package as well as through src/).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { build } from 'esbuild';

/** Each entry, and a module its bundle must reach (so that a broken entry does not pass empty). */
const ENTRIES = [
  { entry: 'src/cli/main.ts', reaches: 'src/core/analyze.ts' },
  { entry: 'src/core/live/liveAnalysis.ts', reaches: 'src/core/chainAnalysis.ts' },
];

for (const { entry, reaches } of ENTRIES) {
  test(`boundaries: the bundle of ${entry} has no vscode input`, async () => {
    const result = await build({
      entryPoints: [join(process.cwd(), entry)], bundle: true, write: false, metafile: true,
      platform: 'node', format: 'cjs', logLevel: 'silent',
      plugins: [{ name: 'flag-vscode', setup(b) { b.onResolve({ filter: /^vscode$/ }, () => ({ path: 'vscode', external: true })); } }],
    });
    const imports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
    assert.ok(!imports.includes('vscode'), `${entry} must not import vscode, directly or not`);
    assert.ok(Object.keys(result.metafile.inputs).some((p) => p.includes(reaches)), `${entry} should reach ${reaches}`);
  });
}
