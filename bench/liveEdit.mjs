// Edit latency of a live analysis (what the editor sees after a save): opens LiveAnalysis on a
// tree whose cache is warm, then edits one file in two ways and times LiveAnalysis.update():
//   - a comment appended (every call kept), several times, median reported;
//   - a call to the permission hook added to the file's first function, then taken out
//     again (calls change, definitions do not: patched in place), several times, median;
//   - a function added that makes new calls (patched in as well), then restored;
//   - an ops table added, a new function-pointer store (patched in too);
//   - a comment line added at the start of the first function body, then taken out again: every
//     function below moves by a line (what an edit near the top of a file does), median;
//   - the first `file_start_write(file);` commented out, then restored (the editor bench's save:
//     an acquisition goes, with its chains), median.
// The file is restored byte for byte, with its mtime, whatever happens.
//   node bench/liveEdit.mjs --tree DIR --cache DIR [--file fs/read_write.c] [--include a,b]
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, utimesSync, writeFileSync, appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    tree: { type: 'string' }, cache: { type: 'string' }, file: { type: 'string', default: 'fs/read_write.c' },
    include: { type: 'string' }, run: { type: 'string' }, repeat: { type: 'string', default: '9' },
  },
});
if (!opts.tree || !opts.cache) {
  console.error('usage: node bench/liveEdit.mjs --tree DIR --cache DIR [--file REL] [--include a,b]');
  process.exit(2);
}
const include = opts.include ? opts.include.split(',') : [];
/** package.json's default of lockpath.serverMemoryMb. */
const SERVER_MEMORY_MB = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).contributes.configuration.properties['lockpath.serverMemoryMb'].default;

if (opts.run) {
  // Child: the measurement itself, in its own process so that its peak RSS is its own.
  const { LiveAnalysis, FREEZE_RULE, locateWasm } = createRequire(import.meta.url)(opts.run);
  const abs = join(opts.tree, opts.file);
  const original = readFileSync(abs);
  const { atime, mtime } = statSync(abs);
  const restore = () => {
    writeFileSync(abs, original);
    utimesSync(abs, atime, mtime);
  };
  process.once('SIGINT', () => { restore(); process.exit(130); });
  const t0 = performance.now();
  const live = await LiveAnalysis.open({
    root: opts.tree, rules: [FREEZE_RULE], include, wasm: locateWasm(dirname(opts.run), root), cacheDir: opts.cache,
    jobs: 2, workerScript: join(root, 'dist/scanWorker.js'), maxFileBytes: 8 * 1024 * 1024,
    // Every architecture, as the scans of bench/run.mjs, so that the figures compare with theirs.
    arch: 'all',
  });
  const openSeconds = (performance.now() - t0) / 1000;
  // The open's own peak: the edits after it add garbage that V8 lets the heap grow over (up to
  // a few times the live heap, with a large old-space limit) before a full collection.
  const openRssMb = process.resourceUsage().maxRSS / 1024;
  const chains = live.result.chains.length;
  const local = [];
  const kinds = new Set();
  let opsTable;
  let addedFunction;
  let callEdits = [];
  let lineEdits = [];
  let acquireEdits = [];
  try {
    for (let i = 0; i < Number(opts.repeat); i++) {
      appendFileSync(abs, `\n/* lockpath bench edit ${i} */\n`);
      const u = live.update(opts.file);
      kinds.add(u.kind);
      local.push(u.durationMs);
      restore();
      live.update(opts.file);
    }
    // The first statement of the first function body: a call added there, then removed.
    const text = original.toString('utf8');
    const body = /\n\{\n(\t[^\n]*\n)/.exec(text);
    if (body === null) throw new Error(`${opts.file}: no function body starting with a tab-indented line`);
    const at = body.index + 3;
    const added = `${text.slice(0, at)}\tsecurity_file_permission(NULL, MAY_READ);\n${text.slice(at)}`;
    // Each edit made and undone `repeat` times.
    const pairs = (edited) => {
      const times = [];
      for (let i = 0; i < Number(opts.repeat); i++) {
        writeFileSync(abs, edited);
        const add = live.update(opts.file);
        restore();
        const remove = live.update(opts.file);
        times.push({ add: add.durationMs, remove: remove.durationMs, kinds: `${add.kind}/${remove.kind}`, reason: add.reason ?? remove.reason });
      }
      return times;
    };
    callEdits = pairs(added);
    lineEdits = pairs(`${text.slice(0, at)}\t/* lockpath bench: a line added */\n${text.slice(at)}`);
    const acquire = text.indexOf('\tfile_start_write(file);\n');
    if (acquire >= 0) acquireEdits = pairs(`${text.slice(0, acquire + 1)}// ${text.slice(acquire + 1)}`);
    writeFileSync(abs, `${original}\nlong lockpath_bench_added(struct file *f)\n{\n\treturn vfs_fsync(f, 0);\n}\n`);
    const f = live.update(opts.file);
    addedFunction = { kind: f.kind, reason: f.reason, ms: f.durationMs };
    restore();
    live.update(opts.file);
    writeFileSync(abs, `${original}\nstatic const struct file_operations lockpath_bench_fops = {\n\t.fsync = vfs_fsync,\n};\n`);
    const u = live.update(opts.file);
    opsTable = { kind: u.kind, reason: u.reason, ms: u.durationMs };
  } finally {
    restore();
  }
  const back = live.update(opts.file);
  const sorted = [...local].sort((a, b) => a - b);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(JSON.stringify({
    openSeconds, chains, chainsAfterRestore: live.result.chains.length, restoreKind: back.kind,
    localKinds: [...kinds], localMedianMs: sorted[Math.floor(sorted.length / 2)], localMinMs: sorted[0], localMaxMs: sorted.at(-1),
    callAddMedianMs: median(callEdits.map((c) => c.add)), callAddMaxMs: Math.max(...callEdits.map((c) => c.add)),
    callRemoveMedianMs: median(callEdits.map((c) => c.remove)), callRemoveMaxMs: Math.max(...callEdits.map((c) => c.remove)),
    callKinds: [...new Set(callEdits.map((c) => c.kinds))], callReason: callEdits.find((c) => c.reason)?.reason,
    addedFunction, opsTable, openRssMb, maxRssMb: process.resourceUsage().maxRSS / 1024,
    lineAddMedianMs: median(lineEdits.map((c) => c.add)), lineRemoveMedianMs: median(lineEdits.map((c) => c.remove)),
    ...(acquireEdits.length > 0 ? { acquireOffMedianMs: median(acquireEdits.map((c) => c.add)), acquireBackMedianMs: median(acquireEdits.map((c) => c.remove)) } : {}),
  }));
  live.dispose();
  process.exit(0);
}

const bundle = join(tmpdir(), `lockpath-bench-live-${process.pid}.cjs`);
await esbuild.build({
  stdin: {
    contents: [
      "export { LiveAnalysis } from './src/core/live/liveAnalysis';",
      "export { FREEZE_RULE } from './src/core/rules/ruleSpec';",
      "export { locateWasm } from './src/core/parse/wasmLocation';",
      "export { analysisHeapFlags } from './src/core/heapFlags';",
    ].join('\n'),
    resolveDir: root, loader: 'ts',
  },
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'warning',
  // web-tree-sitter is ESM and asks for import.meta.url; the CLI bundle defines it the same way.
  define: { 'import.meta.url': '__lockpath_import_meta_url' },
  banner: { js: "const __lockpath_import_meta_url = require('url').pathToFileURL(__filename).href;" },
});
try {
  // The heap flags of the editor's index server with its default limit (lockpath.serverMemoryMb):
  // it is the process that makes these updates.
  const { analysisHeapFlags } = createRequire(import.meta.url)(bundle);
  const argv = [...analysisHeapFlags(SERVER_MEMORY_MB), ...process.execArgv, fileURLToPath(import.meta.url), '--run', bundle, '--tree', opts.tree, '--cache', opts.cache, '--file', opts.file, '--repeat', opts.repeat,
    ...(opts.include ? ['--include', opts.include] : [])];
  const out = execFileSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
  const r = JSON.parse(out.trim().split('\n').pop());
  console.log(`live analysis of ${opts.tree}: opened in ${r.openSeconds.toFixed(1)} s (${r.chains} chains), peak RSS ${r.openRssMb.toFixed(0)} MiB (${r.maxRssMb.toFixed(0)} MiB over the edits below)`);
  console.log(`  edit keeping every call (${opts.file}, comment appended, ${opts.repeat}×, ${r.localKinds.join('/')}): median ${r.localMedianMs.toFixed(1)} ms (min ${r.localMinMs.toFixed(1)}, max ${r.localMaxMs.toFixed(1)})`);
  console.log(`  edit adding a hook call to the first function (${opts.repeat}×, ${r.callKinds.join(', ')}${r.callReason ? `: ${r.callReason}` : ''}): median ${r.callAddMedianMs.toFixed(1)} ms (max ${r.callAddMaxMs.toFixed(1)}); removing it again: median ${r.callRemoveMedianMs.toFixed(1)} ms (max ${r.callRemoveMaxMs.toFixed(1)})`);
  const how = (u) => `${u.kind}${u.reason ? `: ${u.reason}` : ''}`;
  console.log(`  edit adding a function with a new call (${how(r.addedFunction)}): ${r.addedFunction.ms.toFixed(1)} ms`);
  console.log(`  edit adding an ops table, a new function-pointer store (${how(r.opsTable)}): ${r.opsTable.ms.toFixed(1)} ms`);
  console.log(`  edit adding a comment line to the first function, moving the code below it (${opts.repeat}×): median ${r.lineAddMedianMs.toFixed(1)} ms; removing it again: median ${r.lineRemoveMedianMs.toFixed(1)} ms`);
  if (r.acquireOffMedianMs !== undefined) console.log(`  edit commenting out the first file_start_write(file) (${opts.repeat}×): median ${r.acquireOffMedianMs.toFixed(1)} ms; restoring it: median ${r.acquireBackMedianMs.toFixed(1)} ms`);
  console.log(`  after restoring the file: ${r.restoreKind}, ${r.chainsAfterRestore} chains`);
  console.log(`JSON ${JSON.stringify(r)}`);
} finally {
  rmSync(bundle, { force: true });
}
