// Editor bench: the packaged extension in code-server on a whole kernel tree, measured the way a
// user meets it (issue 11, Performance). Also run by `npm run bench -- --editor [--tree DIR]`.
//
//   node bench/editor.mjs [--tree DIR] [--log FILE] [--file fs/read_write.c] [--line N] [--keep]
//
//   --tree DIR   a whole unpacked tree, opened as the workspace (default
//                /var/tmp/lockpath-kernels/linux-source-6.12); never written for good: the one
//                edited file is restored and checked by its sha1, and written back if it differs
//   --log FILE   a log to overlay (default ../shared/logs/lockdep-ovl-sendfile-seq-read-1.txt)
//   --file, --line  where a save is timed: `// ` goes in front of that line, then comes out
//                (default: fs/read_write.c, vfs_write()'s file_start_write(file))
//   --profile-host DIR  CPU profiles of the extension host, one per host-health period, into DIR
//                (LOCKPATH_PROFILE_HOST in code-server's environment, src/extension/hostProfile.ts);
//                `node bench/hostStalls.mjs DIR` says whose code fills the host's long stretches
//
// Measures: first diagnostics cold (fresh user data: no workspace storage, no fact cache) and
// warm (code-server restarted on the same user data: chains from the result cache, then the live
// index built behind them, which the saves wait for), save -> updated diagnostics (both ways),
// typing -> updated diagnostics (lockpath.updateOnType), loading a log -> overlay shown, the
// extension host's longest event-loop stall while indexing (lockpath's "host health" lines),
// extension host and index server memory (/proc: VmRSS now, VmHWM peak), and the CPU seconds each
// kind of process (index server, extension host, code-server's others, the browser) spent from
// opening the page to first diagnostics.
// Needs the E2E harness (sudo bash test/e2e/setup.sh) and Debian's chromium.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { values: opts } = parseArgs({
  options: {
    tree: { type: 'string', default: '/var/tmp/lockpath-kernels/linux-source-6.12' },
    // ../shared beside the checkout, or beside the folder of worktrees.
    log: { type: 'string', default: [resolve(root, '../shared'), resolve(root, '../../shared')].map((d) => join(d, 'logs/lockdep-ovl-sendfile-seq-read-1.txt')).find(existsSync) ?? '../shared/logs/lockdep-ovl-sendfile-seq-read-1.txt' },
    file: { type: 'string', default: 'fs/read_write.c' },
    line: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'profile-host': { type: 'string' },
  },
});
const tree = resolve(opts.tree);
const CS = join(root, 'test/e2e/harness/node_modules/code-server/out/node/entry.js');
const SCAN_TIMEOUT_MS = 20 * 60_000;
const say = (m) => console.error(`[editor bench ${new Date().toISOString().slice(11, 19)}] ${m}`);

for (const [what, p] of [['tree', join(tree, 'MAINTAINERS')], ['code-server (run test/e2e/setup.sh)', CS], ['chromium', '/usr/bin/chromium'], ['log', opts.log]]) {
  if (!existsSync(p)) {
    console.error(`editor bench: ${what} not found: ${p}`);
    process.exit(2);
  }
}
const edited = join(tree, opts.file);
const original = readFileSync(edited);
// A save rewrites the file in place: the same bytes, a new mtime. Both are put back.
const originalTimes = statSync(edited);
const sha = (b) => createHash('sha1').update(b).digest('hex');
const originalSha = sha(original);
const lines = original.toString('utf8').split('\n');
const editLine = opts.line !== undefined ? Number(opts.line) : lines.findIndex((l, i) => /^\tfile_start_write\(file\);/.test(l) && lines.slice(Math.max(0, i - 40), i).some((p) => /^ssize_t vfs_write\(/.test(p))) + 1;
if (!(editLine > 0)) {
  console.error(`editor bench: no line to edit in ${opts.file}: give --line`);
  process.exit(2);
}

const R = mkdtempSync(join(tmpdir(), 'lockpath-editor-bench-'));
const results = { tree, loadavg: loadavg().map((x) => +x.toFixed(2)), edit: `${opts.file}:${editLine}`, log: opts.log };
let server;
let browser;
try {
  say(`tree ${tree}, load average ${results.loadavg.join(' ')}; building the VSIX`);
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  run('npm', ['run', '-s', 'package']);
  for (const d of ['ud/User', 'ext', 'tmp', 'xdg']) mkdirSync(join(R, d), { recursive: true });
  const settings = JSON.parse(readFileSync(join(root, 'test/e2e/settings.json'), 'utf8'));
  const port = await freePort();
  writeFileSync(join(R, 'config.yaml'), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const env = { ...process.env, XDG_DATA_HOME: join(R, 'xdg'), XDG_CONFIG_HOME: join(R, 'xdg'), XDG_CACHE_HOME: join(R, 'xdg'), TMPDIR: join(R, 'tmp'),
    ...(opts['profile-host'] !== undefined ? { LOCKPATH_PROFILE_HOST: resolve(opts['profile-host']) } : {}) };
  run('node', [CS, '--config', join(R, 'config.yaml'), '--user-data-dir', join(R, 'ud'), '--extensions-dir', join(R, 'ext'), '--install-extension', join(root, `lockpath-${version}.vsix`)], env);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });

  // ---- cold and warm: first diagnostics; then typing and the overlay (cold), saves (warm) ----
  for (const pass of ['cold', 'warm']) {
    // code-server reads the user settings when it starts: typing is timed in the cold pass,
    // saves in the warm one without updates on typing (they would update before the save).
    writeSettings({ ...settings, 'lockpath.updateOnType': pass === 'cold' });
    server = await startServer(port, env);
    const page = await openPage(browser);
    const cpuBefore = cpuTimes();
    const started = Date.now();
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(tree)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    const workbenchMs = Date.now() - started;
    const ready = page.locator('.statusbar-item', { hasText: /Lockpath: \d+ likely chains?/ }).first();
    await ready.waitFor({ timeout: SCAN_TIMEOUT_MS });
    const readyAt = Date.now();
    const status = await ready.innerText();
    await page.waitForTimeout(1000);
    const log = outputLog();
    const activated = log.find((l) => / activated$/.test(l));
    results[pass] = {
      firstDiagnosticsMs: readyAt - started, workbenchMs, activationToDiagnosticsMs: activated ? readyAt - stamp(activated) : undefined, status: status.trim(),
      scan: lastLine(log, /scan done in .*/), views: lastLine(log, /\d+ chains shown in the views .*/), hostHealth: lastLine(log, /host health \(while indexing\).*/),
      memory: memory(server.pid), cpuSeconds: cpuSince(cpuBefore, cpuTimes()),
    };
    say(`${pass}: ${JSON.stringify(results[pass])}`);
    if (/from the result cache/.test(results[pass].scan ?? '')) {
      // The chains shown came from the result cache: edits are timed against the live analysis built behind them.
      const live = await waitForLine(0, /live index ready in .*/, SCAN_TIMEOUT_MS);
      results[pass].liveIndex = { fromPageMs: live.at - started, log: live.text };
      say(`${pass}: live index ${JSON.stringify(results[pass].liveIndex)}`);
    }
    // The index server prepares for updates at its first idle second after a build (IndexServer
    // prepareAfterBuild): the edits below are timed after it, as a user's would come.
    const prepared = await waitForLine(0, /ready for updates: .*/, 30_000).catch(() => undefined);
    results[pass].prepared = prepared === undefined ? 'not seen within 30 s' : `${prepared.text}, ${prepared.at - readyAt} ms after the first chains`;
    say(`${pass}: ${results[pass].prepared}`);
    if (pass === 'cold') {
      await typing(page);
      await overlay(page);
    } else {
      await saves(page);
    }
    await runCommand(page, 'Lockpath: Log Extension Host Health');
    results[pass].afterEdits = { hostHealth: (await waitForLine(0, /host health \(on request\).*/)).text, memory: memory(server.pid) };
    await page.close();
    await stopServer(server);
    server = undefined;
  }
} catch (e) {
  process.exitCode = 1;
  console.error(`editor bench failed: ${e.stack ?? e}`);
} finally {
  await browser?.close().catch(() => undefined);
  if (server !== undefined) await stopServer(server);
  if (sha(readFileSync(edited)) !== originalSha) {
    writeFileSync(edited, original);
    say(`${opts.file} differed from its original: written back (${sha(readFileSync(edited)) === originalSha ? 'sha1 matches now' : 'STILL DIFFERS'})`);
  }
  results.restored = sha(readFileSync(edited)) === originalSha;
  if (results.restored) utimesSync(edited, originalTimes.atime, originalTimes.mtime);
  if (opts.keep) say(`kept ${R}`);
  else rmSync(R, { recursive: true, force: true });
}
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/editor-latest.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
console.log(`JSON ${JSON.stringify(results)}`);

// ---- phases -----------------------------------------------------------------------------------

/** Save -> updated diagnostics, both ways: `// ` in front of the line, then out again. */
/** The output channel's update time, with the server's CPU time where it gives one (since 8afeb42). */
const UPDATED_IN = String.raw`in \d+ ms(?: \(CPU \d+ ms\))?`;

async function saves(page) {
  const saveTimes = [];
  // Twice: the first save of a window is slower in code-server (its own work before the event).
  for (const [act, label] of [[comment, 'comment out'], [uncomment, 'restore'], [comment, 'comment out'], [uncomment, 'restore']]) {
    await goToLine(page, opts.file, editLine);
    await act(page);
    const before = outputLog().length;
    const t = Date.now();
    await page.keyboard.press('Control+S');
    // The one that changed chains: the watcher's echo of the save comes as an update of its own.
    const line = await waitForLine(before, new RegExp(`update of 1 file\\(s\\) ${UPDATED_IN}: (\\+[1-9]\\d* -\\d+|\\+\\d+ -[1-9]\\d*) chains.*`));
    saveTimes.push({ edit: label, ms: line.at - t, log: line.text });
    say(`save (${label}) -> updated: ${line.at - t} ms: ${line.text}`);
  }
  await page.waitForTimeout(500);
  checkRestored('after the saves');
  results.save = saveTimes;
}

/** Typing -> updated diagnostics from the unsaved text; revert -> back to the disk. */
async function typing(page) {
  await goToLine(page, opts.file, editLine);
  let before = outputLog().length;
  await comment(page);
  // From the last key: the debounce (lockpath.updateOnTypeDelayMs, 500 ms) is part of it.
  const typedAt = Date.now();
  const typed = await waitForLine(before, new RegExp(`update of 0 file\\(s\\) and 1 unsaved buffer\\(s\\) ${UPDATED_IN}: \\+\\d+ -[1-9].*`));
  before = outputLog().length;
  const revertAt = Date.now();
  await runCommand(page, 'File: Revert File');
  const reverted = await waitForLine(before, new RegExp(`update of 1 file\\(s\\) ${UPDATED_IN}: \\+[1-9].*`));
  results.typing = { lastKeyToUpdateMs: typed.at - typedAt, revertToUpdateMs: reverted.at - revertAt, typed: typed.text, revert: reverted.text };
  say(`typing: ${JSON.stringify(results.typing)}`);
  await page.waitForTimeout(500);
  checkRestored('after typing and reverting');
}

/** A log laid over the index in memory: from the file picker's Enter to the notification. */
async function overlay(page) {
  await runCommand(page, 'Lockpath: Load Trace or Kernel Log', true);
  // The simple file dialog starts at the tree's root once it is ready: a path typed before that
  // is replaced by the root's, and Enter then opens the folder instead of picking the log.
  await page.waitForFunction(`(document.querySelector('.quick-input-widget .quick-input-box input')?.value ?? '').endsWith(${JSON.stringify(`${tree.split('/').pop()}/`)})`);
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.fill(opts.log);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: opts.log.split('/').pop() }).first().waitFor();
  const before = outputLog().length;
  const t = Date.now();
  await input.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 30_000 }).catch(async () => {
    throw new Error(`the file dialog did not take ${opts.log}: it shows ${JSON.stringify(await input.inputValue())}`);
  });
  // What the extension says either way: a failed load must end the wait with its reason, not a timeout.
  const said = page.locator('.notifications-toasts .notification-list-item-message', { hasText: /Lockpath: (trace loaded|could not load|scan the workspace before)/ }).first();
  try {
    await said.waitFor({ timeout: 120_000 });
  } catch (e) {
    throw new Error(`no answer to loading the log: ${e.message}\nlast output lines:\n${outputLog().slice(before).slice(-15).join('\n')}`);
  }
  const ms = Date.now() - t;
  const text = await said.innerText();
  if (!/trace loaded/.test(text)) throw new Error(`loading the log failed: ${text}\nlast output lines:\n${outputLog().slice(before).slice(-15).join('\n')}`);
  const line = await waitForLine(before, /trace overlay of .*/);
  results.overlay = { toNotificationMs: ms, log: line.text };
  say(`overlay: ${JSON.stringify(results.overlay)}`);
}

// ---- helpers ----------------------------------------------------------------------------------

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
}

function writeSettings(s) {
  writeFileSync(join(R, 'ud/User/settings.json'), `${JSON.stringify({ ...s, 'files.autoSave': 'off' }, null, 2)}\n`);
}

function freePort() {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function startServer(port, env) {
  const child = spawn('node', [CS, '--config', join(R, 'config.yaml'), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', join(R, 'ud'), '--extensions-dir', join(R, 'ext')], { env, detached: true, stdio: 'ignore' });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('code-server did not start');
}

/** Ends code-server's process group (extension host and index server with it) and waits. */
async function stopServer(child) {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch { /* gone */ }
  for (let i = 0; i < 100 && descendants(child.pid).length + (alive(child.pid) ? 1 : 0) > 0; i++) await new Promise((r) => setTimeout(r, 100));
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function openPage(b) {
  const context = await b.newContext({ viewport: { width: 1500, height: 950 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  return page;
}

async function runCommand(page, title, asks = false) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor();
  await input.press('Enter');
  if (!asks) await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

async function goToLine(page, file, line) {
  const name = file.split('/').pop();
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.fill(`${file}:${line}`);
  await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: name }).waitFor();
  await input.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.locator('#status\\.editor\\.selection', { hasText: `Ln ${line},` }).waitFor();
  // Column 1, then Home: the first non-blank character.
  await page.keyboard.press('Home');
}

async function comment(page) {
  // One change, not three: on a loaded machine keys can come slower than the typing debounce.
  await page.keyboard.insertText('// ');
}

async function uncomment(page) {
  for (let i = 0; i < 3; i++) await page.keyboard.press('Delete');
}

/** The "Lockpath" output channel's lines (a log file in the user data's logs folder). */
function outputLog() {
  const found = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('Lockpath.log')) found.push(p);
    }
  };
  if (existsSync(join(R, 'ud/logs'))) walk(join(R, 'ud/logs'));
  const newest = found.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  return newest === undefined ? [] : readFileSync(newest, 'utf8').split('\n').filter(Boolean);
}

function lastLine(log, re) {
  for (let i = log.length - 1; i >= 0; i--) {
    const m = re.exec(log[i]);
    if (m) return m[0];
  }
  return undefined;
}

/** Waits for a line after the first `from` lines; `at` is its own timestamp (epoch ms). */
async function waitForLine(from, re, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const log = outputLog();
    for (const l of log.slice(from)) {
      const m = re.exec(l);
      if (m) return { at: stamp(l), text: m[0] };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no log line ${re} within ${timeoutMs} ms`);
}

/** "2026-12-06 22:30:01.123 [info] ..." in local time. */
function stamp(line) {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})/.exec(line);
  return m ? new Date(`${m[1]}T${m[2]}`).getTime() : Date.now();
}

function checkRestored(when) {
  const now = sha(readFileSync(edited));
  if (now !== originalSha) throw new Error(`${opts.file} differs from its original ${when} (the finally block writes it back)`);
}

function descendants(pid) {
  const parent = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* exited */ }
  }
  const out = [];
  const walk = (p) => {
    for (const [c, pp] of parent) if (pp === p) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** The process's kind: the index server, the extension host, the browser (chromium), or code-server's others. */
function kindOf(cmd) {
  return cmd.includes('indexServer.js') ? 'indexServer' : /extensionHost/i.test(cmd) ? 'extensionHost' : /chromium/.test(cmd) ? 'browser' : 'codeServer';
}

/**
 * CPU time (user + system, in clock ticks) of each live process of code-server's tree and the
 * browser's (a process that ended is not counted): where a machine's cores went while the index was built (the editor's own processes
 * compete with the parser threads for them).
 */
function cpuTimes() {
  const out = new Map();
  // This process started both code-server and the browser.
  for (const p of descendants(process.pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(p, { kind: kindOf(readFileSync(`/proc/${p}/cmdline`, 'utf8')), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch { /* exited */ }
  }
  return out;
}

/** CPU seconds per kind of process between two cpuTimes (a process started since counts from zero). */
function cpuSince(before, after) {
  const ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  const out = {};
  for (const [p, { kind, ticks }] of after) out[kind] = (out[kind] ?? 0) + ticks - (before.get(p)?.ticks ?? 0);
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, Number((t / ticksPerSecond).toFixed(1))]));
}

/** VmRSS and VmHWM (peak) in MB of the extension host and the index server under code-server. */
function memory(pid) {
  const out = {};
  for (const p of descendants(pid)) {
    let cmd;
    let status;
    try {
      cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ');
      status = readFileSync(`/proc/${p}/status`, 'utf8');
    } catch {
      continue;
    }
    const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    const kind = kindOf(cmd);
    const what = kind === 'indexServer' || kind === 'extensionHost' ? kind : 'other';
    (out[what] ??= []).push({ pid: p, rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024), ...(what === 'other' ? { cmd: cmd.slice(0, 120) } : {}) });
  }
  return out;
}
