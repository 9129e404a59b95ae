// Diagnostics while editing: findings with their chain as related
// information, suppressions, input problems; re-checked after each edit.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, test, waitForDiagnostics } from '../harness';
import { idle, LINE, openSeed, raceLensDiagnostics } from './featureHelpers';

suite('diagnostics', () => {
  test('seed 000: RL001 at each reader\'s wait_for_completion, with init_completion and synchronize_srcu as related locations', async () => {
    const editor = await openSeed();
    const uri = editor.document.uri;
    assert.equal((await idle()).engine, 'worker', 'the analysis runs on its worker thread, off the extension host\'s');
    const rl001 = raceLensDiagnostics(uri, 'RL001');
    assert.deepEqual(rl001.map((d) => d.range.start.line), [LINE.readerWait, LINE.destroyWait]);
    const [reader] = rl001;
    assert.equal(reader!.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(editor.document.getText(reader!.range), 'wait_for_completion(&kvm->fw->completion)');
    assert.match(reader!.message, /^kvm_vm_ioctl\(\) checks the update guard fw\.completion .* \(witnessed by the simulator\)$/);
    const related = reader!.relatedInformation ?? [];
    assert.deepEqual(related.map((r) => [r.location.uri.toString(), r.location.range.start.line]), [
      [uri.toString(), LINE.initCompletion], [uri.toString(), LINE.synchronize], [uri.toString(), LINE.readerLock],
    ]);
    assert.match(related[0]!.message, /publishes the update guard here \(init_completion on fw\.completion\)/);
    assert.match(related[1]!.message, /^grace period starts here: synchronize_srcu on fw\.srcu/);
  });

  test('an edit re-checks: a racelens-ignore with a reason hides the finding, one without a reason is an input problem', async () => {
    const editor = await openSeed();
    const { document } = editor;
    const before = await idle();
    const end = (line: number) => document.lineAt(line).range.end;
    await editor.edit((e) => {
      e.insert(end(LINE.readerWait), ' // racelens-ignore RL001: the reader re-checks fw->update inside');
      e.insert(end(LINE.destroyWait), ' // racelens-ignore RL001');
    });
    const after = await idle();
    assert.ok(after.version > before.version, `a new check was published (${before.version} -> ${after.version})`);
    assert.deepEqual(raceLensDiagnostics(document.uri, 'RL001').map((d) => d.range.start.line), [LINE.destroyWait]);
    const input = raceLensDiagnostics(document.uri, 'input');
    assert.equal(input.length, 1);
    assert.match(input[0]!.message, /has no reason, so it is not applied/);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await idle();
    assert.equal(raceLensDiagnostics(document.uri, 'RL001').length, 2, 'reverting brings both findings back');
  });

  test('a Markdown fence left open is an input problem at its line; the rest is still read', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: '# Review\n\n```rlnotes\nf()\n-> mutex_lock(&a->lock)\n' });
    await vscode.window.showTextDocument(document);
    await idle();
    const [problem] = await waitForDiagnostics(document.uri, (ds) => ds.some((d) => d.code === 'input'));
    assert.equal(problem!.source, 'RaceLens');
    assert.equal(problem!.range.start.line, 2);
    assert.match(problem!.message, /code fence opened here is never closed/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
