// The editor benchmark's half that runs inside VS Code's extension host
// (bench/editor.mjs loads it as `extensionTestsPath`, with this repository
// as the extension under development). Which measurement it makes depends
// on the folder the window has open:
//
//   edit/   one 10,000-line C file: opened, the cursor put on the line the
//           keystrokes change; bench/editor.mjs then presses the keys in the
//           browser and times each until the squiggle changes on screen.
//   tree/   500 C files: a C file opened, until the first index and check
//           are done (racelens.waitForIdle); meanwhile hover round trips
//           through the workbench and the extension host's event-loop delay.
//   panelN/ a notes file whose simulation has a 200-step witness: from the
//           panel being asked to show it (TimelinePanel.show(), when the
//           simulation has found it) until the webview painted it (its
//           wall-clock stamp after the frame that shows the timeline, the
//           page's loading included), and until the extension host heard
//           so: the window's first panel (Simulate Race opened it as the
//           simulation started; also timed from the command), shown again
//           in it, closed and reopened.
//   coldN/  the same witness, simulated without opening anything; once
//           bench/editor.mjs has seen the simulation's notification up and
//           still, the window's first panel made by Show Timeline: nothing
//           opened it before the request.
//
// Results go to $RACELENS_BENCH_RESULTS/<folder>.json; bench/editor.mjs prints them.
// Every wait is on an editor event or the analysis-done signal.

import * as vscode from 'vscode';
import { existsSync, watch, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { IdleState } from '../src/vscode/features/testHooks';
import type { SimulateResult } from '../src/vscode/features/simulateRace';

/** The line the keystrokes edit: `msleep()` under a spinlock is RL006; `xmsleep()` is not a sleep. */
const TOGGLE_MARK = 'rl-bench: keystrokes here';

function log(line: string): void {
  console.log(`[racelens-bench] ${line}`);
}

function idle(): Promise<IdleState> {
  return Promise.resolve(vscode.commands.executeCommand<IdleState>('racelens.waitForIdle'));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function open(relativePath: string): Promise<vscode.TextEditor> {
  const folder = vscode.workspace.workspaceFolders![0]!;
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, relativePath));
  return vscode.window.showTextDocument(document, { preview: false });
}

async function edit(): Promise<Record<string, unknown>> {
  const editor = await open('big.c');
  const started = await idle();
  const { document } = editor;
  const line = document.getText().split('\n').findIndex((l) => l.includes(TOGGLE_MARK));
  const column = line < 0 ? -1 : document.lineAt(line).text.indexOf('msleep');
  if (column < 0) throw new Error(`big.c has no '${TOGGLE_MARK}' line`);
  if (!vscode.languages.getDiagnostics(document.uri).some((d) => d.code === 'RL006' && d.range.start.line === line)) {
    throw new Error(`no RL006 on line ${line + 1} of big.c before typing`);
  }
  // The cursor before `msleep`, the line in view: bench/editor.mjs presses the keys in the browser
  // and watches the squiggle there.
  editor.selection = new vscode.Selection(line, column, line, column);
  editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.InCenter);
  log('edit: ready');
  await signal('edit.driven');
  const after = await idle();
  return { lines: document.lineCount, files: started.files, engine: started.engine, debounceMs: vscode.workspace.getConfiguration('racelens').get('debounceMs'), findings: after.findings };
}

/** Resolves once bench/editor.mjs creates the file `name` in the results folder. */
function signal(name: string): Promise<void> {
  const folder = process.env.RACELENS_BENCH_RESULTS!;
  return new Promise((resolve) => {
    const watcher = watch(folder, () => {
      if (!existsSync(join(folder, name))) return;
      watcher.close();
      resolve();
    });
    if (existsSync(join(folder, name))) {
      watcher.close();
      resolve();
    }
  });
}

async function tree(): Promise<Record<string, unknown>> {
  const runStarted = Date.now();
  const found = await vscode.workspace.findFiles('**/*.c', undefined, 1);
  if (!found[0]) throw new Error('no C file in the tree');
  const document = await vscode.workspace.openTextDocument(found[0]);
  await vscode.window.showTextDocument(document, { preview: false });
  const extension = vscode.extensions.getExtension('racelens.racelens')!;
  await extension.activate();
  const activated = Date.now();

  // While the index runs: hover round trips (extension host → workbench → RaceLens's provider → back),
  // and how late a 20 ms timer fires on the extension host's event loop.
  let indexing = true;
  const hovers: number[] = [];
  const percentile = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
  const lags: number[] = [];
  const position = new vscode.Position(document.getText().split('\n').findIndex((l) => /mutex_lock|spin_lock/.test(l)), 4);
  const sampleHovers = (async () => {
    while (indexing) {
      const sent = performance.now();
      await vscode.commands.executeCommand('vscode.executeHoverProvider', document.uri, position);
      hovers.push(performance.now() - sent);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  let expected = performance.now() + 20;
  const timer = setInterval(() => {
    const now = performance.now();
    lags.push(Math.max(0, now - expected));
    expected = now + 20;
  }, 20);

  const state = await idle();
  const done = Date.now();
  indexing = false;
  clearInterval(timer);
  await sampleHovers;
  return {
    runStarted, activated, done, files: state.files, findings: state.findings, problems: state.problems, engine: state.engine,
    hover: { count: hovers.length, medianMs: median(hovers), p95Ms: percentile(hovers, 0.95), maxMs: Math.max(...hovers) },
    eventLoopLag: { count: lags.length, medianMs: median(lags), maxMs: Math.max(...lags) },
  };
}

/** Resolves once the panel reports timeline `id` painted. */
async function painted(id: string): Promise<NonNullable<IdleState['panel']>> {
  for (;;) {
    const shown = (await idle()).panel;
    if (shown && shown.id === id && shown.openMs !== undefined) return shown;
    // The webview reports its painting by message; ask again when the next one may have come.
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The timeline panel's tabs, closed: the next showing makes a new panel, whose page loads anew. */
async function closePanel(): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('racelens.timeline'));
  await vscode.window.tabGroups.close(tabs);
}

/** Wall clock, as TimelinePanel stamps show() and the webview its painting. */
const wallClock = (): number => performance.timeOrigin + performance.now();

async function panel(): Promise<Record<string, unknown>> {
  await open('long-run.rlnotes');
  await idle();
  // The window's first panel, opened by Simulate Race as the simulation starts; the witness is shown in it when found.
  const commandAt = wallClock();
  const result = await vscode.commands.executeCommand<SimulateResult>('racelens.simulateRace', { entries: ['long_run', 'other'] });
  const id = result?.opened;
  if (!id) throw new Error(`the simulation opened no timeline (${result?.verdict})`);
  const first = await painted(id);
  // Then the same timeline shown again in it.
  const again: number[] = [];
  for (let i = 0; i < 3; i++) {
    await vscode.commands.executeCommand('racelens.showTimeline', { id });
    again.push((await painted(id)).openMs!);
  }
  // Closed, then opened again: a new panel, whose page loads anew.
  const reopened: number[] = [];
  for (let i = 0; i < 2; i++) {
    await closePanel();
    await vscode.commands.executeCommand('racelens.showTimeline', { id });
    reopened.push((await painted(id)).openMs!);
  }
  return {
    rows: first.rows, firstMs: first.openMs, firstHeardMs: first.heardMs, drawMs: first.renderMs,
    commandToPaintMs: first.paintedAt! - commandAt, againMs: again, reopenedMs: reopened,
  };
}

/**
 * The window's first panel made by Show Timeline (the hover's or a
 * finding's link): nothing opened it earlier. The witness comes from a
 * simulation that opens nothing; bench/editor.mjs waits for its notification
 * to be up and still, as a user reads it before asking for the timeline.
 */
async function cold(name: string): Promise<Record<string, unknown>> {
  await open('long-run.rlnotes');
  await idle();
  const result = await vscode.commands.executeCommand<SimulateResult>('racelens.simulateRace', { entries: ['long_run', 'other'], open: false });
  const id = result?.timelines[0];
  if (!id) throw new Error(`the simulation found no timeline (${result?.verdict})`);
  log(`${name}: ready`);
  await signal(`${name}.driven`);
  await vscode.commands.executeCommand('racelens.showTimeline', { id });
  const first = await painted(id);
  return { rows: first.rows, firstMs: first.openMs, firstHeardMs: first.heardMs, drawMs: first.renderMs };
}

const PHASES: Record<string, (name: string) => Promise<Record<string, unknown>>> = { edit, tree, panel, cold };

export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  // panel1, panel2, ..., cold1, ...: the same measurement in several windows.
  const phase = folder ? PHASES[basename(folder.uri.fsPath).replace(/\d+$/, '')] : undefined;
  const out = process.env.RACELENS_BENCH_RESULTS;
  if (!folder || !phase || !out) throw new Error('run by bench/editor.mjs, in one of its folders (edit, tree, panel1, ...)');
  const name = basename(folder.uri.fsPath);
  try {
    writeFileSync(join(out, `${name}.json`), JSON.stringify(await phase(name)));
  } catch (error) {
    writeFileSync(join(out, `${name}.json`), JSON.stringify({ error: error instanceof Error ? error.stack ?? error.message : String(error) }));
  }
}
