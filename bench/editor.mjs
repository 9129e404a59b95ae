#!/usr/bin/env node
// `npm run bench` (its last part): the editor's numbers, measured in the real
// editor — code-server's VS Code in headless Chromium, the machinery of the
// editor tests (docs/editor-testing.md) — not timed tests. Bars (issue: the editor):
//
//   keystroke to updated diagnostics on a 10,000-line C file   < 250 ms median
//   first index of a 500-file folder                            < 15 s, the editor staying responsive
//   the timeline panel opening on a 200-step witness            < 500 ms
//     (from the panel asked to show it to the webview having painted it)
//
// Generates its folders (bench/generate.ts's kernel-style C), opens each in
// its own window with this repository as the extension under development and
// bench/editorHost.ts as the extension-host half, which measures and writes
// its figures; this script prints them.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, VIEWPORT } from '../scripts/lib/browser.mjs';
import { freePort, startCodeServer, writeSettings } from '../scripts/lib/codeServer.mjs';
import { RESULTS, ROOT } from '../scripts/lib/paths.mjs';
import { run } from '../scripts/lib/run.mjs';
import { setupEditor } from '../scripts/setup-editor.mjs';

const BAR = { keystrokeMs: 250, indexMs: 15_000, responsiveMs: 100, panelMs: 500 };
/** RACELENS_BENCH_ONLY=edit,tree,panel (comma-separated) runs only those phases; unset, all of them. */
const ONLY = new Set((process.env.RACELENS_BENCH_ONLY ?? 'edit,tree,panel').split(',').map((p) => p.trim()).filter(Boolean));
for (const phase of ONLY) if (!['edit', 'tree', 'panel'].includes(phase)) throw new Error(`RACELENS_BENCH_ONLY: no phase '${phase}' (edit, tree, panel)`);
const PHASE_TIMEOUT_MS = 5 * 60_000;
/** Keystrokes timed in the 10,000-line file, after WARMUP untimed ones. */
const KEYSTROKES = 20;
const WARMUP = 4;

setupEditor({ browser: true });
run(process.execPath, ['esbuild.mjs'], { cwd: ROOT });
run(process.execPath, ['esbuild.mjs', '--editor-bench'], { cwd: ROOT });
const { generateC } = createRequire(import.meta.url)(join(ROOT, 'out/bench/editor/generate.js'));

// The folders: their names tell editorHost.ts what to measure.
const temp = mkdtempSync(join(tmpdir(), 'racelens-bench-'));
/** Windows the panel is measured in: its first opening in a window is the figure that varies most. */
const PANEL_WINDOWS = 3;
const folders = { edit: join(temp, 'edit'), tree: join(temp, 'tree') };
for (let i = 1; i <= PANEL_WINDOWS; i++) {
  folders[`panel${i}`] = join(temp, `panel${i}`);
  folders[`cold${i}`] = join(temp, `cold${i}`);
}
for (const folder of Object.values(folders)) mkdirSync(folder);

// One 10,000-line file; the keystrokes go to its last function (RL006 while `msleep` is spelled right).
const toggle = [
  'static void rl_bench_toggle(struct rl_bench *b)',
  '{',
  '\tspin_lock(&b->lock);',
  '\tmsleep(10);\t/* rl-bench: keystrokes here */',
  '\tspin_unlock(&b->lock);',
  '}',
  '',
];
writeFileSync(join(folders.edit, 'big.c'), generateC(10_000 - toggle.length) + toggle.join('\n'));

// 500 files of 400 lines, fifty to a folder, each with its own function names.
for (let i = 0; i < 500; i++) {
  const dir = join(folders.tree, `dir${String(Math.floor(i / 50)).padStart(2, '0')}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `file${String(i).padStart(3, '0')}.c`), generateC(400, i + 1));
}

// A notes entry point of 200 shared steps against a short one: a 200-step witness.
const longRun = ['long_run()', ...Array.from({ length: 200 }, (_, i) => `-> atomic_inc(&counter${i % 2})`), '', 'other()', '-> atomic_inc(&counter0)', '-> atomic_inc(&counter1)', ''];
for (let i = 1; i <= PANEL_WINDOWS; i++) {
  for (const kind of ['panel', 'cold']) writeFileSync(join(folders[`${kind}${i}`], 'long-run.rlnotes'), longRun.join('\n'));
}

const resultsDir = join(temp, 'results');
mkdirSync(resultsDir);
const userDataDir = join(temp, 'user-data');
const extensionsDir = join(temp, 'extensions');
mkdirSync(extensionsDir);
writeSettings(userDataDir);
const logDir = join(RESULTS, 'bench');
rmSync(logDir, { recursive: true, force: true });
mkdirSync(logDir, { recursive: true });
const serverLog = join(logDir, 'server.log');
const workbenchLog = join(logDir, 'workbench.log');
writeFileSync(serverLog, '');
writeFileSync(workbenchLog, '');

/**
 * Installed in the page: the time from a key press to the editor's
 * squiggles changing on screen. arm() counts the squiggles; `result` then
 * resolves once the count differs, with the time since the last keydown.
 */
function installSquiggleProbe() {
  const probe = { down: 0, result: undefined };
  window.addEventListener('keydown', () => { probe.down = performance.now(); }, true);
  const editor = () => document.querySelector('.editor-instance .monaco-editor');
  const count = () => editor().querySelectorAll('.view-overlays .squiggly-error').length;
  probe.arm = () => {
    const before = count();
    probe.result = new Promise((resolve, reject) => {
      const timer = setTimeout(() => { observer.disconnect(); reject(new Error('the squiggles did not change within 30 s')); }, 30_000);
      const observer = new MutationObserver(() => {
        if (count() === before) return;
        clearTimeout(timer);
        observer.disconnect();
        resolve({ ms: performance.now() - probe.down, squiggles: count() });
      });
      observer.observe(editor(), { subtree: true, childList: true, attributes: true });
    });
    return before;
  };
  window.racelensBench = probe;
}

/**
 * Types in the editor the extension host prepared (edit/big.c, the cursor
 * before `msleep`): `x` (RL006 goes), Backspace (it comes back), each timed
 * from the key press to the squiggle changing, the analysis idle between.
 */
async function keystrokes(page) {
  await page.evaluate(installSquiggleProbe);
  const spinning = page.locator('.part.statusbar .statusbar-item', { hasText: 'RaceLens' }).locator('.codicon-modifier-spin');
  const latencies = [];
  for (let i = 0; i < WARMUP + KEYSTROKES; i++) {
    await page.evaluate(() => window.racelensBench.arm());
    await page.keyboard.press(i % 2 === 0 ? 'x' : 'Backspace');
    const { ms } = await page.evaluate(() => window.racelensBench.result);
    if (i >= WARMUP) latencies.push(ms);
    await spinning.waitFor({ state: 'detached' });
  }
  console.log(`  keystrokes: ${latencies.map((l) => Math.round(l)).join(' ')} ms`);
  return latencies;
}

/**
 * For a cold panel (editorHost.ts's `cold`): the simulation's notification
 * on screen and its entrance over, as when a user has read it.
 */
async function notificationSettled(page) {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'RaceLens:' }).first();
  await toast.waitFor({ state: 'visible' });
  await page.waitForFunction(() => {
    const shown = document.querySelector('.notifications-toasts');
    return shown && shown.getAnimations({ subtree: true }).every((a) => a.playState === 'finished');
  });
}

/**
 * Opens `folder` in a new window and waits for editorHost.ts to finish
 * there; `drive(page)` runs once it logs `NAME: ready`. Returns its figures,
 * what `drive` returned, and when the window was opened.
 */
async function measure(server, name, drive) {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    let finished;
    const exited = new Promise((resolve) => { finished = resolve; });
    let isReady;
    const ready = new Promise((resolve) => { isReady = resolve; });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
      appendFileSync(workbenchLog, `${name} ${type}: ${text}\n`);
      if (text === `[racelens-bench] ${name}: ready`) isReady();
      else if (text.startsWith('[racelens-bench] ')) console.log(`  ${text.slice('[racelens-bench] '.length)}`);
    });
    await page.exposeFunction('codeAutomationExit', (code) => finished(code));
    const authority = new URL(server.url).host;
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${authority}${ROOT}`],
      ['extensionTestsPath', `vscode-remote://${authority}${join(ROOT, 'out/bench/editor/index.js')}`],
    ];
    const opened = Date.now();
    await page.goto(`${server.url}/?folder=${encodeURIComponent(folders[name])}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    let driven;
    if (drive) {
      await ready;
      driven = await drive(page);
      writeFileSync(join(resultsDir, `${name}.driven`), '');
    }
    let timer;
    await Promise.race([
      exited,
      server.exited.then((code) => { throw new Error(`code-server exited (${code})`); }),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${name}: no result after ${PHASE_TIMEOUT_MS / 1000} s`)), PHASE_TIMEOUT_MS); }),
    ]);
    clearTimeout(timer);
    await page.screenshot({ path: join(logDir, `${name}.png`) }).catch(() => {});
    const file = join(resultsDir, `${name}.json`);
    if (!existsSync(file)) throw new Error(`${name}: the extension host wrote no results (see ${workbenchLog})`);
    const figures = JSON.parse(readFileSync(file, 'utf8'));
    if (figures.error) throw new Error(`${name}: ${figures.error}`);
    return { ...figures, driven, opened };
  } finally {
    await browser.close();
  }
}

const ms = (value) => `${Math.round(value).toLocaleString('en')} ms`;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const verdict = (value, bar) => (value < bar ? `under the ${ms(bar)} bar` : `OVER the ${ms(bar)} bar`);

let server;
try {
  server = await startCodeServer({
    folder: folders.edit, userDataDir, extensionsDir, port: await freePort(),
    env: { RACELENS_BENCH_RESULTS: resultsDir },
    log: (text) => appendFileSync(serverLog, text),
  });
  console.log(`Editor: measured in code-server's VS Code (headless Chromium), the analysis on its worker thread; logs in ${logDir}`);

  if (ONLY.has('edit')) {
    const edit = await measure(server, 'edit', keystrokes);
    const typed = edit.driven;
    console.log(`  keystroke to updated diagnostics, ${edit.lines.toLocaleString('en')}-line C file (debounce ${edit.debounceMs} ms), ` +
      `key press in the browser to the squiggle changed on screen: ${ms(median(typed))} median of ${typed.length} ` +
      `(${ms(Math.min(...typed))}–${ms(Math.max(...typed))}), ${verdict(median(typed), BAR.keystrokeMs)}`);
  }

  if (ONLY.has('tree')) {
    const tree = await measure(server, 'tree');
    const index = tree.done - tree.opened;
    console.log(`  first index of a ${tree.files}-file folder: ${ms(index)} from opening the window to the analysis done ` +
      `(${ms(tree.done - tree.activated)} of it after RaceLens activated), ${verdict(index, BAR.indexMs)}; ${tree.findings} findings`);
    const slow = tree.hover.p95Ms < BAR.responsiveMs ? `responsive (95% of hovers under ${ms(BAR.responsiveMs)})` : `NOT responsive: 5% of hovers over ${ms(tree.hover.p95Ms)}`;
    console.log(`  meanwhile, ${tree.hover.count} hovers on the open C file: ${ms(tree.hover.medianMs)} median, ${ms(tree.hover.p95Ms)} 95th percentile, ` +
      `${ms(tree.hover.maxMs)} at most; extension host event loop late by ${ms(tree.eventLoopLag.maxMs)} at most; ${slow}`);
  }

  if (ONLY.has('panel')) {
    // Alternating, so a burst of load on the machine falls on both kinds alike.
    const panels = [];
    const colds = [];
    for (let i = 1; i <= PANEL_WINDOWS; i++) {
      panels.push(await measure(server, `panel${i}`));
      colds.push(await measure(server, `cold${i}`, notificationSettled));
    }
    const list = (values) => values.map((v) => ms(v)).join(', ');
    const first = median(panels.map((p) => p.firstMs));
    const cold = median(colds.map((p) => p.firstMs));
    console.log(`  timeline panel, ${panels[0].rows}-row witness: each figure runs from the panel being asked to show the timeline to the webview ` +
      `having painted it (its wall-clock stamp after that frame; the page's loading included); the webview builds the first screenful of rows ` +
      `in ${ms(median([...panels, ...colds].map((p) => p.drawMs)))} median, the rest after that paint`);
    console.log(`    Simulate Race, the window's first panel (opened as the simulation starts, the witness shown in it when found): ` +
      `${ms(first)} median of ${panels.length} windows (${list(panels.map((p) => p.firstMs))}), ${verdict(first, BAR.panelMs)}; ` +
      `from running the command ${ms(median(panels.map((p) => p.commandToPaintMs)))} median, the simulation included`);
    console.log(`    Show Timeline, the window's first panel (nothing opened earlier; asked for once the simulation's notification is up): ${ms(cold)} median of ${colds.length} windows ` +
      `(${list(colds.map((p) => p.firstMs))}), ${verdict(cold, BAR.panelMs)}`);
    console.log(`    shown again in the open panel (the page keeps its drawing of the same timeline) ${ms(median(panels.flatMap((p) => p.againMs)))} median; ` +
      `closed and opened again ${ms(median(panels.flatMap((p) => p.reopenedMs)))} median (code-server: a new webview's service worker replaces the last one's first); ` +
      `the extension host hears of a first panel ${ms(median([...panels, ...colds].map((p) => p.firstHeardMs - p.firstMs)))} after it is painted`);
  }
} finally {
  await server?.stop();
  rmSync(temp, { recursive: true, force: true });
}
