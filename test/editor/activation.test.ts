// The extension as installed: the notes language and grammar are contributed,
// and opening a notes file activates the extension (activationEvents:
// onLanguage:racelens-notes), in the real extension host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, openFile, racelens, suite, test, waitFor } from './harness';

suite('activation', () => {
  test('the racelens-notes language is registered', async () => {
    const languages = await vscode.languages.getLanguages();
    assert.ok(languages.includes('racelens-notes'), `racelens-notes not among ${languages.length} languages`);
  });

  test('opening a .rlnotes file gives it the notes language and activates RaceLens', async () => {
    await closeAllEditors();
    const editor = await openFile('seed000-race.rlnotes');
    assert.equal(editor.document.languageId, 'racelens-notes');
    const extension = racelens();
    await waitFor('RaceLens to activate', () => extension.isActive);
    assert.equal(extension.packageJSON.name, 'racelens');
  });
});
