// Drives code-server's workbench in Debian's chromium through playwright-core: what every E2E
// suite needs (a fresh browser profile, steps with timings, screenshots, the command palette,
// the cursor position, the chain panel's frame). Selectors are those of VS Code 1.100.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type FrameLocator, type Page } from 'playwright-core';

export const CS_URL = process.env.CS_URL ?? 'http://127.0.0.1:8765';
export const OUT = process.env.OUT ?? join(process.cwd(), 'test/e2e/artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** The editor settings of the run (test/e2e/settings.json): kernel style, tabs 8 wide. */
const TAB_SIZE = 8;

export class Workbench {
  private readonly timings: { step: string; ms: number }[] = [];

  private constructor(readonly page: Page, private readonly context: BrowserContext, private readonly profile: string, private readonly name: string) {}

  /** A fresh browser (own profile) on a fresh page; `name` prefixes screenshots and timings. */
  static async launch(name: string): Promise<Workbench> {
    mkdirSync(OUT, { recursive: true });
    const profile = mkdtempSync(join(tmpdir(), 'lockpath-e2e-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, viewport: { width: 1500, height: 950 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = context.pages()[0] ?? await context.newPage();
    page.setDefaultTimeout(Number(process.env.E2E_TIMEOUT_MS ?? 30_000));
    page.on('pageerror', (e) => console.log(`# pageerror: ${e.message}`));
    return new Workbench(page, context, profile, name);
  }

  async close(): Promise<void> {
    await this.shot('99-final').catch(() => undefined);
    await this.context.close();
    rmSync(this.profile, { recursive: true, force: true });
    writeFileSync(join(OUT, `${this.name}-timings.json`), `${JSON.stringify(this.timings, null, 2)}\n`);
  }

  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await fn();
    } finally {
      this.timings.push({ step: name, ms: Date.now() - started });
      console.log(`step ${name}: ${Date.now() - started} ms`);
    }
  }

  async shot(name: string): Promise<void> {
    await this.page.screenshot({ path: join(OUT, `${this.name}-${name}.png`) });
  }

  /** Opens a folder and waits for the explorer to list `entry` in it. */
  async openFolder(folder: string, entry: string): Promise<void> {
    await this.page.goto(`${CS_URL}/?folder=${encodeURIComponent(folder)}`);
    await this.page.locator('.monaco-workbench').waitFor();
    await this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: entry }).waitFor();
  }

  /**
   * Runs a command from the palette (F1) by its title. A command that asks something at once
   * reuses the quick input, which then never hides: the caller waits for its own question.
   */
  async runCommand(title: string, asks = false): Promise<void> {
    const { page } = this;
    await page.keyboard.press('F1');
    const input = this.quickInput();
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor();
    await input.press('Enter');
    if (!asks) await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  quickInput(): ReturnType<Page['locator']> {
    return this.page.locator('.quick-input-widget .quick-input-box input');
  }

  /** Waits until the quick input's text satisfies `test` (a JavaScript expression over `value`). */
  async quickInputValue(test: string): Promise<void> {
    await this.page.waitForFunction(`(() => { const value = document.querySelector('.quick-input-widget .quick-input-box input')?.value ?? ''; return ${test}; })()`);
  }

  /**
   * Waits for the active editor to be `file` (under `root`) with the cursor at a 1-based line
   * and character column. The status bar shows the visual column (tabs expanded), so the
   * expected one is computed from the line's text: kernel lines start with tabs.
   */
  async cursorAt(root: string, file: string, line: number, column: number): Promise<void> {
    const text = readFileSync(join(root, file), 'utf8').split('\n')[line - 1] ?? '';
    let visual = 0;
    for (const ch of text.slice(0, column - 1)) visual = ch === '\t' ? (Math.floor(visual / TAB_SIZE) + 1) * TAB_SIZE : visual + 1;
    await this.page.locator('.editor-group-container.active .tabs-container .tab.active', { hasText: file.split('/').pop()! }).waitFor();
    await this.page.locator('#status\\.editor\\.selection', { hasText: `Ln ${line}, Col ${visual + 1}` }).waitFor();
  }

  /**
   * Picks a file in code-server's open dialog (VS Code's simple dialog: a path in the quick
   * input, whose list follows what is typed). Enter before the list caught up can land on the
   * folder instead, so the file's row is awaited first.
   */
  async pickFile(path: string): Promise<void> {
    await this.quickInput().fill(path);
    await this.page.locator('.quick-input-widget .monaco-list-row', { hasText: path.split('/').pop()! }).first().waitFor();
    await this.quickInput().press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /** Quick open (Ctrl+P) to `name:line:column` of the workspace. */
  async goTo(name: string, line: number, column: number): Promise<void> {
    await this.page.keyboard.press('Control+P');
    await this.quickInput().fill(`${name}:${line}:${column}`);
    // Enter takes the focused row: wait until it is the file, not a row of an older query.
    await this.page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: name }).waitFor();
    await this.quickInput().press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /**
   * Texts decorations put after the visible editor lines (`after.contentText`), as a JavaScript
   * expression run in the page: VS Code renders them as CSS `::after` content, not as DOM text.
   */
  static readonly EDITOR_NOTES = "[...document.querySelectorAll('.view-lines .view-line span')].map((s) => getComputedStyle(s, '::after').content).filter((c) => c !== 'none' && c !== '')";

  async editorNotes(): Promise<string[]> {
    return this.page.evaluate(Workbench.EDITOR_NOTES) as Promise<string[]>;
  }

  /** The editor's hover widget, once shown. */
  hover(): ReturnType<Page['locator']> {
    return this.page.locator('.monaco-hover:not(.hidden)').first();
  }

  /** The status bar item of the extension, e.g. `Lockpath: 8 chains`. */
  statusItem(text: string | RegExp): ReturnType<Page['locator']> {
    return this.page.locator('.statusbar-item', { hasText: text });
  }

  /** Rows of the Problems panel; the list is virtual, so only rows in view exist. */
  problemRow(text: string): ReturnType<Page['locator']> {
    return this.page.locator('.markers-panel .monaco-list-row', { hasText: text }).first();
  }

  async filterProblems(text: string): Promise<void> {
    await this.page.getByPlaceholder(/^Filter \(e\.g\. text/).fill(text);
  }

  /** The chain panel's document: webviews are nested, <iframe class="webview"> -> #active-frame. */
  chainPanel(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  }
}
