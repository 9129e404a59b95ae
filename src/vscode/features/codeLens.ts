// CodeLenses: "Simulate Race" over every entry point in the file (notes
// entry lines, C functions nobody calls), "Verify Timeline" over every
// typed CPU table.

import * as vscode from 'vscode';
import { READ_SELECTOR } from '../locations';
import type { Services } from '../services';

export function register(s: Services): void {
  const changed = new vscode.EventEmitter<void>();
  s.context.subscriptions.push(
    changed,
    s.analysis.onDidUpdate(() => changed.fire()),
    vscode.languages.registerCodeLensProvider(READ_SELECTOR, {
      onDidChangeCodeLenses: changed.event,
      provideCodeLenses: (document) => lenses(s, document),
    }),
  );
}

function lenses(s: Services, document: vscode.TextDocument): vscode.CodeLens[] {
  const key = s.keys.keyOf(document.uri, document.languageId);
  const found: vscode.CodeLens[] = [];
  for (const root of s.analysis.snapshot?.output.roots ?? []) {
    if (root.loc.file !== key || root.loc.line >= document.lineCount) continue;
    found.push(new vscode.CodeLens(new vscode.Range(root.loc.line, 0, root.loc.line, 0), {
      title: '$(play) Simulate Race',
      tooltip: `Run ${root.name}() against the entry points that share its objects`,
      command: 'racelens.simulateRace',
      arguments: [{ from: root.name }],
    }));
  }
  for (const table of s.analysis.facts.get(key)?.timelines ?? []) {
    if (table.line >= document.lineCount) continue;
    found.push(new vscode.CodeLens(new vscode.Range(table.line, 0, table.line, 0), {
      title: '$(debug-step-over) Verify Timeline',
      tooltip: `Replay this ${table.cpus.length}-CPU table: feasible, or the first row that cannot happen`,
      command: 'racelens.verifyTimeline',
      arguments: [{ uri: document.uri.toString(), line: table.line }],
    }));
  }
  return found;
}
