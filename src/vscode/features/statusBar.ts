// The status bar item: indexing (with progress), checking, the number of
// findings, or the error that stopped the analysis. Clicking it lists the
// findings in a quick pick (or opens the Problems view).

import * as vscode from 'vscode';
import type { Services } from '../services';
import { reveal } from '../locations';
import type { AnalysisState } from '../workspaceAnalysis';

export function register(s: Services): void {
  const item = vscode.window.createStatusBarItem('racelens.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'RaceLens';
  item.command = 'racelens.showFindings';
  const update = (): void => render(s, item, s.analysis.state);
  s.context.subscriptions.push(
    item,
    s.analysis.onDidChangeState(update),
    s.analysis.onDidUpdate(update),
    s.settings.onDidChange(update),
    vscode.commands.registerCommand('racelens.showFindings', () => showFindings(s)),
  );
  update();
  item.show();
}

function render(s: Services, item: vscode.StatusBarItem, state: AnalysisState): void {
  const settingsProblems = s.settings.describeProblems();
  const warn = settingsProblems.length > 0 ? ` $(warning)` : '';
  item.backgroundColor = undefined;
  switch (state.kind) {
    case 'starting':
      item.text = '$(sync~spin) RaceLens';
      item.tooltip = 'RaceLens is starting';
      break;
    case 'indexing':
      item.text = `$(sync~spin) RaceLens: indexing ${state.done}/${state.total}`;
      item.tooltip = 'Reading the workspace into one model';
      break;
    case 'checking':
      item.text = `$(sync~spin) RaceLens${s.analysis.snapshot ? `: ${count(s.analysis.snapshot.findings.length)}` : ''}`;
      item.tooltip = 'Checking';
      break;
    case 'idle': {
      const n = s.analysis.snapshot?.findings.length ?? 0;
      item.text = `${n > 0 ? '$(bug)' : '$(check)'} RaceLens: ${count(n)}${warn}`;
      item.tooltip = n > 0 ? 'Show the findings' : 'No finding in what is open';
      break;
    }
    case 'error':
      item.text = '$(error) RaceLens: error';
      item.tooltip = `${state.message} (see the RaceLens output; RaceLens: Restart Analysis tries again)`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      break;
  }
  if (settingsProblems.length > 0) item.tooltip = `${item.tooltip}\n\nSettings problems:\n${settingsProblems.join('\n')}`;
}

const count = (n: number): string => `${n} finding${n === 1 ? '' : 's'}`;

interface FindingItem extends vscode.QuickPickItem {
  loc?: { file: string; line: number; col: number };
}

async function showFindings(s: Services): Promise<void> {
  const snapshot = s.analysis.snapshot;
  if (!snapshot) {
    void vscode.window.showInformationMessage(s.analysis.state.kind === 'error'
      ? `RaceLens: the analysis stopped: ${s.analysis.state.message}`
      : 'RaceLens: the workspace is still being read; the findings come when it is done.');
    return;
  }
  const items: FindingItem[] = [{ label: '$(list-flat) Open the Problems view', description: 'all RaceLens diagnostics' }];
  for (const f of snapshot.findings) {
    items.push({
      label: `${f.severity === 'error' ? '$(error)' : '$(warning)'} ${f.code} ${f.message}`,
      description: `${s.keys.display(f.loc.file)}:${f.loc.line + 1}`,
      loc: f.loc,
    });
  }
  for (const p of s.settings.describeProblems()) items.push({ label: `$(gear) ${p}`, description: 'setting' });
  const chosen = await vscode.window.showQuickPick(items, {
    title: `RaceLens: ${count(snapshot.findings.length)}${snapshot.suppressed ? `, ${snapshot.suppressed} suppressed` : ''}`,
    matchOnDescription: true,
  });
  if (!chosen) return;
  if (chosen.loc) await reveal(s.keys, chosen.loc, false);
  else if (chosen.description === 'setting') await vscode.commands.executeCommand('workbench.action.openSettings', 'racelens');
  else await vscode.commands.executeCommand('workbench.actions.view.problems');
}
