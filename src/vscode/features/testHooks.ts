// TEST ONLY — not in the command palette. `racelens.waitForIdle` resolves
// once nothing is queued (no debounced edit, read or check) and reports
// what the editor shows, so an extension-host test waits on the analysis
// instead of sleeping:
//
//   const state = await vscode.commands.executeCommand<IdleState>('racelens.waitForIdle');

import * as vscode from 'vscode';
import type { Services } from '../services';

export interface IdleState {
  /** Counts published results; a test that edits can wait for a higher one. */
  version: number;
  state: string;
  findings: number;
  problems: number;
  /** Each wrong setting or `.racelens.json` entry, with its path. */
  settingsProblems: string[];
  /** How the engine runs: on its worker thread, or in-process (and why). */
  engine: string;
  /** The timeline panel's content, when open. */
  panel?: {
    id: string;
    title: string;
    rows: number;
    selected: number;
    /** The 0-based line of the selected row's operation. */
    selectedLine?: number;
    breakRow?: number;
    cpus: string[];
    /** How long the webview took to build it, once it has. */
    renderMs?: number;
    /** From the host's show() until the webview painted it (a new panel's page load included). */
    openMs?: number;
    /** From the host's show() until the host heard it was painted (openMs and the message back). */
    heardMs?: number;
    /** When the webview painted it: performance.timeOrigin + performance.now(), as the extension host counts. */
    paintedAt?: number;
  };
  /** Files the engine holds a model of. */
  files: number;
}

export function register(s: Services): void {
  s.context.subscriptions.push(vscode.commands.registerCommand('racelens.waitForIdle', async (): Promise<IdleState> => {
    await s.analysis.whenIdle();
    const snapshot = s.analysis.snapshot;
    const client = s.analysis.client;
    const idle: IdleState = {
      version: snapshot?.version ?? 0,
      state: s.analysis.state.kind === 'error' ? `error: ${s.analysis.state.message}` : s.analysis.state.kind,
      findings: snapshot?.findings.length ?? 0,
      problems: snapshot?.output.problems.length ?? 0,
      settingsProblems: s.settings.describeProblems(),
      engine: client.mode === 'worker' ? 'worker' : `in-process (${client.why ?? 'unknown'})`,
      files: s.analysis.facts.size,
    };
    const shown = s.panel.current;
    if (shown) {
      const { view, selected } = shown;
      idle.panel = { id: view.id, title: view.title, rows: view.rows.length, selected, cpus: view.cpus.map((c) => c.label) };
      if (view.breakRow !== undefined) idle.panel.breakRow = view.breakRow;
      const line = view.rows[selected]?.loc.line;
      if (line !== undefined) idle.panel.selectedLine = line;
      const ms = s.panel.renderMs;
      if (ms !== undefined) idle.panel.renderMs = ms;
      const openMs = s.panel.openMs;
      if (openMs !== undefined) idle.panel.openMs = openMs;
      const heardMs = s.panel.heardMs;
      if (heardMs !== undefined) idle.panel.heardMs = heardMs;
      const paintedAt = s.panel.paintedAt;
      if (paintedAt !== undefined) idle.panel.paintedAt = paintedAt;
    }
    return idle;
  }));
}
