// The packaged extension in code-server, driven like a user would: the tree is indexed by
// itself, diagnostics land in the Problems panel with their hops, the chain panel lists the
// chains and a click on a hop (or Enter on it) puts the editor on that file and line.
// Run by test/e2e/run.sh, which starts code-server on a copy of test/fixtures/c/kernel-like.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type BrowserContext, type FrameLocator, type Page } from 'playwright-core';

const CS_URL = process.env.CS_URL ?? 'http://127.0.0.1:8765';
const WS = process.env.WS ?? '';
const OUT = process.env.OUT ?? join(process.cwd(), 'test/e2e/artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
mkdirSync(OUT, { recursive: true });

let context: BrowserContext;
let page: Page;
let profile: string;
const timings: { step: string; ms: number }[] = [];

async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await fn();
  } finally {
    timings.push({ step: name, ms: Date.now() - started });
    console.log(`step ${name}: ${Date.now() - started} ms`);
  }
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(OUT, `${name}.png`) });
}

/**
 * Runs a command from the palette (F1) by its title. A command that asks something at once
 * reuses the quick input, which then never hides: the caller waits for its own question.
 */
async function runCommand(title: string, asks = false): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor();
  await input.press('Enter');
  if (!asks) await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Waits until the quick input's text satisfies `test` (a JavaScript expression over `value`). */
async function quickInputValue(test: string): Promise<void> {
  await page.waitForFunction(`(() => { const value = document.querySelector('.quick-input-widget .quick-input-box input')?.value ?? ''; return ${test}; })()`);
}

/** The editor settings of the run (test/e2e/settings.json): kernel style, tabs 8 wide. */
const TAB_SIZE = 8;

/**
 * Waits for the cursor to be at a 1-based line and character column of a workspace file. The
 * status bar shows the visual column (tabs expanded), so the expected one is computed from the
 * line's text: kernel lines start with tabs.
 */
async function cursorAt(file: string, line: number, column: number): Promise<void> {
  const text = readFileSync(join(WS, file), 'utf8').split('\n')[line - 1] ?? '';
  let visual = 0;
  for (const ch of text.slice(0, column - 1)) visual = ch === '\t' ? (Math.floor(visual / TAB_SIZE) + 1) * TAB_SIZE : visual + 1;
  await page.locator('.tabs-container .tab.active', { hasText: file.split('/').pop()! }).waitFor();
  await page.locator('#status\\.editor\\.selection', { hasText: `Ln ${line}, Col ${visual + 1}` }).waitFor();
}

function chainPanel(): FrameLocator {
  // Webviews are nested: <iframe class="webview"> -> <iframe id="active-frame">.
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

before(async () => {
  assert.ok(WS !== '', 'WS must name the workspace code-server opened (run test/e2e/run.sh)');
  profile = mkdtempSync(join(tmpdir(), 'lockpath-e2e-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1500, height: 950 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(Number(process.env.E2E_TIMEOUT_MS ?? 30_000));
  page.on('pageerror', (e) => console.log(`# pageerror: ${e.message}`));
});

after(async () => {
  if (page !== undefined) await shot('99-final').catch(() => undefined);
  await context?.close();
  if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  writeFileSync(join(OUT, 'timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
});

test('the kernel tree is indexed by itself and the status bar counts its chains', async () => {
  await step('open workbench', async () => {
    await page.goto(`${CS_URL}/?folder=${encodeURIComponent(WS)}`);
    await page.locator('.monaco-workbench').waitFor();
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'MAINTAINERS' }).waitFor();
  });
  await step('wait for indexing', async () => {
    await page.locator('.statusbar-item', { hasText: 'Lockpath: 8 chains' }).waitFor({ timeout: 120_000 });
  });
  await shot('01-indexed');
});

test('one diagnostic per acquisition site, with every hop of its chain as related information', async () => {
  await step('problems panel', async () => {
    await runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    const marker = page.locator('.markers-panel .monaco-list-row', { hasText: 'file_start_write() holds freeze protection in do_sendfile()' }).first();
    await marker.waitFor();
    assert.match(await marker.innerText(), /security_file_permission\(\)[\s\S]*1 freeze chain starts here/);
    // Eight acquisition sites, one diagnostic each.
    await page.locator('.panel .composite-bar .badge', { hasText: '8' }).first().waitFor();
    // Related information: the hops of the canonical chain, each with its location. The list
    // is virtual (only visible rows exist): filter it down to that diagnostic first.
    const filter = page.getByPlaceholder(/^Filter \(e\.g\. text/);
    await filter.fill('do_sendfile');
    for (const hop of ['do_sendfile -> do_splice_direct', 'do_splice_to -> ->splice_read = generic_file_splice_read (function pointer)', 'rw_verify_area -> security_file_permission [sink]']) {
      await page.locator('.markers-panel .monaco-list-row', { hasText: hop }).first().waitFor();
    }
    assert.match(await page.locator('.markers-panel .monaco-list-row', { hasText: 'do_sendfile -> do_splice_direct' }).first().innerText(), /read_write\.c\s*\[Ln 21, Col 11\]/);
  });
  await shot('02-problems');
  await page.getByPlaceholder(/^Filter \(e\.g\. text/).fill('');
});

test('the chain panel lists the chains; clicking a hop opens its file at its line', async () => {
  await step('open chain panel', async () => {
    await runCommand('Lockpath: Open Chain Panel');
    await chainPanel().locator('.chain', { hasText: 'do_sendfile: file_start_write -> security_file_permission' }).waitFor();
  });
  const panel = chainPanel();
  assert.equal(await panel.locator('.chain').count(), 8);
  await step('select the do_sendfile chain', async () => {
    await panel.locator('.chain', { hasText: 'do_sendfile: file_start_write -> security_file_permission' }).click();
    await panel.locator('.detail-title', { hasText: 'do_sendfile: file_start_write -> security_file_permission' }).waitFor();
    assert.equal(await panel.locator('.hop').count(), 7);
  });
  await shot('03-chain-panel');
  await step('click the ops-table hop', async () => {
    await panel.locator('.hop', { hasText: 'fs/splice.c:28:19' }).click();
    await cursorAt('fs/splice.c', 28, 19);
  });
  await shot('04-after-hop-click');
});

test('the hops are keyboard navigable: arrow down and Enter open the next hop', async () => {
  const panel = chainPanel();
  await step('keyboard to the next hop', async () => {
    const hop = panel.locator('.hop', { hasText: 'fs/splice.c:28:19' });
    await hop.focus();
    await hop.press('ArrowDown');
    await panel.locator('.hop:focus', { hasText: 'fs/splice.c:8:9' }).waitFor();
    await panel.locator('.hop:focus').press('Enter');
    await cursorAt('fs/splice.c', 8, 9);
  });
  await shot('05-after-keyboard');
});

test('the call hierarchy lists callers from the index, through function pointers too', async () => {
  await step('call hierarchy of generic_file_splice_read', async () => {
    // The editor is at fs/splice.c:8, inside generic_file_splice_read.
    await runCommand('Calls: Show Call Hierarchy');
    const row = page.locator('.monaco-list-row', { hasText: 'do_splice_to' }).filter({ hasText: 'via ->splice_read' }).first();
    await row.waitFor();
  });
  await shot('06-call-hierarchy');
});

test('saving an edit updates the diagnostics without a rescan, and undoing the edit brings them back', async () => {
  const save = async (expected: string): Promise<number> => {
    const started = Date.now();
    await page.keyboard.press('Control+S');
    await page.locator('.statusbar-item', { hasText: expected }).waitFor();
    return Date.now() - started;
  };
  await step('open fs/read_write.c at line 21', async () => {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.fill('read_write.c:21');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'read_write.c' }).first().waitFor();
    await input.press('Enter');
    await cursorAt('fs/read_write.c', 21, 1);
  });
  // do_sendfile's only way to the sink: commented out, its chain and its diagnostic go.
  const removed = await step('comment out do_splice_direct() and save', async () => {
    await page.keyboard.press('Home');
    await page.keyboard.type('// ');
    return save('Lockpath: 7 chains');
  });
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'in do_sendfile()' }).waitFor({ state: 'detached' });
  await shot('07-after-save');
  const restored = await step('uncomment and save', async () => {
    // Home goes to the first non-blank character: the `//` typed above.
    await page.keyboard.press('Home');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Delete');
    return save('Lockpath: 8 chains');
  });
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'in do_sendfile()' }).first().waitFor();
  console.log(`save to updated status bar: ${removed} ms, ${restored} ms`);
});

test('the results export as SARIF through the save dialog', async () => {
  await step('export SARIF', async () => {
    await runCommand('Lockpath: Export Results (SARIF/JSON)', true);
    const input = page.locator('.quick-input-widget .quick-input-box input');
    // The palette's text goes before the format question is shown.
    await quickInputValue("!value.startsWith('>')");
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'SARIF 2.1.0' }).waitFor();
    await input.press('Enter');
    // code-server's save dialog is VS Code's simple dialog: a path in the quick input, filled
    // with the suggested file in the tree.
    await quickInputValue("value.endsWith('lockpath.sarif')");
    await input.fill(join(WS, 'lockpath.sarif'));
    await input.press('Enter');
    await page.locator('.notifications-toasts .notification-list-item-message', { hasText: 'results written to lockpath.sarif' }).waitFor();
  });
  const sarif = JSON.parse(readFileSync(join(WS, 'lockpath.sarif'), 'utf8')) as { runs: { results: unknown[] }[] };
  assert.equal(sarif.runs[0]!.results.length, 8);
  await shot('08-exported');
});
