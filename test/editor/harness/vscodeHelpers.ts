// Helpers for tests that run inside the extension host. Every wait here ends
// on a condition or an event from the editor (with a deadline that turns into
// a readable failure), never on a fixed sleep.

import * as vscode from 'vscode';

export const EXTENSION_ID = 'racelens.racelens';

/** The workspace folder the runner opened: a temporary copy of examples/. */
export function workspaceFolder(): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open (the runner opens a copy of examples/)');
  return folder;
}

export function workspaceUri(relativePath: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceFolder().uri, ...relativePath.split('/'));
}

/** Opens a workspace file in an editor and returns the editor. */
export async function openFile(relativePath: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceUri(relativePath));
  return vscode.window.showTextDocument(document, { preview: false });
}

export function racelens(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed in this extension host`);
  return extension;
}

export interface WaitOptions {
  /** Milliseconds before giving up (default 20 000). */
  timeout?: number;
  /** Events after which the condition is checked again at once (it is also re-checked every 25 ms). */
  events?: Array<vscode.Event<unknown>>;
}

/**
 * Resolves with the first truthy value of `probe`, re-evaluated when one of
 * `events` fires and every 25 ms; rejects after the timeout with
 * "timed out waiting for <what>" and the last value seen.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, options: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeout ?? 20_000);
  let last: unknown;
  let wake: (() => void) | undefined;
  const subscriptions = (options.events ?? []).map((event) => event(() => wake?.()));
  try {
    for (;;) {
      const value = await probe();
      if (value) return value;
      last = value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last value: ${String(last)})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 25);
        wake = () => { clearTimeout(timer); resolve(); };
      });
    }
  } finally {
    for (const s of subscriptions) s.dispose();
  }
}

/** The diagnostics of `uri` once `accept` says they are what the test waits for. */
export function waitForDiagnostics(uri: vscode.Uri, accept: (diagnostics: vscode.Diagnostic[]) => boolean, options: WaitOptions = {}): Promise<vscode.Diagnostic[]> {
  return waitFor(`diagnostics of ${uri.path}`, () => {
    const diagnostics = vscode.languages.getDiagnostics(uri);
    return accept(diagnostics) ? diagnostics : undefined;
  }, { ...options, events: [vscode.languages.onDidChangeDiagnostics, ...(options.events ?? [])] });
}

/** The text of every hover the providers give at a position (markdown and plain strings). */
export async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n---\n');
}

/** The position of the first occurrence of `text` in a document (0-based), for hovers and edits. */
export function positionOf(document: vscode.TextDocument, text: string, offsetInText = 0): vscode.Position {
  const at = document.getText().indexOf(text);
  if (at < 0) throw new Error(`'${text}' is not in ${document.uri.path}`);
  return document.positionAt(at + offsetInText);
}

/** Closes every editor, so a test starts from an empty editor area. */
export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
