// Bench: Lockpath's scan of a real kernel tree, side by side with ctags and cscope on the same
// tree, in one run on one machine (so the ratios mean something even when absolute numbers vary).
//
//   npm run bench -- [--tree DIR | --version 6.1|6.12] [--subdirs fs,include,...] [--jobs N]
//                    [--skip-ctags] [--skip-diff] [--keep]
//
//   --tree DIR      an unpacked tree; default: linux-source-<--version> (default 6.12) from the
//                   tests' provisioning helper (LOCKPATH_KERNEL_DIR, unpacked from /usr/src once)
//   --subdirs a,b   scan only these subdirs (lockpath --include, ctags args, cscope file list)
//   --jobs N        passed to `lockpath scan --jobs`
//   --skip-ctags    skip both baselines (ctags and cscope)
//   --skip-diff     skip bench/diffRevisions.mjs (diff of two git revisions a few files apart,
//                   on --subdirs or fs,include,mm,security,kernel copied into a scratch repository)
//   --keep          keep the temp dir (outputs, tags, cscope.out) and print its path
//   --editor        only the editor bench (bench/editor.mjs): the packaged extension in
//                   code-server on a whole tree (--tree, default linux-source-6.12)
//
// Each command runs under GNU time (`/usr/bin/time -f '%e %M'`, Debian package `time`) for wall
// seconds and the child's peak RSS. Note that peak RSS is that of the largest single process,
// not a sum: worker threads count (same process), worker processes would not.
// Prints a Markdown table and writes bench/results/latest.md and latest.json (gitignored).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync,
  appendFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const GNU_TIME = '/usr/bin/time';

/** A failure with a message meant for the user (no stack trace); the temp dir is still removed. */
class BenchError extends Error {}

const { values: opts } = parseArgs({
  options: {
    tree: { type: 'string' },
    version: { type: 'string', default: '6.12' },
    subdirs: { type: 'string' },
    jobs: { type: 'string' },
    'skip-ctags': { type: 'boolean', default: false },
    'skip-diff': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    editor: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  console.log('usage: node bench/run.mjs [--tree DIR | --version 6.1|6.12] [--subdirs a,b] [--jobs N] [--skip-ctags] [--skip-diff] [--keep] [--editor]');
  process.exit(0);
}
if (opts.version !== '6.1' && opts.version !== '6.12') usage(`--version must be 6.1 or 6.12, not ${opts.version}`);
if (opts.jobs !== undefined && !/^[1-9][0-9]*$/.test(opts.jobs)) usage(`--jobs wants a positive integer, not ${opts.jobs}`);
if (!existsSync(GNU_TIME)) usage(`${GNU_TIME} not found: apt-get install -y time`);
const subdirs = opts.subdirs ? opts.subdirs.split(',').map((s) => s.trim()).filter(Boolean) : undefined;

const tmp = mkdtempSync(join(tmpdir(), 'lockpath-bench-'));
let exitCode = 0;
try {
  await main();
} catch (err) {
  log(err instanceof BenchError ? err.message : err.stack);
  exitCode = 1;
} finally {
  if (opts.keep) log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
process.exit(exitCode);

async function main() {
  // The editor bench (bench/editor.mjs) on its own: a whole tree in code-server, nothing else.
  if (opts.editor) {
    const r = await capture('node', [join(root, 'bench/editor.mjs'), ...(opts.tree ? ['--tree', resolve(opts.tree)] : [])], root);
    process.stdout.write(r.out);
    process.stderr.write(r.err);
    if (r.exit !== 0) exitCode = 1;
    return;
  }
  const tree = await resolveTree();
  const scope = subdirs ?? ['.'];
  for (const s of scope) if (!existsSync(join(tree, s))) fail(`${join(tree, s)} does not exist`);
  log(`tree ${tree}${subdirs ? ` (subdirs ${subdirs.join(' ')})` : ''}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const stats = treeStats(tree, scope);
  log(`${stats.cFiles} .c + ${stats.hFiles} .h files, ${mib(stats.cBytes + stats.hBytes)} MiB`);
  const warmed = warmPageCache(tree, scope);
  log(`page cache warmed: ${warmed.files} files, ${mib(warmed.bytes)} MiB read once before the timed runs`);

  const runs = [];
  const lockpath = await benchLockpath(tree, stats, runs);
  const live = lockpath.status === 'ok' ? await benchLiveEdit(tree) : undefined;
  if (!opts['skip-ctags']) await benchIndexers(tree, runs);
  const trace = await benchTraceThroughput();
  const diff = opts['skip-diff'] ? undefined : await benchDiffRevisions(tree);

  const result = {
    date: new Date().toISOString(),
    host: { cpus: cpus().length, node: process.version, loadavgAtEnd: loadavg() },
    tree: { path: tree, version: opts.tree ? undefined : opts.version, subdirs: subdirs ?? null, ...stats, pageCacheWarmed: warmed },
    lockpath,
    runs,
    ratios: ratios(runs),
    liveEdit: live,
    traceThroughput: trace,
    diffRevisions: diff,
  };
  const md = markdown(result);
  process.stdout.write(md);
  const outDir = join(root, 'bench/results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.md'), md);
  writeFileSync(join(outDir, 'latest.json'), JSON.stringify(result, null, 2) + '\n');
  log(`wrote ${relative(process.cwd(), join(outDir, 'latest.md'))} and latest.json`);
}

// ---- the tree ------------------------------------------------------------------------------

/** --tree as given; else the tests' provisioning helper (same cache dir, marker and locking). */
async function resolveTree() {
  if (opts.tree) {
    const tree = resolve(opts.tree);
    if (!existsSync(tree)) fail(`--tree ${tree} does not exist`);
    return tree;
  }
  // The helper is TypeScript: bundle it on the fly with the esbuild we already depend on,
  // so bench and tests share one implementation rather than two copies of the same rules.
  const esbuild = await import('esbuild');
  const out = join(tmp, 'kernelTrees.cjs');
  await esbuild.build({ entryPoints: [join(root, 'test/support/kernelTrees.ts')], bundle: true,
    platform: 'node', format: 'cjs', target: 'node20', outfile: out, logLevel: 'warning' });
  const { ensureKernelTree, kernelSkipMessage } = createRequire(import.meta.url)(out);
  log(`provisioning linux-source-${opts.version} (unpacks once into LOCKPATH_KERNEL_DIR if needed)`);
  const tree = await ensureKernelTree(opts.version, subdirs);
  if (tree === undefined) fail(kernelSkipMessage(opts.version));
  return tree;
}

/**
 * Reads every regular file of the scanned part once. The first tool to run would otherwise pay
 * the disk for all the others (Lockpath's cold scan runs first, ctags and cscope after it): every
 * timed run starts with the tree in the page cache, as on a developer's machine that just built it.
 */
function warmPageCache(tree, scope) {
  const w = { files: 0, bytes: 0 };
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        w.files++;
        w.bytes += readFileSync(p).length;
      }
    }
  };
  for (const sub of scope) walk(join(tree, sub));
  return w;
}

/** Counts .c and .h files and bytes under the scanned part of the tree (symlinks not followed). */
function treeStats(tree, scope) {
  const s = { cFiles: 0, cBytes: 0, hFiles: 0, hBytes: 0 };
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && (e.name.endsWith('.c') || e.name.endsWith('.h'))) {
        const k = e.name.endsWith('.c') ? 'c' : 'h';
        s[`${k}Files`]++;
        s[`${k}Bytes`] += statSync(p).size;
      }
    }
  };
  for (const sub of scope) walk(join(tree, sub));
  return s;
}

// ---- Lockpath ------------------------------------------------------------------------------

async function benchLockpath(tree, stats, runs) {
  const cli = join(root, 'dist/cli.js');
  if (!existsSync(cli)) {
    log('lockpath CLI not built: dist/cli.js is missing (src/cli/main.ts absent, or run `node esbuild.mjs`)');
    return { status: 'lockpath CLI not built (dist/cli.js missing)' };
  }
  const cache = join(tmp, 'cache');
  const scan = (name) => ['node', cli, 'scan', tree, '--format', 'json', '--out', join(tmp, `${name}.json`),
    '--cache', cache, ...(opts.jobs ? ['--jobs', opts.jobs] : []),
    // Every architecture, as ctags -R and cscope -bR read them: the same files on both sides.
    '--arch', 'all',
    // Absolute paths, so it does not matter whether the CLI resolves --include against cwd or the tree.
    ...(subdirs ?? []).flatMap((s) => ['--include', join(tree, s)])];

  rmSync(cache, { recursive: true, force: true });
  runs.push(await measure('lockpath cold', scan('cold'), tmp, join(tmp, 'cold.json')));
  runs.push(await measure('lockpath warm', scan('warm'), tmp, join(tmp, 'warm.json')));

  const touched = pickTouchFile(tree);
  const touchRun = await withTouchedFile(touched, () =>
    measure(`lockpath after editing ${relative(tree, touched)}`, scan('touched'), tmp, join(tmp, 'touched.json')));
  runs.push(touchRun);

  const failed = runs.filter((r) => r.label.startsWith('lockpath') && r.exit !== 0);
  if (failed.length > 0) exitCode = 1;
  // Everything but the run's own stats (duration, how many files came from the cache).
  const withoutStats = (f) => JSON.stringify({ ...JSON.parse(readFileSync(f, 'utf8')), stats: undefined });
  const same = (a, b) => existsSync(a) && existsSync(b) && withoutStats(a) === withoutStats(b);
  return {
    status: failed.length > 0 ? `failed: ${failed.map((r) => r.label).join(', ')}` : 'ok',
    warmOutputSameAsCold: same(join(tmp, 'cold.json'), join(tmp, 'warm.json')),
    treeFiles: stats.cFiles + stats.hFiles,
  };
}

/** fs/read_write.c when it is in scope (a file on the freeze-protection paths), else the first .c. */
function pickTouchFile(tree) {
  const preferred = join(tree, 'fs/read_write.c');
  const inScope = !subdirs || subdirs.some((s) => preferred.startsWith(join(tree, s) + '/'));
  if (inScope && existsSync(preferred)) return preferred;
  const find = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isFile() && e.name.endsWith('.c')) return p;
      if (e.isDirectory()) { const f = find(p); if (f) return f; }
    }
    return undefined;
  };
  for (const s of subdirs ?? ['.']) { const f = find(join(tree, s)); if (f) return f; }
  fail('no .c file in scope to edit for the re-scan');
}

/**
 * Appends a harmless newline to `file` for the duration of `fn`, then puts back the original
 * bytes and mtime (also on Ctrl-C), so the bench never leaves the kernel tree modified.
 */
async function withTouchedFile(file, fn) {
  const original = readFileSync(file);
  const { atime, mtime } = statSync(file);
  const restore = () => {
    writeFileSync(file, original);
    utimesSync(file, atime, mtime);
  };
  const onSignal = (sig) => {
    restore();
    log(`restored ${file} after ${sig}`);
    rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    appendFileSync(file, '\n');
    return await fn();
  } finally {
    restore();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!readFileSync(file).equals(original)) throw new Error(`could not restore ${file}`);
  }
}

// ---- ctags and cscope ----------------------------------------------------------------------

async function benchIndexers(tree, runs) {
  const ctagsVersion = await capture('ctags', ['--version']);
  if (!/Universal Ctags/.test(ctagsVersion.out)) {
    log('universal-ctags not found (apt-get install -y universal-ctags): ctags skipped');
  } else {
    const tags = join(tmp, 'tags');
    runs.push(await measure('ctags -R', ['ctags', '-R', '-f', tags, ...(subdirs ?? [])], tree, tags));
    rmSync(tags, { force: true }); // ~1.3 GB for a whole tree
  }
  if ((await capture('cscope', ['-V'])).exit !== 0) {
    log('cscope not found (apt-get install -y cscope): cscope skipped');
    return;
  }
  // -k (kernel mode: do not index /usr/include), as the kernel's own `make cscope` does.
  // With subdirs, cscope gets a file list, since its -R always starts from the current dir.
  const out = join(tmp, 'cscope.out');
  let args = ['cscope', '-bkR', '-f', out];
  if (subdirs) {
    const list = join(tmp, 'cscope.files');
    writeFileSync(list, listSources(tree, subdirs).join('\n') + '\n');
    args = ['cscope', '-bk', '-i', list, '-f', out];
  }
  runs.push(await measure(args.slice(0, 2).join(' '), args, tree, out));
  rmSync(out, { force: true });
}

/** Paths (relative to the tree) that cscope -R would pick up: C, headers, assembly, lex, yacc. */
function listSources(tree, dirs) {
  const out = [];
  const walk = (rel) => {
    for (const e of readdirSync(join(tree, rel), { withFileTypes: true })) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.[chSsly]$/.test(e.name)) out.push(p);
    }
  };
  for (const d of dirs) walk(d);
  return out;
}

// ---- live analysis: edit latency in a long-lived process (the editor's case) ----------------

async function benchLiveEdit(tree) {
  const touched = relative(tree, pickTouchFile(tree));
  log(`running bench/liveEdit.mjs on ${touched} (cache from the runs above)`);
  const started = Date.now();
  const r = await capture('node', [join(root, 'bench/liveEdit.mjs'), '--tree', tree, '--cache', join(tmp, 'cache'), '--file', touched,
    ...(subdirs ? ['--include', subdirs.join(',')] : [])], root);
  if (r.exit !== 0) exitCode = 1;
  const json = r.out.split('\n').find((l) => l.startsWith('JSON '));
  return { exit: r.exit, wall_s: (Date.now() - started) / 1000, output: r.out + r.err, result: json ? JSON.parse(json.slice(5)) : null };
}

// ---- trace throughput (written by another engineer; optional) -------------------------------

async function benchTraceThroughput() {
  const script = join(root, 'bench/traceThroughput.mjs');
  if (!existsSync(script)) return undefined;
  log('running bench/traceThroughput.mjs');
  const started = Date.now();
  const r = await capture('node', [script], root);
  if (r.exit !== 0) exitCode = 1;
  return { exit: r.exit, wall_s: (Date.now() - started) / 1000, output: r.out + r.err };
}

// ---- diff of nearby git revisions, as a ratio to a warm scan ----------------------------------

async function benchDiffRevisions(tree) {
  log('running bench/diffRevisions.mjs (a subset of the tree in a scratch git repository)');
  const started = Date.now();
  const r = await capture('node', [join(root, 'bench/diffRevisions.mjs'), '--tree', tree, ...(subdirs ? ['--subdirs', subdirs.join(',')] : [])], root);
  if (r.exit !== 0) exitCode = 1;
  const json = r.out.split('\n').find((l) => l.startsWith('JSON '));
  return { exit: r.exit, wall_s: (Date.now() - started) / 1000, output: r.out + r.err, result: json ? JSON.parse(json.slice(5)) : null };
}

// ---- running and measuring -----------------------------------------------------------------

/** Runs argv under GNU time in `cwd`; returns wall seconds, peak RSS and the output file size. */
async function measure(label, argv, cwd, outputFile) {
  log(`${label}: ${argv.join(' ')}`);
  const timeFile = join(tmp, 'time.txt');
  rmSync(timeFile, { force: true });
  const r = await capture(GNU_TIME, ['-f', '%e %M', '-o', timeFile, ...argv], cwd);
  // GNU time writes "Command exited with non-zero status N" before the format line on failure.
  const lines = existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n') : [];
  const [wall, rss] = (lines.at(-1) ?? '').split(' ').map(Number);
  const stderrLines = r.err.trim().split('\n').filter(Boolean);
  const run = {
    label, command: argv.join(' '), cwd, exit: r.exit,
    wall_s: Number.isFinite(wall) ? wall : null,
    maxrss_kib: Number.isFinite(rss) ? rss : null,
    output_bytes: outputFile && existsSync(outputFile) ? statSync(outputFile).size : null,
    // The CLI's summary line is the last stderr line; keep a few for failures.
    stderr_tail: stderrLines.slice(-5),
  };
  log(`  -> ${run.wall_s} s, ${run.maxrss_kib === null ? '?' : mib(run.maxrss_kib * 1024)} MiB, exit ${run.exit}`);
  if (r.exit !== 0) for (const l of run.stderr_tail) log(`     ${l}`);
  return run;
}

/** Runs a command and collects its output; a missing program gives exit 127, not a throw. */
function capture(cmd, args, cwd = root) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    // Keep only the tail: a chatty child must not grow the bench's memory.
    child.stdout.on('data', (d) => { out = (out + d).slice(-256 * 1024); });
    child.stderr.on('data', (d) => { err = (err + d).slice(-256 * 1024); });
    child.on('error', (e) => done({ exit: 127, out, err: err + String(e) }));
    child.on('close', (code, signal) => done({ exit: code ?? (signal ? 128 : 1), out, err }));
  });
}

// ---- reporting -----------------------------------------------------------------------------

function ratios(runs) {
  const base = (prefix) => runs.find((r) => r.label.startsWith(prefix) && r.exit === 0);
  const ctags = base('ctags');
  const cscope = base('cscope');
  const div = (a, b) => (a != null && b ? Math.round((a / b) * 100) / 100 : null);
  return runs.filter((r) => r.label.startsWith('lockpath') && r.exit === 0).map((r) => ({
    label: r.label,
    wall_vs_ctags: div(r.wall_s, ctags?.wall_s), wall_vs_cscope: div(r.wall_s, cscope?.wall_s),
    rss_vs_ctags: div(r.maxrss_kib, ctags?.maxrss_kib), rss_vs_cscope: div(r.maxrss_kib, cscope?.maxrss_kib),
  }));
}

function markdown(res) {
  const t = res.tree;
  const what = t.subdirs ? `subdirs ${t.subdirs.join(' ')}` : 'whole tree';
  const lines = [
    `### Bench: ${t.version ? `linux-source-${t.version}` : t.path}, ${what}`,
    '',
    `${t.cFiles} .c + ${t.hFiles} .h files (${mib(t.cBytes + t.hBytes)} MiB); ${res.host.cpus} cores, node ${res.host.node}; ${res.date}`,
    '',
    `Every file of the scanned part (${t.pageCacheWarmed.files}, ${mib(t.pageCacheWarmed.bytes)} MiB) was read once before the first timed run, so that each tool finds the tree in the page cache.`,
    '',
    '| run | wall s | peak RSS MiB | output MiB | wall ÷ ctags | wall ÷ cscope | RSS ÷ ctags | RSS ÷ cscope |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const fmt = (x) => (x == null ? '—' : String(x));
  for (const r of res.runs) {
    const q = res.ratios.find((x) => x.label === r.label);
    const cells = r.exit === 0
      ? [fmt(r.wall_s), r.maxrss_kib == null ? '—' : mib(r.maxrss_kib * 1024), r.output_bytes == null ? '—' : mib(r.output_bytes)]
      : [`failed (exit ${r.exit})`, '—', '—'];
    lines.push(`| ${r.label} | ${cells.join(' | ')} | ${fmt(q?.wall_vs_ctags)} | ${fmt(q?.wall_vs_cscope)} | ${fmt(q?.rss_vs_ctags)} | ${fmt(q?.rss_vs_cscope)} |`);
  }
  if (!res.runs.some((r) => r.label.startsWith('lockpath'))) {
    lines.push(`| lockpath | ${res.lockpath.status} | — | — | — | — | — | — |`);
  }
  if (res.lockpath.status !== 'ok') lines.push('', `Lockpath: ${res.lockpath.status}.`);
  else lines.push('', `Warm report identical to cold (stats aside): ${res.lockpath.warmOutputSameAsCold ? 'yes' : 'no'}.`);
  const summaries = res.runs.filter((r) => r.label.startsWith('lockpath') && r.stderr_tail.length > 0);
  if (summaries.length > 0) {
    lines.push('', 'Lockpath summary lines (stderr):', '');
    for (const r of summaries) lines.push(`- ${r.label}: \`${r.stderr_tail.at(-1)}\``);
  }
  if (res.runs.length > 0) lines.push('', 'Commands (wall time and peak RSS of the child from `/usr/bin/time -f "%e %M"`):', '');
  for (const r of res.runs) lines.push(`- ${r.label}: \`${r.command.replaceAll(t.path, '<tree>').replaceAll(tmp, '<tmp>').replaceAll(root + '/', '')}\``);
  if (res.liveEdit) {
    lines.push('', `#### bench/liveEdit.mjs (exit ${res.liveEdit.exit}, ${res.liveEdit.wall_s} s)`, '',
      '```', res.liveEdit.output.split('\n').filter((l) => !l.startsWith('JSON ')).join('\n').trimEnd(), '```');
  }
  if (res.diffRevisions) {
    lines.push('', `#### bench/diffRevisions.mjs (exit ${res.diffRevisions.exit}, ${res.diffRevisions.wall_s} s)`, '',
      '```', res.diffRevisions.output.split('\n').filter((l) => !l.startsWith('JSON ')).join('\n').trimEnd(), '```');
  }
  if (res.traceThroughput) {
    lines.push('', `#### bench/traceThroughput.mjs (exit ${res.traceThroughput.exit}, ${res.traceThroughput.wall_s} s)`, '',
      '```', res.traceThroughput.output.trimEnd(), '```');
  }
  return lines.join('\n') + '\n';
}

function mib(bytes) {
  return (bytes / 1048576).toFixed(1);
}

function log(msg) {
  process.stderr.write(`bench: ${msg}\n`);
}

/** Stops before the temp dir exists (bad arguments). */
function usage(msg) {
  log(msg);
  process.exit(2);
}

function fail(msg) {
  throw new BenchError(msg);
}
