// The editor layer: only presents what the layers below compute. For now one
// command shows the model of the current file; diagnostics, hovers and the
// timeline panel come with the editor issue.

import * as vscode from 'vscode';
import { join } from 'node:path';
import { CParser } from '../parse/treeSitter';
import { readSource } from '../parse/workspace';
import { CallGraph } from '../model/callGraph';
import { parseConfig } from '../model/config';
import { unknownLockLikeCalls } from '../model/unknownPrimitives';
import { entrySequences, renderGraphText } from '../report/graphReport';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('RaceLens');
  const parser = CParser.load(join(context.extensionPath, 'dist'));
  context.subscriptions.push({ dispose: () => void parser.then((p) => p.dispose()) });
  context.subscriptions.push(output, vscode.commands.registerCommand('racelens.showModel', async () => {
    const document = vscode.window.activeTextEditor?.document;
    if (!document) {
      void vscode.window.showInformationMessage('RaceLens: open a C file, notes, a patch or a locking.rst first.');
      return;
    }
    const { config, problems } = parseConfig(vscode.workspace.getConfiguration('racelens').get('config'));
    for (const p of problems) output.appendLine(`setting racelens.config.${p.path}: ${p.message}`);
    const model = readSource(await parser, vscode.workspace.asRelativePath(document.uri), document.getText(), { table: config.table, aliases: config.aliases });
    const graph = new CallGraph([model]);
    output.clear();
    output.append(renderGraphText(graph, entrySequences(graph, graph.roots()), [...model.problems, ...unknownLockLikeCalls(graph)]));
    output.show(true);
  }));
}

export function deactivate(): void {}
