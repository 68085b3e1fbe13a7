// The CLI as users and CI bots run it: the bundled dist/cli.js in a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FIXTURES } from '../../support/analyzeFixture';

const CLI = join(process.cwd(), 'dist', 'cli.js');
const TREE = join(FIXTURES, 'kernel-like');

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('cli: text report on stdout, summary on stderr, exit 0 with findings by default', () => {
  const r = run(['scan', TREE, '--no-cache', '--jobs', '2']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /do_sendfile holds freeze via file_start_write/);
  assert.match(r.stderr, /8 chains \(1 through function pointers\) in 6 files/);
});

test('cli: --fail-on-findings exits 1 with findings, 0 without', (t) => {
  assert.equal(run(['scan', TREE, '--no-cache', '--quiet', '--fail-on-findings']).code, 1);
  const empty = mkdtempSync(join(tmpdir(), 'lockpath-cli-'));
  t.after(() => rmSync(empty, { recursive: true, force: true }));
  writeFileSync(join(empty, 'a.c'), 'int f(void) { return 0; }\n');
  assert.equal(run(['scan', empty, '--no-cache', '--quiet', '--fail-on-findings']).code, 0);
});

test('cli: --format json has the documented shape', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lockpath-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'r.json');
  const r = run(['scan', TREE, '--no-cache', '--quiet', '--format', 'json', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(doc.tool, 'lockpath');
  assert.equal(doc.root, TREE);
  for (const k of ['files', 'functions', 'callSites', 'filesWithErrors', 'durationMs']) assert.equal(typeof doc.stats[k], 'number');
  const chain = doc.chains.find((c: { id: string }) => c.id === 'freeze/do_sendfile/file_start_write/do_splice_direct/security_file_permission');
  assert.deepEqual({ ...chain.acquire, column: undefined }, { function: 'do_sendfile', call: 'file_start_write', file: 'fs/read_write.c', line: 20, column: undefined });
  assert.deepEqual(chain.hops.map((h: { caller: string; callee: string; via: string }) => `${h.caller}>${h.callee}@${h.via}`), [
    'do_sendfile>do_splice_direct@direct', 'do_splice_direct>splice_direct_to_actor@direct', 'splice_direct_to_actor>do_splice_to@direct',
    'do_splice_to>generic_file_splice_read@->splice_read', 'generic_file_splice_read>rw_verify_area@direct', 'rw_verify_area>security_file_permission@direct',
  ]);
  assert.equal(chain.hops[3].candidates, 2);
  assert.equal(chain.sink, 'security_file_permission');
});

test('cli: --format sarif writes SARIF 2.1.0 with code flows', () => {
  const r = run(['scan', TREE, '--no-cache', '--quiet', '--format', 'sarif']);
  assert.equal(r.code, 0, r.stderr);
  const log = JSON.parse(r.stdout);
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs[0].results.length, 8);
  assert.ok(log.runs[0].results.every((x: { codeFlows: unknown[] }) => x.codeFlows.length === 1));
});

test('cli: usage and input errors exit 2 with a clear message', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lockpath-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bad = join(dir, 'rules.json');
  writeFileSync(bad, '{"rules": [{"extends": "nope"}]}');
  const cases: [string[], RegExp][] = [
    [['scan'], /scan needs a tree/],
    [['scan', TREE, '--format', 'xml'], /--format must be text, json or sarif/],
    [['scan', join(dir, 'missing')], /no such file or directory/],
    [['scan', bad], /not a directory/],
    [['scan', TREE, '--rules', bad], /no built-in rule "nope"/],
    [['scan', TREE, '--rules', join(dir, 'absent.json')], /cannot read rule file/],
    [['frobnicate'], /unknown command/],
  ];
  for (const [args, message] of cases) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test('cli: --help, scan --help and trace --help print usage on stdout and exit 0', () => {
  for (const [args, usage] of [[['--help'], /^usage: lockpath scan <tree>/], [['scan', '--help'], /^usage: lockpath scan <tree>/],
    [['scan', TREE, '-h'], /^usage: lockpath scan <tree>/], [['trace', '--help'], /^usage: lockpath trace <log>/]] as const) {
    const r = run([...args]);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, usage);
    assert.equal(r.stderr, '');
  }
});

test('cli: a rule file can remove a sink and add an acquire primitive', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lockpath-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const rules = join(dir, 'rules.json');
  writeFileSync(rules, JSON.stringify({ rules: [{ extends: 'freeze', removeSinks: ['security_file_open'], addAcquire: [{ name: 'fget', when: 'always' }] }] }));
  const r = run(['scan', TREE, '--no-cache', '--quiet', '--format', 'json', '--rules', rules]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.ok(doc.chains.every((c: { sink: string }) => c.sink !== 'security_file_open'));
  assert.ok(doc.chains.some((c: { acquire: { call: string } }) => c.acquire.call === 'fget'));
});

test('cli: an unchanged tree is answered from the result cache with the same report', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lockpath-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cache = join(dir, 'cache');
  const strip = (s: string) => JSON.stringify({ ...JSON.parse(s), stats: undefined });
  const cold = run(['scan', TREE, '--quiet', '--format', 'json', '--cache', cache]);
  const warm = run(['scan', TREE, '--quiet', '--format', 'json', '--cache', cache]);
  assert.equal(warm.code, 0, warm.stderr);
  assert.equal(strip(warm.stdout), strip(cold.stdout));
  const stats = JSON.parse(warm.stdout).stats;
  assert.equal(stats.cachedFiles, stats.files);
});
