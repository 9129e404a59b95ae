// Verify Timeline: replays the typed CPU table under the cursor (notes, a
// mail, a Markdown fence) and reports it feasible, or the first row that
// cannot happen with the reason, as a diagnostic on that row and a message.
// Arguments `{ uri, line, params }` skip the cursor (tests, the CodeLens).

import * as vscode from 'vscode';
import type { Params } from '../../report/timelineSource';
import type { VerifyOutput } from '../analysis/protocol';
import { rangeOf } from '../locations';
import type { Services } from '../services';

export interface VerifyArgs {
  uri?: string;
  /** 0-based: any line of the table. */
  line?: number;
  params?: Params;
}

export function register(s: Services): void {
  const collection = vscode.languages.createDiagnosticCollection('racelens-timeline');
  s.context.subscriptions.push(
    collection,
    vscode.commands.registerCommand('racelens.verifyTimeline', (args?: VerifyArgs) => verify(s, collection, args ?? {})),
    // A verdict about text that changed no longer holds.
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) collection.delete(e.document.uri);
    }),
  );
}

async function verify(s: Services, collection: vscode.DiagnosticCollection, args: VerifyArgs): Promise<VerifyOutput | undefined> {
  const editor = vscode.window.activeTextEditor;
  const uri = args.uri ? vscode.Uri.parse(args.uri) : editor?.document.uri;
  if (!uri) {
    void vscode.window.showInformationMessage('RaceLens: open the notes or mail holding a typed CPU timeline (a `CPU 0   CPU 1` header and its rows) and put the cursor in it.');
    return undefined;
  }
  const document = await vscode.workspace.openTextDocument(uri);
  await s.analysis.whenIdle();
  const key = s.keys.keyOf(uri, document.languageId);
  const tables = s.analysis.facts.get(key)?.timelines ?? [];
  const line = args.line ?? (editor?.document.uri.toString() === uri.toString() ? editor.selection.active.line : undefined);
  const table = tables.find((t) => line !== undefined && t.line <= line && line <= t.endLine) ?? (tables.length === 1 ? tables[0] : undefined);
  if (!table) {
    void vscode.window.showInformationMessage(tables.length === 0
      ? 'RaceLens: this file holds no typed CPU timeline (a `CPU 0   CPU 1` header, a dashed rule, then the rows).'
      : `RaceLens: put the cursor inside one of the ${tables.length} typed timelines of this file (headers at lines ${tables.map((t) => t.line + 1).join(', ')}).`);
    return undefined;
  }
  const output = await s.analysis.client.call('verifyTimeline', { file: key, line: table.line, params: args.params ?? {}, simulation: s.settings.current.simulation });
  if (!output) return undefined;
  collection.delete(uri);
  if (output.timeline) s.timelines.addVerified(output.timeline);
  const show = output.timeline ? ['Show Timeline'] : [];
  const open = (choice: string | undefined): void => {
    if (choice && output.timeline) void vscode.commands.executeCommand('racelens.showTimeline', { id: output.timeline.id });
  };
  if (output.feasible) {
    void vscode.window.showInformationMessage(`RaceLens: the timeline at line ${table.line + 1} is feasible (${output.columns.join(', ')}).`, ...show).then(open);
  } else {
    const at = output.row?.loc;
    if (at) {
      const diagnostic = new vscode.Diagnostic(rangeOf(at), `this row cannot happen: ${output.reason ?? 'no execution reaches it in the order written'}`, vscode.DiagnosticSeverity.Error);
      diagnostic.source = 'RaceLens';
      diagnostic.code = 'timeline';
      diagnostic.relatedInformation = [new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, new vscode.Position(table.line, 0)), `the timeline starts here (${output.columns.join(', ')})`)];
      collection.set(uri, [diagnostic]);
    }
    void vscode.window.showErrorMessage(`RaceLens: the timeline cannot happen${at ? ` at line ${at.line + 1}` : ''}: ${output.reason ?? ''}`, ...show).then(open);
  }
  for (const note of output.notes) s.output.appendLine(`timeline at line ${table.line + 1}: ${note}`);
  return output;
}
