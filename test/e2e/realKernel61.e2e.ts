// The same walk on real code: Debian's 6.1 tree (fs, include, mm, security, kernel, reached
// through symlinks from a folder of their own, so the shared tree is never written). The
// canonical chain: do_sendfile() takes file_start_write() at fs/read_write.c:1254 and reaches
// security_file_permission() through do_splice_direct().
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ensureKernelTree, kernelSkipMessage } from '../support/kernelTrees';
import { Workbench } from './workbenchDriver';

const SUBDIRS = ['fs', 'include', 'mm', 'security', 'kernel'];
let wb: Workbench;
let ws: string | undefined;

before(async () => {
  const tree = await ensureKernelTree('6.1', SUBDIRS);
  if (tree === undefined) return;
  ws = mkdtempSync(join(process.env.TMPDIR ?? tmpdir(), 'lockpath-e2e-linux-6.1-'));
  for (const d of SUBDIRS) symlinkSync(join(tree, d), join(ws, d));
  writeFileSync(join(ws, 'MAINTAINERS'), 'a kernel tree: Lockpath scans by itself\n');
  wb = await Workbench.launch('linux-6.1');
});

after(async () => {
  await wb?.close();
  if (ws !== undefined) rmSync(ws, { recursive: true, force: true });
});

test('linux 6.1: do_sendfile\'s diagnostic at fs/read_write.c:1254, and a hop click lands on its line', async (t) => {
  if (ws === undefined) {
    t.skip(kernelSkipMessage('6.1'));
    return;
  }
  const root = ws;
  await wb.step('open the 6.1 tree', () => wb.openFolder(root, 'MAINTAINERS'));
  await wb.step('index fs include mm security kernel', async () => {
    await wb.statusItem(/Lockpath: \d+ likely chains/).waitFor({ timeout: 300_000 });
  });
  console.log(`status bar: ${await wb.statusItem(/Lockpath: \d+ likely chains/).innerText()}`);
  await wb.step('do_sendfile diagnostic and its hops', async () => {
    await wb.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    await wb.filterProblems('in do_sendfile()');
    const marker = wb.problemRow('file_start_write() holds freeze protection in do_sendfile()');
    assert.match(await marker.innerText(), /security_file_permission\(\)[\s\S]*\[Ln 1254, Col 3\]/);
    assert.match(await wb.problemRow('do_sendfile -> do_splice_direct').innerText(), /read_write\.c\s*\[Ln 1255, Col 12\]/);
    await wb.problemRow('do_splice_direct -> splice_direct_to_actor').waitFor();
  });
  await wb.shot('01-problems');
  await wb.filterProblems('');
  await wb.step('chain panel: the do_sendfile chain, hop do_splice_direct -> splice_direct_to_actor', async () => {
    await wb.runCommand('Lockpath: Open Chain Panel');
    const panel = wb.chainPanel();
    const chain = panel.locator('.chain', { hasText: 'do_sendfile: file_start_write -> security_file_permission' }).filter({ hasText: 'fs/read_write.c:1254' }).first();
    await chain.click();
    const hop = panel.locator('.hop', { hasText: 'do_splice_direct -> splice_direct_to_actor' });
    assert.match(await hop.innerText(), /fs\/splice\.c:1002:8/);
    await hop.click();
    await wb.cursorAt(root, 'fs/splice.c', 1002, 8);
  });
  await wb.shot('02-after-hop-click');
  // A real capture of this kernel (test/fixtures/traces/README.md): sendfile with lock events.
  const trace = join(process.cwd(), 'test', 'fixtures', 'traces', 'lockdep_fgraph_do_sendfile_lock_events.txt');
  const loaded = await wb.step('load a real 6.1 function_graph capture over the index', async () => {
    await wb.runCommand('Lockpath: Load Trace or Kernel Log', true);
    await wb.quickInputValue(`value.endsWith(${JSON.stringify(`${root.split('/').pop()}/`)})`);
    const started = Date.now();
    await wb.pickFile(trace);
    await wb.page.locator('.notifications-toasts .notification-list-item-message', { hasText: 'trace loaded' }).waitFor({ timeout: 60_000 });
    return Date.now() - started;
  });
  console.log(`load trace on linux 6.1 to notification: ${loaded} ms`);
  await wb.step('the do_sendfile chain shows observed hops', async () => {
    const panel = wb.chainPanel();
    const chain = panel.locator('.chain', { hasText: 'do_sendfile: file_start_write -> security_file_permission' }).filter({ hasText: 'fs/read_write.c:1254' }).first();
    await chain.filter({ hasText: /\d+\/\d+ observed/ }).waitFor();
    await chain.click();
    const hop = panel.locator('.hop', { hasText: 'do_splice_direct -> splice_direct_to_actor' });
    assert.match(await hop.locator('.hop-evidence').innerText(), /^observed \d+x by /);
  });
  await wb.shot('03-overlay');
});
