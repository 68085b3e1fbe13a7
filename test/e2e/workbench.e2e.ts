// The packaged extension in code-server, driven like a user would: the tree is indexed by
// itself, diagnostics land in the Problems panel with their hops, the chain panel lists the
// chains and a click on a hop (or Enter on it) puts the editor on that file and line.
// Run by test/e2e/run.sh, which starts code-server on a copy of test/fixtures/c/kernel-like.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Workbench } from './workbenchDriver';

const WS = process.env.WS ?? '';
let wb: Workbench;
const AFTER_TEXTS = Workbench.EDITOR_NOTES;

before(async () => {
  assert.ok(WS !== '', 'WS must name the workspace code-server opened (run test/e2e/run.sh)');
  // A syzbot-style hung-task report naming the fixture's functions (test/fixtures/overlay), as a
  // kernel log in the tree: its source positions and symbols are links.
  mkdirSync(join(WS, 'logs'), { recursive: true });
  copyFileSync(join('test', 'fixtures', 'overlay', 'hung-task-kernel-like-syzbot-lines.txt'), join(WS, 'logs', 'hungtask-lpcopy.txt'));
  wb = await Workbench.launch('fixture');
});

after(async () => {
  await wb?.close();
});

test('the kernel tree is indexed by itself and the status bar counts its likely chains', async () => {
  await wb.step('open workbench', () => wb.openFolder(WS, 'MAINTAINERS'));
  await wb.step('wait for indexing', () => wb.statusItem('Lockpath: 8 likely chains').waitFor({ timeout: 120_000 }));
  await wb.shot('01-indexed');
});

test('one diagnostic per acquisition site, with every hop of its chain as related information', async () => {
  await wb.step('problems panel', async () => {
    await wb.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    const marker = wb.problemRow('file_start_write() holds freeze protection in do_sendfile()');
    await marker.waitFor();
    assert.match(await marker.innerText(), /security_file_permission\(\)[\s\S]*1 freeze chain starts here/);
    // Eight acquisition sites, one diagnostic each.
    await wb.page.locator('.panel .composite-bar .badge', { hasText: '8' }).first().waitFor();
    // Related information: the hops of the canonical chain, each with its location. The list
    // is virtual (only visible rows exist): filter it down to that diagnostic first.
    await wb.filterProblems('do_sendfile');
    for (const hop of ['do_sendfile -> do_splice_direct', 'do_splice_to -> ->splice_read = generic_file_splice_read (function pointer)', 'rw_verify_area -> security_file_permission [sink]']) {
      await wb.problemRow(hop).waitFor();
    }
    assert.match(await wb.problemRow('do_sendfile -> do_splice_direct').innerText(), /read_write\.c\s*\[Ln 21, Col 11\]/);
  });
  await wb.shot('02-problems');
  await wb.filterProblems('');
});

test('the chain panel lists the chains; clicking a hop opens its file at its line', async () => {
  const panel = wb.chainPanel();
  await wb.step('open chain panel', async () => {
    await wb.runCommand('Lockpath: Open Chain Panel');
    await panel.locator('.chain', { hasText: 'do_sendfile: file_start_write -> security_file_permission' }).waitFor();
  });
  assert.equal(await panel.locator('.chain').count(), 8);
  await wb.step('select the do_sendfile chain', async () => {
    await panel.locator('.chain', { hasText: 'do_sendfile: file_start_write -> security_file_permission' }).click();
    await panel.locator('.detail-title', { hasText: 'do_sendfile: file_start_write -> security_file_permission' }).waitFor();
    assert.equal(await panel.locator('.hop').count(), 7);
  });
  await wb.shot('03-chain-panel');
  await wb.step('click the ops-table hop', async () => {
    await panel.locator('.hop', { hasText: 'fs/splice.c:28:19' }).click();
    await wb.cursorAt(WS, 'fs/splice.c', 28, 19);
  });
  await wb.shot('04-after-hop-click');
});

test('the hops are keyboard navigable: arrow down and Enter open the next hop', async () => {
  const panel = wb.chainPanel();
  await wb.step('keyboard to the next hop', async () => {
    const hop = panel.locator('.hop', { hasText: 'fs/splice.c:28:19' });
    await hop.focus();
    await hop.press('ArrowDown');
    await panel.locator('.hop:focus', { hasText: 'fs/splice.c:8:9' }).waitFor();
    await panel.locator('.hop:focus').press('Enter');
    await wb.cursorAt(WS, 'fs/splice.c', 8, 9);
  });
  await wb.shot('05-after-keyboard');
});

test('the call hierarchy lists callers from the index, through function pointers too', async () => {
  await wb.step('call hierarchy of generic_file_splice_read', async () => {
    // The editor is at fs/splice.c:8, inside generic_file_splice_read.
    await wb.runCommand('Calls: Show Call Hierarchy');
    await wb.page.locator('.monaco-list-row', { hasText: 'do_splice_to' }).filter({ hasText: 'via ->splice_read' }).first().waitFor();
  });
  await wb.shot('06-call-hierarchy');
});

test('typing updates the diagnostics before the save, reverting brings them back, saving keeps them', async () => {
  const { page } = wb;
  const dirtyTab = page.locator('.editor-group-container.active .tabs-container .tab.active.dirty', { hasText: 'read_write.c' });
  /** Runs `act`, then waits for the status bar to say `expected`: the time in between. */
  const until = async (expected: string, act: () => Promise<void>): Promise<number> => {
    const started = Date.now();
    await act();
    await wb.statusItem(expected).waitFor();
    return Date.now() - started;
  };
  const atLine21 = async (): Promise<void> => {
    await page.keyboard.press('Control+P');
    await wb.quickInput().fill('read_write.c:21');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'read_write.c' }).first().waitFor();
    await wb.quickInput().press('Enter');
    await wb.cursorAt(WS, 'fs/read_write.c', 21, 1);
    // Home goes to the first non-blank character: the call.
    await page.keyboard.press('Home');
  };
  await wb.step('open fs/read_write.c at line 21', atLine21);
  // do_sendfile's only way to the sink: commented out, its chain and its diagnostic go, unsaved.
  const typed = await wb.step('comment out do_splice_direct() without saving', () => until('Lockpath: 7 likely chains', () => page.keyboard.type('// ')));
  await wb.problemRow('in do_sendfile()').waitFor({ state: 'detached' });
  await dirtyTab.waitFor();
  await wb.shot('07-after-typing');
  const reverted = await wb.step('revert the file', () => until('Lockpath: 8 likely chains', () => wb.runCommand('File: Revert File')));
  await wb.problemRow('in do_sendfile()').waitFor();
  await dirtyTab.waitFor({ state: 'detached' });
  await wb.step('comment it out again and save', async () => {
    await atLine21();
    await until('Lockpath: 7 likely chains', () => page.keyboard.type('// '));
    await page.keyboard.press('Control+S');
    await dirtyTab.waitFor({ state: 'detached' });
  });
  await wb.problemRow('in do_sendfile()').waitFor({ state: 'detached' });
  const restored = await wb.step('uncomment and save', async () => {
    await page.keyboard.press('Home');
    return until('Lockpath: 8 likely chains', async () => {
      for (let i = 0; i < 3; i++) await page.keyboard.press('Delete');
      await page.keyboard.press('Control+S');
    });
  });
  await dirtyTab.waitFor({ state: 'detached' });
  await wb.problemRow('in do_sendfile()').waitFor();
  console.log(`typing to updated status bar: ${typed} ms; revert: ${reverted} ms; edit and save: ${restored} ms`);
});

test('the results export as SARIF through the save dialog', async () => {
  await wb.step('export SARIF', async () => {
    await wb.runCommand('Lockpath: Export Results (SARIF/JSON)', true);
    // The palette's text goes before the format question is shown.
    await wb.quickInputValue("!value.startsWith('>')");
    await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'SARIF 2.1.0' }).waitFor();
    await wb.quickInput().press('Enter');
    // code-server's save dialog is VS Code's simple dialog: a path in the quick input, filled
    // with the suggested file in the tree.
    await wb.quickInputValue("value.endsWith('lockpath.sarif')");
    await wb.quickInput().fill(join(WS, 'lockpath.sarif'));
    await wb.quickInput().press('Enter');
    await wb.page.locator('.notifications-toasts .notification-list-item-message', { hasText: 'results written to lockpath.sarif' }).waitFor();
  });
  const sarif = JSON.parse(readFileSync(join(WS, 'lockpath.sarif'), 'utf8')) as { runs: { results: unknown[] }[] };
  assert.equal(sarif.runs[0]!.results.length, 8);
  await wb.shot('08-exported');
});

test('a hover on a hop\'s call says what is held, from where, and what lies ahead', async () => {
  await wb.step('hover on do_splice_direct() in do_sendfile', async () => {
    await wb.goTo('read_write.c', 21, 11);
    await wb.cursorAt(WS, 'fs/read_write.c', 21, 11);
    await wb.runCommand('Show or Focus Hover');
    const hover = wb.hover();
    await hover.filter({ hasText: 'Held: freeze protection held since file_start_write() in do_sendfile()' }).waitFor();
    // MarkdownString.appendText keeps spaces as no-break spaces.
    const text = (await hover.innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /hop 1\/6: do_sendfile -> do_splice_direct/);
    assert.match(text, /fs\/read_write\.c:20/);
    assert.match(text, /Ahead to security_file_permission\(\):[\s\S]*rw_verify_area -> security_file_permission \[sink\]/);
  });
  await wb.shot('09-hop-hover');
  await wb.page.keyboard.press('Escape');
});

test('a real trace loaded from the file picker marks the lines that ran; the panel shows observed hops', async () => {
  // A real function_graph capture of sendfile on Linux 6.1 (test/fixtures/traces/README.md):
  // its function names are those of the fixture tree's canonical chain.
  const trace = join(process.cwd(), 'test', 'fixtures', 'traces', 'fgraph_do_sendfile_tmpfs.txt');
  const loaded = await wb.step('load the trace through the file picker', async () => {
    await wb.runCommand('Lockpath: Load Trace or Kernel Log', true);
    // code-server's open dialog is VS Code's simple dialog: a path in the quick input, which
    // starts at the tree's root once the dialog is ready.
    await wb.quickInputValue("value.endsWith('/ws/')");
    const started = Date.now();
    await wb.pickFile(trace);
    await wb.page.locator('.notifications-toasts .notification-list-item-message', { hasText: 'trace loaded' }).waitFor();
    return Date.now() - started;
  });
  console.log(`load trace to notification: ${loaded} ms`);
  await wb.step('the editor marks do_sendfile -> do_splice_direct as a chain hop that ran', async () => {
    await wb.goTo('read_write.c', 21, 11);
    await wb.page.waitForFunction(`${AFTER_TEXTS}.some((c) => c.includes('chain hop ran'))`);
    const notes = await wb.editorNotes();
    assert.ok(notes.some((n) => /chain hop ran \d+x by ftrace_-128/.test(n)), notes.join('\n'));
  });
  await wb.shot('10-overlay-editor');
  const panel = wb.chainPanel();
  await wb.step('the chain panel shows the observed hops and the trace summary', async () => {
    await wb.runCommand('Lockpath: Open Chain Panel');
    const chain = panel.locator('.chain', { hasText: 'do_sendfile: file_start_write -> security_file_permission' });
    await chain.filter({ hasText: '6/6 observed' }).waitFor();
    await chain.click();
    const hop = panel.locator('.hop', { hasText: 'do_sendfile -> do_splice_direct' });
    assert.match(await hop.locator('.hop-evidence').innerText(), /^observed \d+x by ftrace_-128/);
    await panel.locator('.overlay-title', { hasText: 'Trace: fgraph_do_sendfile_tmpfs.txt' }).waitFor();
  });
  await wb.shot('11-overlay-panel');
  await wb.step('clearing the overlay removes the evidence', async () => {
    await wb.runCommand('Lockpath: Clear Trace Overlay');
    await panel.locator('.hop-evidence').first().waitFor({ state: 'detached' });
    await panel.locator('.chain', { hasText: 'observed' }).first().waitFor({ state: 'detached' });
  });
});

test('in a kernel log, source positions and symbols are links to the tree', async () => {
  const log = readFileSync(join(WS, 'logs', 'hungtask-lpcopy.txt'), 'utf8').split('\n');
  /** 1-based line and column of `text` in the log. */
  const find = (text: string): [number, number] => {
    const i = log.findIndex((l) => l.includes(text));
    return [i + 1, log[i]!.indexOf(text) + 1];
  };
  await wb.step('open the log: its links are shown', async () => {
    await wb.goTo('hungtask-lpcopy.txt', ...find('fs/read_write.c:7'));
    await wb.page.locator('.editor-group-container.active .tabs-container .tab.active', { hasText: 'hungtask-lpcopy.txt' }).waitFor();
    await wb.page.locator('.view-lines .view-line', { hasText: 'rw_verify_area+0x47/0x70' }).locator('.detected-link', { hasText: 'read_write' }).first().waitFor();
  });
  await wb.shot('12-log-links');
  await wb.step('Open Link on fs/read_write.c:7 opens that line', async () => {
    await wb.runCommand('Open Link');
    await wb.cursorAt(WS, 'fs/read_write.c', 7, 1);
  });
  await wb.step('Open Link on do_splice_direct+0x89/0xd0 opens its definition', async () => {
    await wb.goTo('hungtask-lpcopy.txt', ...find('do_splice_direct+0x89/0xd0'));
    await wb.runCommand('Open Link');
    await wb.page.locator('.editor-group-container.active .tabs-container .tab.active', { hasText: 'splice.c' }).waitFor();
    await wb.page.locator('#status\\.editor\\.selection', { hasText: /^Ln 40,/ }).waitFor();
  });
  await wb.shot('13-log-link-symbol');
});
