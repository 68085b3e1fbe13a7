// Bench: `lockpath diff --git` of two revisions a few files apart, as a ratio to a warm scan of
// the same tree. `npm run bench` runs it on a subset of its tree; it also runs alone. It copies
// the subset into a scratch git repository (never into this one), commits it, and times:
//
//   scan, cold                        fills the tree's cache, and its results with A's
//   scan after the edit (B)           the developer's own scan once a few files are edited
//   then --runs times, one after the other (medians reported: the machine is shared and noisy):
//   scan, warm                        unchanged tree: the result cache (the baseline)
//   diff --git A --git B, first run   no checkout yet (its directory removed before each run);
//                                     both revisions are ones the tree was scanned at, so both
//                                     sides replay the tree's results, found from their listings
//   diff --git A --git B, again       the results remembered by the first run
//   and once:
//   diff --git B --git C, C unseen    one more commit no one scanned: its side is analysed (the
//                                     tree's shards serve every unchanged file): a scan after an edit
//
// Each run's wall time and CPU time (user + system, with the child processes: git and the CLI's
// bigger-heap child) are taken under GNU time.
//
//   node esbuild.mjs && node bench/diffRevisions.mjs [--tree DIR | --version 6.1|6.12]
//        [--subdirs fs,include,mm,security,kernel] [--runs 5] [--keep]
//
// With --pair OLD,NEW (two trees, e.g. the unpacked 6.1 and 6.12) it times instead a cold scan
// of each and a cold `lockpath diff OLD NEW` (each with an empty cache of its own): the aim is
// a diff of two cold trees that costs no more than the two cold scans. --subdirs all: whole trees.
//
// The last stdout line is `JSON {...}` (runs and ratios) for bench/run.mjs.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, 'dist', 'cli.js');
const GNU_TIME = '/usr/bin/time';
const { values: opts } = parseArgs({
  options: {
    tree: { type: 'string' },
    version: { type: 'string', default: '6.12' },
    subdirs: { type: 'string', default: 'fs,include,mm,security,kernel' },
    keep: { type: 'boolean', default: false },
    runs: { type: 'string', default: '5' },
    pair: { type: 'string' },
  },
});
const subdirs = opts.subdirs === 'all' ? [] : opts.subdirs.split(',').map((s) => s.trim()).filter(Boolean);
if (!existsSync(cli)) throw new Error(`${cli} missing: run node esbuild.mjs first`);
if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} not found: apt-get install -y time`);

const tmp = mkdtempSync(join(tmpdir(), 'lockpath-diffbench-'));
const env = { ...process.env, XDG_CACHE_HOME: join(tmp, 'xdg') };
if (opts.pair !== undefined) {
  try {
    benchPair(opts.pair.split(',').map((t) => resolve(t)));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(0);
}
try {
  const tree = await resolveTree();
  console.log(`tree ${tree} (${subdirs.length === 0 ? 'whole' : subdirs.join(' ')}); load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const repo = join(tmp, 'repo');
  mkdirSync(repo);
  // Symlinks as they are (relative, as in a kernel repository), not made absolute into `tree`.
  const copy = (from, to) => cpSync(from, to, { recursive: true, verbatimSymlinks: true });
  if (subdirs.length === 0) copy(tree, repo);
  else for (const s of subdirs) copy(join(tree, s), join(repo, s));
  const git = (...args) => execFileSync('git', ['-C', repo, '-c', 'user.name=bench', '-c', 'user.email=bench@lockpath', '-c', 'gc.auto=0', ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  git('init', '-q');
  // -f: Debian's linux-source tree ignores everything (`/*` in its .gitignore).
  git('add', '-A', '-f');
  git('commit', '-q', '-m', 'A');
  const runs = [];
  const include = subdirs.flatMap((s) => ['--include', s]);
  const scan = (label) => runs.push(measure(label, ['scan', repo, '--format', 'json', '--out', join(tmp, 'scan.json'), '--quiet', ...include]));
  const diff = (label, a, b) => runs.push(measure(label, ['diff', '--git', a, '--git', b, '--tree', repo, '--format', 'json', '--out', join(tmp, 'diff.json'), '--quiet', ...include]));
  scan('scan, cold');
  // B: a few files edited the way a patch does (a new helper reaching the hook).
  const edits = ['fs/read_write.c', 'fs/splice.c', 'fs/namei.c'].filter((f) => existsSync(join(repo, f)));
  for (const f of edits) appendFileSync(join(repo, f), '\nstatic int __maybe_unused lockpath_bench_helper(struct file *f)\n{\n\treturn rw_verify_area(READ, f, NULL, 1);\n}\n');
  git('commit', '-q', '-a', '-m', 'B');
  scan('scan after the edit (B)');
  const checkouts = join(env.XDG_CACHE_HOME, 'lockpath', 'checkouts');
  for (let i = 0; i < Number(opts.runs); i++) {
    scan('scan, warm');
    rmSync(checkouts, { recursive: true, force: true });
    diff('diff --git A --git B, first run', 'HEAD~1', 'HEAD');
    diff('diff --git A --git B, again', 'HEAD~1', 'HEAD');
  }
  appendFileSync(join(repo, edits[0]), '\n/* C */\n');
  git('commit', '-q', '-a', '-m', 'C');
  diff('diff --git B --git C, C never scanned', 'HEAD~1', 'HEAD');
  const rows = medians(runs);
  const row = (label) => rows.find((r) => r.label === label);
  const warm = row('scan, warm');
  const edited = row('scan after the edit (B)');
  for (const r of rows) Object.assign(r, { vs_warm: round(r.wall_s / warm.wall_s), cpu_vs_warm: round(r.cpu_s / warm.cpu_s), vs_edited_scan: round(r.wall_s / edited.wall_s) });
  console.log(`\n${edits.length} files edited in B (${edits.join(', ')}), 1 in C; medians of the runs\n`);
  console.log('| run | runs | wall s | CPU s | peak RSS MiB | ÷ warm scan (wall) | ÷ warm scan (CPU) | ÷ scan after edit |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.label} | ${r.n} | ${r.wall_s} | ${r.cpu_s} | ${Math.round(r.rss_kib / 1024)} | ${r.vs_warm.toFixed(2)} | ${r.cpu_vs_warm.toFixed(2)} | ${r.vs_edited_scan.toFixed(2)} |`);
  const d = JSON.parse(readFileSync(join(tmp, 'diff.json'), 'utf8'));
  console.log(`\nlast diff: ${JSON.stringify(d.counts)}`);
  const ratio = (label) => ({ wall: row(label).vs_warm, cpu: row(label).cpu_vs_warm });
  const nearby = { firstRun: ratio('diff --git A --git B, first run'), again: ratio('diff --git A --git B, again'), unseen: ratio('diff --git B --git C, C never scanned') };
  const said = (k) => `${nearby[k].wall} (CPU ${nearby[k].cpu})`;
  console.log(`diff of nearby revisions ÷ warm scan, wall (aim: at most 1.5): first run ${said('firstRun')}, again ${said('again')}, a revision never scanned ${said('unseen')}`);
  console.log(`JSON ${JSON.stringify({ subdirs, edited: edits, runs: rows, nearbyDiffVsWarm: nearby })}`);
} finally {
  if (opts.keep) console.log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}

function round(x) {
  return Math.round(x * 100) / 100;
}

/** One row per label: the median wall and CPU time of its runs, the highest peak RSS. */
function medians(runs) {
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 === 1 ? s[s.length >> 1] : round((s[s.length / 2 - 1] + s[s.length / 2]) / 2);
  };
  return [...new Set(runs.map((r) => r.label))].map((label) => {
    const of = runs.filter((r) => r.label === label);
    return { label, n: of.length, wall_s: median(of.map((r) => r.wall_s)), cpu_s: median(of.map((r) => r.cpu_s)), rss_kib: Math.max(...of.map((r) => r.rss_kib)), walls: of.map((r) => r.wall_s) };
  });
}

function measure(label, args, runEnv = env) {
  const timeFile = join(tmp, 'time.txt');
  const r = spawnSync(GNU_TIME, ['-f', '%e %M %U %S', '-o', timeFile, process.execPath, cli, ...args], { env: runEnv, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${label} failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  const [wall, rss, user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  const cpu = round(user + sys);
  console.log(`${label}: ${wall} s (CPU ${cpu} s), ${Math.round(rss / 1024)} MiB`);
  return { label, wall_s: wall, cpu_s: cpu, rss_kib: rss };
}

async function resolveTree() {
  if (opts.tree) return resolve(opts.tree);
  const esbuild = await import('esbuild');
  const out = join(tmp, 'kernelTrees.cjs');
  await esbuild.build({ entryPoints: [join(root, 'test/support/kernelTrees.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, logLevel: 'warning' });
  const { ensureKernelTree, kernelSkipMessage } = createRequire(import.meta.url)(out);
  const tree = await ensureKernelTree(opts.version, subdirs);
  if (tree === undefined) throw new Error(kernelSkipMessage(opts.version));
  return tree;
}

/** Two trees, each scanned cold, then diffed cold: the diff's wall time against the two scans'. */
function benchPair([oldTree, newTree]) {
  if (oldTree === undefined || newTree === undefined) throw new Error('--pair takes OLD,NEW');
  console.log(`pair ${oldTree} -> ${newTree} (${subdirs.length === 0 ? 'whole trees' : subdirs.join(' ')}); load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const include = subdirs.flatMap((s) => ['--include', s]);
  const cold = (name) => {
    const dir = join(tmp, name);
    rmSync(dir, { recursive: true, force: true });
    return { ...process.env, XDG_CACHE_HOME: dir };
  };
  const runs = [
    measure('scan OLD, cold', ['scan', oldTree, '--format', 'json', '--out', join(tmp, 'old.json'), '--quiet', ...include], cold('old')),
    measure('scan NEW, cold', ['scan', newTree, '--format', 'json', '--out', join(tmp, 'new.json'), '--quiet', ...include], cold('new')),
    measure('diff OLD NEW, both cold', ['diff', oldTree, newTree, '--format', 'json', '--out', join(tmp, 'diff.json'), '--quiet', ...include], cold('diff')),
  ];
  const [a, b, d] = runs;
  const counts = JSON.parse(readFileSync(join(tmp, 'diff.json'), 'utf8')).counts;
  const ratio = round(d.wall_s / (a.wall_s + b.wall_s));
  console.log(`\n| run | wall s | peak RSS MiB |\n| --- | ---: | ---: |`);
  for (const r of runs) console.log(`| ${r.label} | ${r.wall_s} | ${Math.round(r.rss_kib / 1024)} |`);
  console.log(`\ndiff ${JSON.stringify(counts)}; diff ÷ (the two cold scans) = ${ratio} (aim: at most 1)`);
  console.log(`JSON ${JSON.stringify({ pair: [oldTree, newTree], subdirs, runs, counts, diffVsColdScans: ratio })}`);
}
