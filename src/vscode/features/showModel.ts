// Show Model of Current File: what `racelens graph` prints for the active
// file (its functions, each entry point's inlined sync operations, its input
// problems), from the engine's model of the editor's text. Locations are
// named relative to the workspace folder, as the editor names files.

import * as vscode from 'vscode';
import { isReadable } from '../locations';
import type { Services } from '../services';
import type { VirtualDocuments } from '../virtualDocuments';

export function register(s: Services, pages: VirtualDocuments): void {
  s.context.subscriptions.push(vscode.commands.registerCommand('racelens.showModel', async () => {
    const document = vscode.window.activeTextEditor?.document;
    if (!document || !isReadable(document)) {
      void vscode.window.showInformationMessage('RaceLens: open a C file, notes, a patch, a mail or a locking.rst first.');
      return undefined;
    }
    await s.analysis.whenIdle();
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    const text = await s.analysis.client.call('model', { file: s.keys.keyOf(document.uri, document.languageId), folders });
    if (text === undefined) {
      void vscode.window.showInformationMessage('RaceLens: this file has not been read yet; try again in a moment.');
      return undefined;
    }
    const name = document.uri.path.split('/').pop() ?? 'file';
    await pages.show(`/model/${name}.txt`, text);
    return text;
  }));
}
