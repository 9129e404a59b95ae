// Read-only pages RaceLens writes (the lock order graph, an object's
// explanation, a file's model) as documents of the `racelens:` scheme:
// they open in an editor, never ask to be saved, and update in place.

import * as vscode from 'vscode';

export const SCHEME = 'racelens';

export class VirtualDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly pages = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  static register(context: vscode.ExtensionContext): VirtualDocuments {
    const docs = new VirtualDocuments();
    context.subscriptions.push(docs, vscode.workspace.registerTextDocumentContentProvider(SCHEME, docs));
    return docs;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.pages.get(uri.path) ?? 'This RaceLens page is gone: run its command again.';
  }

  /** Shows `text` as the page `path` (e.g. `/Lock Order Graph.md`: the extension picks the language). */
  async show(path: string, text: string): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: SCHEME, path });
    this.pages.set(uri.path, text);
    this.changed.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
