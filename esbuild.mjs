// Build script: one base config, one context per entry. `--tests` also bundles every
// test/**/*.test.ts into out/test so that `node --test out/test` runs them with the same
// loaders and the same wasm files as the shipped CLI.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');

const wasmFiles = [
  join(root, 'node_modules/web-tree-sitter/tree-sitter.wasm'),
  join(root, 'node_modules/tree-sitter-c/tree-sitter-c.wasm'),
];

/** @type {esbuild.BuildOptions} */
const base = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

// The sources' hash names the build: cached scan results of another build are not reused,
// even when the version number did not move.
const buildId = (() => {
  const h = createHash('sha1');
  for (const f of listFiles(join(root, 'src')).sort()) h.update(relative(root, f)).update('\0').update(readFileSync(f));
  return h.digest('hex').slice(0, 12);
})();

// web-tree-sitter's ESM build calls createRequire(import.meta.url), which is empty in a
// CommonJS bundle: give it the bundle's own URL.
const nodeBase = {
  ...base, platform: 'node', format: 'cjs', target: 'node20',
  define: { 'import.meta.url': 'importMetaUrl', __LOCKPATH_BUILD__: JSON.stringify(buildId) },
  banner: { js: "var importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

function entries() {
  const list = [];
  const nodeEntry = (src, out, extra = {}) => {
    if (existsSync(join(root, src))) {
      list.push({ ...nodeBase, entryPoints: [join(root, src)], outfile: join(root, out), ...extra });
    }
  };
  nodeEntry('src/cli/main.ts', 'dist/cli.js', { banner: { js: `#!/usr/bin/env node\n${nodeBase.banner.js}` } });
  nodeEntry('src/core/index/scanWorker.ts', 'dist/scanWorker.js');
  // The index server runs in a child process of the extension host: the analysis never shares its heap or event loop.
  nodeEntry('src/server/main.ts', 'dist/indexServer.js');
  nodeEntry('src/extension/extension.ts', 'dist/extension.js', { external: ['vscode'] });
  if (existsSync(join(root, 'webview/main.ts'))) {
    list.push({ ...base, platform: 'browser', format: 'iife', target: 'es2022',
      entryPoints: [join(root, 'webview/main.ts')], outfile: join(root, 'dist/webview.js') });
    list.push({ ...base, entryPoints: [join(root, 'webview/styles.css')], outfile: join(root, 'dist/webview.css') });
  }
  if (args.has('--tests')) {
    const tests = listFiles(join(root, 'test')).filter((f) => f.endsWith('.test.ts'));
    rmSync(join(root, 'out/test'), { recursive: true, force: true });
    if (tests.length > 0) list.push({ ...nodeBase, external: ['vscode', 'playwright-core', 'esbuild'],
      entryPoints: tests, outdir: join(root, 'out/test'), outbase: join(root, 'test') });
  }
  if (args.has('--e2e')) {
    // The E2E suite drives a browser; it runs only from test/e2e/run.sh, never from `npm test`.
    const suites = listFiles(join(root, 'test/e2e')).filter((f) => f.endsWith('.e2e.ts'));
    rmSync(join(root, 'out/e2e'), { recursive: true, force: true });
    list.push({ ...nodeBase, external: ['playwright-core'], entryPoints: suites, outdir: join(root, 'out/e2e'), outbase: join(root, 'test/e2e'),
      outExtension: { '.js': '.test.js' } });
  }
  return list;
}

function listFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'fixtures' || name === 'node_modules') continue;
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

function copyWasm(dest) {
  mkdirSync(dest, { recursive: true });
  for (const f of wasmFiles) {
    if (!existsSync(f)) throw new Error(`missing ${relative(root, f)}: run npm install`);
    copyFileSync(f, join(dest, f.split('/').pop()));
  }
}

copyWasm(join(root, 'dist'));
if (args.has('--tests')) copyWasm(join(root, 'out/test'));
const contexts = await Promise.all(entries().map((e) => esbuild.context(e)));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
