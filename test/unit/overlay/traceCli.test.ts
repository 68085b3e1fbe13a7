// `lockpath trace` as users run it: the bundled dist/cli.js in a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { FIXTURES } from '../../support/analyzeFixture';

const CLI = join(process.cwd(), 'dist', 'cli.js');
const TREE = join(FIXTURES, 'kernel-like');
const GRAPH = join('test', 'fixtures', 'overlay', 'fgraph-kernel-like-sendfile.txt');
const HUNG = join('test', 'fixtures', 'overlay', 'hung-task-kernel-like-syzbot-lines.txt');
const SENDFILE = 'freeze/do_sendfile/file_start_write/do_splice_direct/security_file_permission';

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'trace', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('trace cli: usage errors and unreadable logs exit 2 with a reason', () => {
  const cases: [string[], RegExp][] = [
    [[], /at least one log/],
    [['does-not-exist.txt'], /cannot read does-not-exist.txt: no such file/],
    [[join('test', 'fixtures', 'overlay')], /not a regular file/],
    [[GRAPH, '--format', 'sarif'], /--format must be text or json/],
    [[GRAPH, '--include', 'fs'], /--include only apply with --tree/],
    [[GRAPH, '--tree', TREE, '--rule', 'nope'], /no rule "nope"/],
    [[GRAPH, '--bogus'], /unknown option --bogus/],
    [[GRAPH, '--tree', join(TREE, 'missing-dir'), '--no-cache'], /lockpath: /],
  ];
  for (const [args, message] of cases) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
});

test('trace cli: --help prints the trace usage and exits 0', () => {
  const r = run(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /usage: lockpath trace <log>\.\.\. \[--tree DIR\]/);
});

test('trace cli: without --tree, parse-only text and JSON', () => {
  const text = run([GRAPH, HUNG]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^input .*fgraph-kernel-like-sendfile\.txt format=function_graph lines=48$/m);
  assert.match(text.stdout, /^report hung-task "INFO: task hung in fanotify_get_response" task=lpcopy\/4242/m);
  assert.doesNotMatch(text.stdout, /^mapping:/m);
  const json = run([GRAPH, HUNG, '--format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout);
  assert.deepEqual(doc.inputs.map((i: { format: string; lines: number; unparsed: unknown[] }) => [i.format, i.lines, i.unparsed.length]), [['function_graph', 48, 0], ['dmesg', 35, 0]]);
  assert.equal(doc.tree, null);
  assert.equal(doc.mapping, null);
  assert.deepEqual(doc.overlay, []);
  assert.ok(doc.observedEdges.some((e: { caller: string; callee: string; count: number }) => e.caller === 'rw_verify_area' && e.callee === 'security_file_permission' && e.count === 3));
  assert.deepEqual(doc.freezeHeld.map((f: { task: string; class: string; chain: unknown }) => [f.task, f.class, f.chain]), [['lpcopy-42', 'sb_writers', null], ['lpcopy/4242', 'sb_writers', null]]);
});

test('trace cli: --tree overlays the logs on the chains (JSON)', () => {
  const r = run([GRAPH, HUNG, '--tree', TREE, '--no-cache', '--jobs', '0', '--rule', 'freeze', '--format', 'json', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.tree.root, TREE);
  assert.equal(doc.tree.chains, doc.overlay.length);
  assert.deepEqual(doc.mapping, { frames: 44, mapped: 29, addresses: 0, names: 28, mappedNames: 18 });
  const c = doc.overlay.find((x: { chain: string }) => x.chain === SENDFILE);
  assert.equal(c.hops, 6);
  assert.equal(c.observedHops, 6);
  assert.deepEqual(doc.freezeHeld.map((f: { chain: string }) => f.chain), [SENDFILE, SENDFILE]);
  assert.deepEqual(doc.extraEdges.map((e: { caller: string; callee: string; kind: string }) => `${e.caller}->${e.callee}:${e.kind}`), ['path_open->ovl_maybe_copy_up:observed']);
  const edge = doc.observedEdges.find((e: { caller: string; callee: string }) => e.caller === 'security_file_permission' && e.callee === 'fsnotify_event');
  assert.deepEqual(edge, { caller: 'security_file_permission', callee: 'fsnotify_event', count: 2, match: 'static', via: 'inline:fsnotify_perm' });
});

test('trace cli: --tree text output shows the mapping rate and the observed chain', () => {
  const r = run([GRAPH, HUNG, '--tree', TREE, '--no-cache']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /lockpath: 8 chains/);
  assert.match(r.stdout, /^mapping: 29\/44 frames \(65\.9%\), 18\/28 names \(64\.3%\)$/m);
  assert.match(r.stdout, new RegExp(`^chain ${SENDFILE}: 6/6 hops observed$`, 'm'));
  assert.match(r.stdout, /^ {2}follows freeze\/do_sendfile\//m);
});

test('trace cli: every lock report kind goes through the overlay, with its title and guilty frame in the JSON', () => {
  const dir = join('test', 'fixtures', 'logs', 'ok', 'dmesg');
  const logs = ['bad-unlock-balance-rwsem.txt', 'held-lock-freed-socket.txt', 'still-has-locks-held-pipe.txt', 'lock-held-returning-to-user.txt',
    'suspicious-rcu-usage-list.txt', 'locking-bug-lockdep-warn.txt', 'spinlock-bad-magic.txt', 'sleeping-function-invalid-context.txt'].map((f) => join(dir, f));
  const text = run([...logs, '--tree', TREE, '--no-cache']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^report spinlock-bug "BUG: spinlock bad magic in lpdrv_probe" task=lpinit\/1/m);
  assert.match(text.stdout, /^overlay: /m);
  const json = run([...logs, '--tree', TREE, '--no-cache', '--format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout) as { inputs: { title: string }[]; reports: { kind: string; guiltyFrame: { function: string } | null }[] };
  assert.equal(doc.inputs[0]!.title, 'WARNING: bad unlock balance in lpfs_release_alloc');
  assert.deepEqual(doc.reports.map((r) => `${r.kind}:${r.guiltyFrame?.function}`), [
    'bad-unlock-balance:lpfs_release_alloc', 'held-lock-freed:lpnet_release', 'still-has-locks-held:lppipe_splice_wait',
    'lock-held-returning-to-user:lpdev_ioctl', 'suspicious-rcu:lpfs_for_each_zone', 'locking-bug:check_wait_context',
    'spinlock-bug:lpdrv_probe', 'sleeping-in-atomic:lpfs_flush_zone',
  ]);
});
