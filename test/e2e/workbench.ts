// A page object for VS Code's web workbench (code-server 4.99.4, VS Code
// 1.99.3) in headless Chromium: what a user does — open a file, run a
// command, read the Problems and Output panels, hover, look into a webview —
// as methods, so e2e tests read like the steps a person takes.
//
// The e2e runner (scripts/test-e2e.mjs) starts code-server with the packaged
// .vsix installed and a temporary copy of examples/ open, and passes their
// whereabouts in the environment; Workbench.open() reads them.
//
// Waits end on something the page shows (an element, a text), with
// Playwright's deadlines; none is a fixed sleep.

import { join } from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { VIEWPORT, launchBrowser } from '../../scripts/lib/browser.mjs';

export interface E2EEnvironment {
  /** code-server's address, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The folder the workbench has open: a temporary copy of examples/ (tests may write to it). */
  workspace: string;
  /** Where screenshots go: test-results/e2e/. */
  results: string;
}

export function e2eEnvironment(): E2EEnvironment {
  const { RACELENS_E2E_URL: url, RACELENS_E2E_WORKSPACE: workspace, RACELENS_E2E_RESULTS: results } = process.env;
  if (!url || !workspace || !results) {
    throw new Error('the e2e tests need a running code-server: run them with `npm run test:e2e` (scripts/test-e2e.mjs)');
  }
  return { url, workspace, results };
}

/** Monaco renders spaces as no-break spaces; tests compare plain text. */
function plain(text: string): string {
  return text.replace(/\u00a0/g, ' ');
}

/** The little of the DOM the page functions here use (the tests type-check without the DOM library). */
interface PageNode {
  parentElement: PageNode | null;
  getAnimations(): { playState: string }[];
}
declare function getComputedStyle(node: PageNode): { opacity: string };

/** How long one UI step may take (the first extension activation is the slowest). */
const STEP_TIMEOUT = 30_000;

export class Workbench {
  private constructor(readonly browser: Browser, readonly page: Page, readonly env: E2EEnvironment) {}

  /** Launches Chromium, opens the workbench on the workspace and waits until it is laid out. */
  static async open(env: E2EEnvironment = e2eEnvironment()): Promise<Workbench> {
    const browser = await launchBrowser();
    const page = await browser.newPage({ viewport: VIEWPORT });
    page.setDefaultTimeout(STEP_TIMEOUT);
    await page.goto(`${env.url}/?folder=${encodeURIComponent(env.workspace)}`);
    await page.locator('.monaco-workbench').waitFor();
    // The status bar appears once the workbench has restored its parts.
    await page.locator('.part.statusbar').waitFor();
    const workbench = new Workbench(browser, page, env);
    await workbench.runCommand('View: Close All Editors');
    return workbench;
  }

  async close(): Promise<void> {
    await this.browser.close();
  }

  /**
   * Developer: Reload Window, as a user would run it, and waits until the
   * reloaded workbench is laid out again (its editors restored).
   */
  async reloadWindow(): Promise<void> {
    const loaded = this.page.waitForEvent('load');
    await this.runCommand('Developer: Reload Window');
    await loaded;
    await this.page.locator('.monaco-workbench').waitFor();
    await this.page.locator('.part.statusbar').waitFor();
  }

  /** The text box of Quick Open and the command palette. */
  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget input.input');
  }

  /**
   * A quick pick or input box a command opened, once its title contains
   * `title`: its title, and its items' labels (checked ones marked), for
   * the test to read before it answers by keyboard.
   */
  async quickPick(title: string | RegExp): Promise<{ title: string; items: { label: string; checked: boolean }[] }> {
    const heading = this.page.locator('.quick-input-widget .quick-input-title');
    let shown = '';
    await this.until(`a quick input titled ${title}`, async () => {
      shown = (await heading.isVisible()) ? plain(await heading.innerText()) : '';
      return typeof title === 'string' ? shown.includes(title) : title.test(shown);
    });
    const items = await this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').evaluateAll((rows) => rows.map((row) => ({
      label: row.querySelector('.label-name')?.textContent ?? row.getAttribute('aria-label') ?? '',
      checked: row.getAttribute('aria-checked') === 'true',
    })));
    return { title: shown, items: items.map((item) => ({ ...item, label: plain(item.label) })) };
  }

  /** Opens a workspace file through Quick Open (Ctrl+P) and waits for its tab to be active. */
  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    await this.quickInput.waitFor();
    await this.quickInput.fill(name);
    // File search runs ripgrep on the server; wait for the file among the results.
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.tab(name).waitFor();
  }

  /**
   * Runs a command by its palette title ("RaceLens: Show Model of Current File")
   * and returns once the palette has handed it over (the palette closed, or
   * the command opened its own quick input). What the command then shows is
   * the test's to wait for.
   *
   * The palette lists the commands whose `when` holds at the moment it opens
   * and does not update while open; a command that appears only once its
   * extension has activated is therefore looked for again, as a user would:
   * close the palette, open it again. So is a palette that did not open
   * (the key pressed while focus moved, e.g. into a webview).
   */
  async runCommand(title: string, timeout = STEP_TIMEOUT): Promise<void> {
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    const deadline = Date.now() + timeout;
    for (;;) {
      await this.page.keyboard.press('Control+Shift+P');
      try {
        // The palette opens with its prefix, `>`, typed.
        await this.until('the command palette to open', async () =>
          (await this.quickInput.isVisible()) && (await this.quickInput.inputValue()) === '>', 2_000);
        await this.quickInput.fill(`>${title}`, { timeout: 2_000 });
        await row.waitFor({ timeout: 2_000 });
        break;
      } catch (error) {
        await this.page.keyboard.press('Escape');
        if (Date.now() > deadline) throw new Error(`the command palette offers no '${title}' after ${timeout} ms`, { cause: error });
      }
    }
    const label = await row.getAttribute('aria-label');
    if (!label?.startsWith(title)) throw new Error(`no command titled '${title}' (the palette offers '${label}')`);
    await this.page.keyboard.press('Enter');
    await this.until(`the palette to run '${title}'`, async () =>
      !(await this.quickInput.isVisible()) || (await this.quickInput.inputValue()) !== `>${title}`);
  }

  /** The editor tab with this title (a file name, or a page's title). */
  tab(name: string): Locator {
    return this.page.locator(`.tab[data-resource-name="${name}"]`);
  }

  /** The editor showing the tab `name` (the active tab of its group). */
  editor(name: string): Locator {
    return this.page.locator('.editor-group-container')
      .filter({ has: this.page.locator(`.tab.active[data-resource-name="${name}"]`) })
      .locator('.editor-container .monaco-editor').first();
  }

  /** The lines the editor `name` shows now (Monaco renders only the visible ones). */
  async editorText(name: string): Promise<string> {
    return plain(await this.editor(name).locator('.view-lines').innerText());
  }

  /**
   * Finds `text` in the editor `name` with its find widget (Ctrl+F), which
   * scrolls the match into view; returns the matches count the widget shows
   * ("1 of 2"), or throws if there is none.
   */
  async revealText(name: string, text: string): Promise<string> {
    const editor = this.editor(name);
    // The editor's frame, not its lines: scrolled, the lines' corner lies outside the view.
    await editor.locator('.overflow-guard').first().click({ position: { x: 80, y: 8 } });
    await this.page.keyboard.press('Control+F');
    const find = editor.locator('.find-widget');
    const box = find.locator('textarea, input').first();
    await box.waitFor();
    await box.fill(text);
    const count = find.locator('.matchesCount');
    await this.until(`find to count '${text}'`, async () => /\d+ of \d+|No results/.test(await count.innerText()));
    const found = await count.innerText();
    await this.page.keyboard.press('Escape');
    if (!/\d+ of \d+/.test(found)) throw new Error(`'${text}' is not in ${name} (${found})`);
    return found;
  }

  /**
   * The Problems panel's rows, each as its accessible label ("Error: ... at
   * line 42 and character 7. ... generated by RaceLens"); waits for at least `atLeast` rows.
   */
  async problems(atLeast = 1): Promise<string[]> {
    await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    await this.until(`${atLeast} problem row(s)`, async () => (await rows.count()) >= atLeast);
    const labels = await rows.evaluateAll((elements) => elements.map((e) => e.getAttribute('aria-label') ?? ''));
    return labels.map(plain);
  }

  /**
   * The visible lines of an Output channel ("RaceLens", "Extension Host (Remote)", ...),
   * once they show `expected`; focus then goes back to the editors.
   */
  async outputText(channel: string, expected?: string | RegExp): Promise<string> {
    await this.runCommand('Output: Show Output Channels...');
    await this.quickInput.fill(channel);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: channel }).first().waitFor();
    await this.page.keyboard.press('Enter');
    const lines = this.page.locator('.part.panel .output-view .monaco-editor .view-lines, .part.panel .monaco-editor .view-lines').first();
    await lines.waitFor();
    let text = '';
    await this.until(`the ${channel} output${expected ? ` to show ${expected}` : ''}`, async () => {
      text = plain(await lines.innerText());
      return expected === undefined || (typeof expected === 'string' ? text.includes(expected) : expected.test(text));
    });
    // The Output view is a text editor: while it has focus, commands that act on
    // "the active editor" (Markdown preview, RaceLens commands) would act on it.
    await this.runCommand('View: Focus Active Editor Group');
    return text;
  }

  /**
   * Hovers at a 1-based line and column of the active editor (moves the
   * cursor there with Go to Line, then Show Hover) and returns the hover's
   * text once it contains `expected` (or once it has any text).
   */
  async hover(line: number, column: number, expected?: string | RegExp): Promise<string> {
    await this.page.keyboard.press('Control+G');
    await this.quickInput.waitFor();
    await this.quickInput.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.quickInput.waitFor({ state: 'hidden' });
    await this.page.keyboard.press('Control+K');
    await this.page.keyboard.press('Control+I');
    const hover = this.page.locator('.monaco-hover:not(.hidden)').first();
    let text = '';
    await this.until(`a hover at ${line}:${column}${expected ? ` showing ${expected}` : ''}`, async () => {
      text = (await hover.isVisible()) ? plain(await hover.innerText()) : '';
      if (!text.trim() || /^\s*Loading\.\.\.\s*$/.test(text)) return false;
      return expected === undefined || (typeof expected === 'string' ? text.includes(expected) : expected.test(text));
    });
    // The hover fades in; a screenshot taken now would show it half transparent.
    await this.until('the hover to finish fading in', () => hover.evaluate((element) => {
      for (let node: PageNode | null = element; node; node = node.parentElement) {
        if (node.getAnimations().some((a) => a.playState === 'running') || getComputedStyle(node).opacity !== '1') return false;
      }
      return true;
    }));
    return text;
  }

  /**
   * The content of a webview (the RaceLens timeline panel by default). VS Code
   * nests two iframes: the outer `iframe.webview` (its src names the
   * extension) hosts the inner `#active-frame`, which holds the extension's HTML:
   *
   *   const frame = workbench.webview();
   *   await frame.locator('table').waitFor();
   */
  webview(extensionId = 'racelens.racelens'): FrameLocator {
    return this.page
      .frameLocator(`iframe.webview.ready[src*="extensionId=${extensionId}"]`)
      .frameLocator('#active-frame');
  }

  /** A status bar entry containing `text` (RaceLens shows its state there). */
  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
  }

  /** Saves a screenshot of the whole window as test-results/e2e/NAME.png and returns the path. */
  async screenshot(name: string): Promise<string> {
    const path = join(this.env.results, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /**
   * For afterEach: the window as the test left it, as test-results/e2e/after-TEST.png,
   * so a failure can be seen, not only read.
   */
  async screenshotAfter(test: { name: string }): Promise<void> {
    await this.screenshot(`after-${test.name}`).catch(() => undefined);
  }

  /**
   * Re-checks a condition on the page until it holds (every 50 ms, up to the
   * step timeout): for states no single selector expresses.
   */
  async until(what: string, condition: () => Promise<boolean>, timeout = STEP_TIMEOUT): Promise<void> {
    const deadline = Date.now() + timeout;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
      await this.page.waitForTimeout(50);
    }
  }
}
