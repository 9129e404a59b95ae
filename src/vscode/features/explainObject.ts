// Explain Object: for the object under the cursor (a sync operation's, or
// any access path such as `&kvm->fw->srcu`), how it was identified, its
// aliases, and every use, as a page. `{ id }` names it directly.

import * as vscode from 'vscode';
import { parseConfig } from '../../model/config';
import { objectRef } from '../../model/objects';
import { explainObjectMarkdown, siteAt } from '../../report/objectReport';
import type { Services } from '../services';
import type { VirtualDocuments } from '../virtualDocuments';

/** An access path: `&kvm->fw->srcu`, `fw.completion`, `nr_running_td`. */
const ACCESS_PATH = /[&*]?\s*[A-Za-z_]\w*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*)*/g;

export function register(s: Services, pages: VirtualDocuments): void {
  s.context.subscriptions.push(vscode.commands.registerCommand('racelens.explainObject', async (args?: { id?: string }) => {
    const id = args?.id ?? objectAtCursor(s);
    if (!id) return undefined;
    await s.analysis.whenIdle();
    const { aliases } = parseConfig(s.settings.raw).config;
    const uses = s.analysis.usesOf(id);
    const text = explainObjectMarkdown(id, uses, aliases, (loc, label) => s.keys.link(loc, label));
    await pages.show(`/object/${id}.md`, text);
    return text;
  }));
}

function objectAtCursor(s: Services): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('RaceLens: open C or notes and put the cursor on a lock, SRCU domain, completion or counter (e.g. `&kvm->fw->srcu`).');
    return undefined;
  }
  const { document, selection } = editor;
  const position = selection.active;
  const site = siteAt(s.analysis.facts.get(s.keys.keyOf(document.uri, document.languageId))?.sites ?? [], position.line, position.character);
  if (site) return site.object.id;
  const line = document.lineAt(position.line).text;
  for (const match of line.matchAll(ACCESS_PATH)) {
    const start = match.index ?? 0;
    if (position.character < start || position.character > start + match[0].length) continue;
    const ref = objectRef(match[0], parseConfig(s.settings.raw).config.aliases);
    if (ref) return ref.id;
  }
  void vscode.window.showInformationMessage('RaceLens: the cursor is on no object: put it on a sync call or an access path such as `&kvm->fw->srcu`.');
  return undefined;
}
