// Show Lock Order Graph and Explain Object: pages built from the analysis.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { positionOf, suite, test } from '../harness';
import { openSeed } from './featureHelpers';

suite('pages', () => {
  test('Show Lock Order Graph opens the graph as a Markdown page', async () => {
    await openSeed();
    const text = await vscode.commands.executeCommand<string>('racelens.showLockGraph');
    assert.match(text, /^# Lock order graph\n\n\d+ lock class(?:es)?, \d+ dependenc(?:y|ies), \d+ cycles?\./);
    const page = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'racelens');
    assert.equal(page?.document.languageId, 'markdown');
  });

  test('Explain Object on the cursor\'s access path: how it was identified, its uses', async () => {
    const editor = await openSeed();
    const at = positionOf(editor.document, '&kvm->fw->srcu', 5);
    editor.selection = new vscode.Selection(at, at);
    const text = await vscode.commands.executeCommand<string>('racelens.explainObject');
    assert.match(text, /^# fw\.srcu\n/);
    assert.match(text, /## How it was identified\n\n- member `srcu` of `fw` in `&fw->srcu`/);
    assert.match(text, /### srcu_read_lock\n/);
    assert.match(text, /### synchronize_srcu\n/);
  });

  test('Explain Object with no editor says why', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.equal(await vscode.commands.executeCommand('racelens.explainObject'), undefined);
  });
});
