// The analysis core is a library: the CLI bundle must not pull in `vscode`, even transitively.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { build } from 'esbuild';

test('boundaries: the CLI bundle has no vscode input', async () => {
  const result = await build({
    entryPoints: [join(process.cwd(), 'src/cli/main.ts')], bundle: true, write: false, metafile: true,
    platform: 'node', format: 'cjs', loader: { '.scm': 'text' }, logLevel: 'silent',
    plugins: [{ name: 'flag-vscode', setup(b) { b.onResolve({ filter: /^vscode$/ }, () => ({ path: 'vscode', external: true })); } }],
  });
  const imports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
  assert.ok(!imports.includes('vscode'), 'src/cli and src/core must not import vscode');
  assert.ok(Object.keys(result.metafile.inputs).some((p) => p.includes('src/core/analyze.ts')));
});
