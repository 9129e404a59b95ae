// Shared by the feature tests: the analysis-done signal, and seed 000 open.
// No sleeps: every wait is on racelens.waitForIdle (the queue is empty) or on
// an editor event through the harness's waitFor.
import * as vscode from 'vscode';
import type { IdleState } from '../../../src/vscode/features/testHooks';
import { closeAllEditors, openFile } from '../harness';

export const SEED = 'seed000-race.rlnotes';

/** Lines of seed 000 (0-based), as the notes have them. */
export const LINE = {
  initCompletion: 15,
  synchronize: 19,
  readerWait: 42,
  readerLock: 43,
  destroyWait: 60,
  timeline: 74,
  endUpdateRow: 101,
} as const;

export function idle(): Promise<IdleState> {
  return Promise.resolve(vscode.commands.executeCommand<IdleState>('racelens.waitForIdle'));
}

/** Seed 000's notes in an editor, the analysis done. */
export async function openSeed(): Promise<vscode.TextEditor> {
  await closeAllEditors();
  const editor = await openFile(SEED);
  await idle();
  return editor;
}

/** RaceLens's diagnostics with a code, in line order. */
export function raceLensDiagnostics(uri: vscode.Uri, code?: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri)
    .filter((d) => d.source === 'RaceLens' && (code === undefined || d.code === code))
    .sort((a, b) => a.range.start.line - b.range.start.line);
}

/** The id the editor gives a finding's timeline: code, file path, 0-based line and column. */
export function findingId(uri: vscode.Uri, line: number, col: number): string {
  return `RL001@${uri.fsPath}:${line}:${col}`;
}
