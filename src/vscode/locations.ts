// File keys and locations. The engine names each file by a key: the file
// system path for files on disk (so the worker can read them itself), the
// URI's text for anything else (an untitled note, a remote file). Readers
// route by extension, so a key gets the extension its language implies when
// the name lacks one. Locations are 0-based on both sides.

import * as vscode from 'vscode';
import { extname, isAbsolute } from 'node:path';
import type { SourceLoc } from '../model/types';
import { SOURCE_EXTENSIONS } from '../parse/workspace';
import { LANGUAGE_EXTENSIONS, READ_LANGUAGES } from './languages';

export { READ_LANGUAGES };


/** Documents RaceLens reads, for hovers and lenses: by language, and by the extensions other languages claim. */
export const READ_SELECTOR: vscode.DocumentSelector = [
  ...READ_LANGUAGES.map((language) => ({ language })),
  { language: 'cpp', pattern: '**/*.h' },
  { pattern: '**/*.{patch,diff,mbox,eml,rst,txt}' },
];

export class FileKeys {
  private readonly uris = new Map<string, vscode.Uri>();

  keyOf(uri: vscode.Uri, languageId?: string): string {
    let key = uri.scheme === 'file' ? uri.fsPath : uri.toString();
    const implied = languageId ? LANGUAGE_EXTENSIONS[languageId] : undefined;
    if (implied && !SOURCE_EXTENSIONS.has(extname(uri.path).toLowerCase())) key += implied;
    this.uris.set(key, uri);
    return key;
  }

  uriOf(key: string): vscode.Uri {
    return this.uris.get(key) ?? (isAbsolute(key) ? vscode.Uri.file(key) : vscode.Uri.parse(key));
  }

  /** What the user reads: the path relative to the workspace. */
  display(key: string): string {
    return vscode.workspace.asRelativePath(this.uriOf(key), false);
  }

  /** A Markdown link that opens the location (hovers, the graph and object pages). */
  link(loc: SourceLoc, text: string): string {
    const target = this.uriOf(loc.file).with({ fragment: `L${loc.line + 1},${loc.col + 1}` });
    return `[${text.replace(/[[\]]/g, '')}](${target.toString()})`;
  }
}

/**
 * Where the user's own text lives. Other schemes show copies — `git:` the
 * committed version in a diff view, `output:` a log — and reading them
 * would define every function twice.
 */
const USER_SCHEMES = new Set(['file', 'untitled', 'vscode-vfs', 'vscode-remote']);

/** Is this document one RaceLens reads? The user's own text, by its language or its file's extension. */
export function isReadable(document: vscode.TextDocument): boolean {
  if (!USER_SCHEMES.has(document.uri.scheme)) return false;
  return READ_LANGUAGES.includes(document.languageId) || SOURCE_EXTENSIONS.has(extname(document.uri.path).toLowerCase());
}

export function rangeOf(loc: SourceLoc): vscode.Range {
  const end = loc.endLine > loc.line || (loc.endLine === loc.line && loc.endCol > loc.col) ? new vscode.Position(loc.endLine, loc.endCol) : new vscode.Position(loc.line, loc.col);
  return new vscode.Range(new vscode.Position(loc.line, loc.col), end);
}

export function locationOf(keys: FileKeys, loc: SourceLoc): vscode.Location {
  return new vscode.Location(keys.uriOf(loc.file), rangeOf(loc));
}

/** Opens a location in the editor group beside `besides` (the panel) or the active one. */
export async function reveal(keys: FileKeys, loc: Pick<SourceLoc, 'file' | 'line' | 'col'>, preserveFocus: boolean): Promise<void> {
  const document = await vscode.workspace.openTextDocument(keys.uriOf(loc.file));
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === document.uri.toString());
  const position = new vscode.Position(loc.line, loc.col);
  await vscode.window.showTextDocument(document, {
    viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
    selection: new vscode.Range(position, position),
    preserveFocus,
  });
}
