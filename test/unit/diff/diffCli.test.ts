// `lockpath diff` and `scan --baseline` end to end, as CI bots run them: the bundled CLI in a
// child process, on a git repository the test builds from the fixture tree (support/fixtureRepo).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Log } from 'sarif';
import type { JsonDiffReport } from '../../../src/core/diff/diffJson';
import { FACTS_VERSION, readManifest } from '../../../src/core/index/factCache';
import { buildFixtureRepo, type FixtureRepo } from '../../support/fixtureRepo';
import { validateSarif } from '../../support/sarifSchema';

const CLI = join(process.cwd(), 'dist', 'cli.js');
const SENDFILE = 'freeze/do_sendfile/file_start_write/do_splice_direct/security_file_permission';

let repo: FixtureRepo;
let scratch: string;

before(() => {
  repo = buildFixtureRepo();
  scratch = mkdtempSync(join(tmpdir(), 'lockpath-diff-'));
});

after(() => {
  rmSync(repo.dir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

function run(args: string[], cwd = repo.dir, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd, env: { ...process.env, XDG_CACHE_HOME: join(scratch, 'cache'), ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function diffJson(args: string[]): JsonDiffReport {
  const r = run(['diff', ...args, '--format', 'json', '--quiet', '--jobs', '0']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as JsonDiffReport;
}

/** The tree at `commit`, scanned to a JSON report. */
function reportAt(commit: string, name: string): string {
  execFileSync('git', ['-C', repo.dir, 'checkout', '-q', commit]);
  const out = join(scratch, name);
  const r = run(['scan', repo.dir, '--format', 'json', '--out', out, '--quiet', '--jobs', '0']);
  assert.equal(r.code, 0, r.stderr);
  return out;
}

test('diff --git: moving the acquisition into the actor removes the sendfile chain, and says so', () => {
  const [c1, c2] = repo.commits;
  const d = diffJson(['--git', c1, '--git', c2]);
  assert.deepEqual(d.counts, { added: 0, removed: 1, changed: 0, unchanged: 7 });
  const removed = d.removed[0]!;
  assert.equal(removed.chain.id, SENDFILE);
  assert.deepEqual(removed.reason, {
    kind: 'acquisition-moved', step: 0, fn: 'do_sendfile', call: 'file_start_write', into: ['direct_splice_actor'],
    text: 'file_start_write() moved from do_sendfile() into direct_splice_actor()',
  });
  assert.equal(d.old.source, `git:${c1}`);
  assert.equal(d.new.root, repo.dir, 'reports name the tree, not the temporary checkout');
  // The checkout stays, under the cache, for the next diff; the repository knows nothing of it.
  const worktrees = execFileSync('git', ['-C', repo.dir, 'worktree', 'list', '--porcelain'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('worktree '));
  assert.deepEqual(worktrees, [`worktree ${repo.dir}`]);
  const checkouts = join(scratch, 'cache', 'lockpath', 'checkouts');
  assert.equal(readdirSync(checkouts).filter((n) => existsSync(join(checkouts, n, 'tree'))).length, 1);
  assert.equal(execFileSync('git', ['-C', repo.dir, 'status', '--porcelain'], { encoding: 'utf8' }), '', 'the user\'s index and files are untouched');
});

test('diff --git: a revision the tree was scanned at is the tree\'s result, and a second diff computes nothing', () => {
  const [, c2, c3] = repo.commits;
  const cache = join(scratch, 'shared-cache');
  const env = { XDG_CACHE_HOME: cache };
  execFileSync('git', ['-C', repo.dir, 'checkout', '-q', c3]);
  assert.equal(run(['scan', repo.dir, '--quiet', '--jobs', '0'], repo.dir, env).code, 0);
  /** Results each cache holds: the tree's, and the checkout's own. */
  const results = (): { tree: number; checkout: number } => {
    const treeDir = join(cache, 'lockpath', createHash('sha1').update(repo.dir).digest('hex').slice(0, 16));
    const count = (dir: string): number => readdirSync(join(dir, `v${FACTS_VERSION}`, 'results')).filter((n) => n.endsWith('.json')).length;
    const others = readdirSync(join(cache, 'lockpath')).map((n) => join(cache, 'lockpath', n)).filter((d) => d !== treeDir && existsSync(join(d, `v${FACTS_VERSION}`, 'results')));
    return { tree: count(treeDir), checkout: others.reduce((n, d) => n + count(d), 0) };
  };
  const first = run(['diff', '--git', c2, '--git', c3, '--format', 'json', '--quiet', '--jobs', '0'], repo.dir, env);
  assert.equal(first.code, 0, first.stderr);
  // c3 came from the tree's result: only c2 was analysed in the checkout.
  assert.deepEqual(results(), { tree: 1, checkout: 1 });
  const again = run(['diff', '--git', c2, '--git', c3, '--format', 'json', '--quiet', '--jobs', '0'], repo.dir, env);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(results(), { tree: 1, checkout: 1 });
  const counts = (r: { stdout: string }): unknown => (JSON.parse(r.stdout) as JsonDiffReport).counts;
  assert.deepEqual(counts(again), counts(first));
  assert.deepEqual(counts(first), { added: 0, removed: 0, changed: 0, unchanged: 7 });
});

/** Scans the repository at each commit with a cache of its own: the environment that names it. */
function scannedAt(commits: readonly string[], cacheName: string): Record<string, string> {
  const env = { XDG_CACHE_HOME: join(scratch, cacheName) };
  for (const c of commits) {
    execFileSync('git', ['-C', repo.dir, 'checkout', '-q', c]);
    assert.equal(run(['scan', repo.dir, '--quiet', '--jobs', '0'], repo.dir, env).code, 0);
  }
  return env;
}

test('diff --git: revisions the tree was scanned at are answered from their listings, with nothing written out', () => {
  const [c1, c2] = repo.commits;
  const env = scannedAt([c1, c2], 'listed-cache');
  const r = run(['diff', '--git', c1, '--git', c2, '--format', 'json', '--jobs', '0'], repo.dir, env);
  assert.equal(r.code, 0, r.stderr);
  // The removed chain's reason needs the new side's graph: c2 is written out for it, c1 never is.
  assert.equal((JSON.parse(r.stdout) as JsonDiffReport).removed[0]!.reason.kind, 'acquisition-moved');
  assert.match(r.stderr, new RegExp(`git:${c1}: .*\\(result of git tree`));
  const again = run(['diff', '--git', c2, '--git', c2, '--format', 'json', '--jobs', '0'], repo.dir, env);
  assert.match(again.stderr, /result of git tree/);
  assert.doesNotMatch(again.stderr, /scanning/);
});

test('diff --git: revisions answered from listings are remembered, though nothing was written out', () => {
  const [, c2, c3] = repo.commits;
  const env = scannedAt([c2, c3], 'remembered-cache');
  const r = run(['diff', '--git', c2, '--git', c3, '--format', 'json', '--jobs', '0'], repo.dir, env);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /scanning/);
  // The next diff of these revisions lists neither: the index of results names both trees.
  const checkouts = join(env.XDG_CACHE_HOME!, 'lockpath', 'checkouts');
  const [index] = readdirSync(checkouts).map((n) => join(checkouts, n, 'results.json')).filter((f) => existsSync(f));
  const trees = [c2, c3].map((c) => execFileSync('git', ['-C', repo.dir, 'rev-parse', `${c}^{tree}`], { encoding: 'utf8' }).trim());
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(index!, 'utf8')) as object).map((k) => k.split(':')[0]).sort(), trees.sort());
});

test('diff --git from a subdirectory: the revisions\' trees are the subdirectory\'s, and one it lacks is a clear error', () => {
  const [c1, c2] = repo.commits;
  const fs = join(repo.dir, 'fs');
  const r = run(['diff', '--git', c1, '--git', c2, '--format', 'json', '--quiet', '--jobs', '0'], fs);
  assert.equal(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout) as JsonDiffReport;
  assert.equal(d.new.root, fs);
  assert.equal(d.old.source, `git:${c1}`);
  const gone = run(['diff', '--git', `${c1}~1`, '--git', c2, '--quiet'], fs);
  assert.equal(gone.code, 2);
  assert.match(gone.stderr, /unknown revision/);
});

test('diff --git: shifted lines and a renamed local change nothing', () => {
  const [c1, c2, c3] = repo.commits;
  const d = diffJson(['--git', c2, '--git', c3, '--tree', repo.dir]);
  assert.deepEqual(d.counts, { added: 0, removed: 0, changed: 0, unchanged: 7 });
  const moved = diffJson(['--git', c1, '--git', c3]);
  assert.deepEqual(moved.removed.map((r) => r.reason.text), ['file_start_write() moved from do_sendfile() into direct_splice_actor()']);
  // The other way round, the chain is added.
  assert.deepEqual(diffJson(['--git', c3, '--git', c1]).added.map((c) => c.id), [SENDFILE]);
});

test('diff --confidence: likely by default, as scan reports; possible compares all; a report that left chains out says so', () => {
  const [c1, c2] = repo.commits;
  const all = diffJson(['--git', c1, '--git', c2, '--confidence', 'possible']);
  assert.deepEqual(all.counts, diffJson(['--git', c1, '--git', c2]).counts, 'the fixture has likely chains only');
  const report = join(scratch, 'hidden.json');
  const doc = JSON.parse(readFileSync(reportAt(c2, 'c2-hidden.json'), 'utf8')) as { stats: { hiddenChains?: number } };
  doc.stats.hiddenChains = 2;
  writeFileSync(report, JSON.stringify(doc));
  const r = run(['diff', report, report, '--confidence', 'possible', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /hidden\.json leaves out 2 possible chains: they count as not there \(scan with --confidence possible\)/);
  assert.match(run(['diff', report, report, '--confidence', 'maybe']).stderr, /--confidence/);
});

test('diff text: groups and the reason, with the old chain hop by hop', () => {
  const [c1, c2] = repo.commits;
  const r = run(['diff', '--git', c1, '--git', c2, '--jobs', '0']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^removed \(fixed\) \(1\):\n {2}freeze\/do_sendfile\/.*\n {4}fixed because file_start_write\(\) moved from do_sendfile\(\) into direct_splice_actor\(\)\n {4}fs\/read_write\.c:20:2 {2}do_sendfile holds freeze via file_start_write\n/m);
  assert.match(r.stdout, /^unchanged: 7 chains$/m);
  assert.match(r.stderr, /diff: 0 added, 1 removed, 0 changed, 7 unchanged/);
});

test('diff of reports: from result files alone the step cannot be named, with a tree it can', () => {
  const [c1, , c3] = repo.commits;
  const oldReport = reportAt(c1, 'c1.json');
  const newReport = reportAt(c3, 'c3.json');
  const fromReports = diffJson([oldReport, newReport]);
  assert.deepEqual(fromReports.counts, { added: 0, removed: 1, changed: 0, unchanged: 7 });
  assert.equal(fromReports.removed[0]!.reason.kind, 'not-seen');
  assert.match(fromReports.removed[0]!.reason.text, /no chain of the new side takes file_start_write\(\) in do_sendfile\(\) \(from result files alone/);
  const againstTree = diffJson([oldReport, repo.dir]);
  assert.equal(againstTree.removed[0]!.reason.text, 'file_start_write() moved from do_sendfile() into direct_splice_actor()');
});

test('diff --format sarif: the new side with baselineState, the fixed chain absent; valid SARIF 2.1.0', () => {
  const [c1, c2] = repo.commits;
  const r = run(['diff', '--git', c1, '--git', c2, '--format', 'sarif', '--quiet', '--jobs', '0']);
  assert.equal(r.code, 0, r.stderr);
  const log = JSON.parse(r.stdout) as Log;
  assert.deepEqual(validateSarif(log), []);
  const results = log.runs[0]!.results!;
  assert.deepEqual(results.map((x) => x.baselineState), [...Array(7).fill('unchanged'), 'absent']);
  const absent = results[7]!;
  assert.equal(absent.properties?.['chainId'], SENDFILE);
  assert.equal(absent.properties?.['fixedBecause'], 'file_start_write() moved from do_sendfile() into direct_splice_actor()');
  assert.match(absent.message.text ?? '', /Fixed: file_start_write\(\) moved from do_sendfile\(\) into direct_splice_actor\(\)\.$/);
});

test('scan --baseline: SARIF baselineState, and --fail-on new fails only on new chains', () => {
  const [c1, , c3] = repo.commits;
  const oldReport = reportAt(c1, 'base-c1.json');
  const newReport = reportAt(c3, 'base-c3.json');
  // At c3, against c1: nothing new, the sendfile chain absent.
  const fixed = run(['scan', repo.dir, '--baseline', oldReport, '--format', 'sarif', '--fail-on', 'new', '--jobs', '0']);
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.match(fixed.stderr, /baseline: 0 new, 7 unchanged, 0 updated, 1 absent/);
  const log = JSON.parse(fixed.stdout) as Log;
  assert.deepEqual(validateSarif(log), []);
  assert.deepEqual(log.runs[0]!.results!.map((x) => x.baselineState), [...Array(7).fill('unchanged'), 'absent']);
  // At c1, against c3: the sendfile chain is new, and only that fails the run.
  execFileSync('git', ['-C', repo.dir, 'checkout', '-q', c1]);
  const regressed = run(['scan', repo.dir, '--baseline', newReport, '--format', 'sarif', '--fail-on', 'new', '--quiet', '--jobs', '0']);
  assert.equal(regressed.code, 1, regressed.stderr);
  const states = (JSON.parse(regressed.stdout) as Log).runs[0]!.results!.map((x) => [x.properties?.['chainId'], x.baselineState]);
  assert.deepEqual(states.filter(([, s]) => s === 'new'), [[SENDFILE, 'new']]);
  // Without --fail-on new, findings alone do not fail.
  assert.equal(run(['scan', repo.dir, '--baseline', newReport, '--quiet', '--jobs', '0']).code, 0);
  execFileSync('git', ['-C', repo.dir, 'checkout', '-q', c3]);
});

test('diff and --baseline: bad input is a clear error, exit 2', () => {
  const bad = join(scratch, 'bad.json');
  writeFileSync(bad, '{"tool": "lockpath", "chains": 3}');
  const cases: [string[], RegExp][] = [
    [['diff', repo.dir], /diff compares two sides \(old and new\), got 1/],
    [['diff', '--git', 'no-such-rev', repo.dir], /unknown revision no-such-rev/],
    [['diff', bad, repo.dir], /bad\.json: stats: expected an object/],
    [['diff', join(scratch, 'missing.json'), repo.dir], /cannot read .*missing\.json: ENOENT/],
    [['diff', '--git', 'HEAD', repo.dir, '--tree', scratch], /not a git repository|not in a git work tree/],
    [['scan', repo.dir, '--baseline', bad], /bad\.json: stats: expected an object/],
    [['scan', repo.dir, '--fail-on', 'new'], /--fail-on new needs --baseline FILE/],
  ];
  for (const [args, message] of cases) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.equal(readFileSync(bad, 'utf8').length > 0, true);
});

test('diff --git: a file git converts on checkout (eol=crlf) is hashed from what is written, not vouched for by its blob id', () => {
  const own = buildFixtureRepo();
  try {
    const git = (...args: string[]): string => execFileSync('git', ['-C', own.dir, '-c', 'user.name=lockpath', '-c', 'user.email=dev@lockpath', ...args], { encoding: 'utf8' });
    writeFileSync(join(own.dir, '.gitattributes'), 'fs/read_write.c eol=crlf\n');
    // Another source too: the same sources' blobs would be the same result, found from the listing.
    writeFileSync(join(own.dir, 'fs', 'splice.c'), `${readFileSync(join(own.dir, 'fs', 'splice.c'), 'utf8')}\n/* CRLF commit */\n`);
    git('add', '.gitattributes', 'fs/splice.c');
    git('commit', '-q', '-m', 'CRLF on checkout');
    const cache = join(scratch, 'crlf-cache');
    const r = run(['diff', '--git', own.commits[2], '--git', 'HEAD', '--tree', own.dir, '--format', 'json', '--quiet', '--jobs', '0'], own.dir, { XDG_CACHE_HOME: cache });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as JsonDiffReport).counts, { added: 0, removed: 0, changed: 0, unchanged: 7 });
    const checkouts = join(cache, 'lockpath', 'checkouts');
    const tree = join(checkouts, readdirSync(checkouts).find((n) => existsSync(join(checkouts, n, 'tree')))!, 'tree');
    assert.match(readFileSync(join(tree, 'fs', 'read_write.c'), 'utf8'), /\r\n/);
    const { manifest } = readManifest(join(cache, 'lockpath', createHash('sha1').update(tree).digest('hex').slice(0, 16)), tree);
    const blob = (path: string): string => git('rev-parse', `HEAD:${path}`).trim();
    assert.notEqual(manifest.get('fs/read_write.c')![2], blob('fs/read_write.c'));
    assert.equal(manifest.get('fs/splice.c')![2], blob('fs/splice.c'), 'a file written as its blob is its blob id');
  } finally {
    rmSync(own.dir, { recursive: true, force: true });
  }
});
