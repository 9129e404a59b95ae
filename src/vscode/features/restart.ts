// Restart Analysis: drops every model and reads the workspace again, on a
// new worker when the old one stopped.

import * as vscode from 'vscode';
import type { Services } from '../services';

export function register(s: Services): void {
  s.context.subscriptions.push(vscode.commands.registerCommand('racelens.restartAnalysis', async () => {
    await s.analysis.restart();
    await s.analysis.whenIdle();
  }));
}
