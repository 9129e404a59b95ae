// RaceLens: Show Model of Current File, through the command the palette runs.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, openFile, suite, test, waitFor, workspaceFolder } from './harness';

suite('show model', () => {
  test('on seed000-race.rlnotes it completes and shows the reader entry point', async () => {
    await closeAllEditors();
    const editor = await openFile('seed000-race.rlnotes');
    assert.equal(editor.document.languageId, 'racelens-notes');

    // executeCommand resolves when the command's handler has finished.
    await vscode.commands.executeCommand('racelens.showModel');

    const shown = await waitFor('an editor showing the model', () =>
      vscode.window.visibleTextEditors.find((e) => e.document !== editor.document && e.document.getText().includes('Entry kvm_vm_ioctl')));
    assert.match(shown.document.getText(), /^Entry reload_store/m);
    // Locations as the editor names files: relative to the workspace folder.
    assert.match(shown.document.getText(), /^Entry kvm_vm_ioctl {2}seed000-race\.rlnotes:41:1$/m);
    assert.ok(!shown.document.getText().includes(workspaceFolder().uri.fsPath), 'no absolute path');
  });
});
