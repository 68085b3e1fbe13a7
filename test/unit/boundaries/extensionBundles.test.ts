// The index server runs the core without `vscode`; the webview sees nothing of src/ but the
// panel protocol. A transitive import through a helper would break either silently.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { build } from 'esbuild';

async function inputs(entry: string, platform: 'node' | 'browser'): Promise<{ files: string[]; imports: string[] }> {
  const result = await build({
    entryPoints: [join(process.cwd(), entry)], bundle: true, write: false, metafile: true, platform, format: 'cjs', loader: { '.scm': 'text' }, logLevel: 'silent',
    plugins: [{ name: 'flag-vscode', setup(b) { b.onResolve({ filter: /^vscode$/ }, () => ({ path: 'vscode', external: true })); } }],
  });
  const files = Object.keys(result.metafile.inputs);
  return { files, imports: Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path)) };
}

test('boundaries: the index server bundle has no vscode input', async () => {
  const { files, imports } = await inputs('src/server/main.ts', 'node');
  assert.ok(!imports.includes('vscode'));
  assert.ok(files.some((f) => f.includes('src/core/live/liveAnalysis.ts')));
});

test('boundaries: the webview bundle takes from src/ only the chain panel protocol', async () => {
  const { files, imports } = await inputs('webview/main.ts', 'browser');
  assert.ok(!imports.includes('vscode'));
  assert.deepEqual(files.filter((f) => f.startsWith('src/')), ['src/protocol/chainPanelProtocol.ts']);
});
