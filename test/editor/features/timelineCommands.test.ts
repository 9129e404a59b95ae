// Show Timeline, Copy Timeline as Text, Verify Timeline.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { VerifyOutput } from '../../../src/vscode/analysis/protocol';
import { suite, test, waitForDiagnostics } from '../harness';
import { findingId, idle, LINE, openSeed } from './featureHelpers';

suite('timeline commands', () => {
  test('Copy Timeline puts the email-ready CPU table of the finding\'s witness on the clipboard', async () => {
    const editor = await openSeed();
    await vscode.env.clipboard.writeText('');
    const id = findingId(editor.document.uri, LINE.readerWait, 6);
    const copied = await vscode.commands.executeCommand<string>('racelens.copyTimeline', { id });
    const clipboard = await vscode.env.clipboard.readText();
    assert.equal(clipboard, copied);
    const lines = clipboard.split('\n');
    assert.match(lines[0]!, /^CPU 0 {20,}CPU 1$/);
    assert.match(lines[1]!, /^-{25} +-{25}$/);
    assert.equal(lines[2], 'kvm_vm_ioctl()');
    assert.match(clipboard, /\n {3}-> wait_for_completion\(&kvm->fw->completion\) \/\/completed for all: passes\n/);
    assert.match(clipboard, /\n {40,}-> synchronize_srcu\(&fw->srcu\) \/\/no fw\.srcu read-side section is open: returns at once\n/);
  });

  test('Show Timeline opens the finding\'s witness in the panel; an unknown id opens nothing', async () => {
    const editor = await openSeed();
    const id = findingId(editor.document.uri, LINE.destroyWait, 6);
    assert.equal(await vscode.commands.executeCommand('racelens.showTimeline', { id }), id);
    const state = await idle();
    assert.equal(state.panel?.id, id);
    assert.deepEqual(state.panel?.cpus, ['CPU 0 · kvm_destroy_vm', 'CPU 1 · reload_store']);
    assert.equal(await vscode.commands.executeCommand('racelens.showTimeline', { id: 'no-such-timeline' }), undefined);
  });

  test('Verify Timeline on seed 000\'s table: feasible, CPU 0 in kvm_vm_ioctl, CPU 1 in reload_store', async () => {
    const editor = await openSeed();
    editor.selection = new vscode.Selection(LINE.timeline + 5, 0, LINE.timeline + 5, 0);
    const result = await vscode.commands.executeCommand<VerifyOutput>('racelens.verifyTimeline');
    assert.equal(result?.feasible, true);
    assert.deepEqual(result?.columns, ['CPU 0 runs kvm_vm_ioctl()', 'CPU 1 runs reload_store()']);
  });

  test('Verify Timeline with data = 1: the first impossible row, with the reason, as a diagnostic', async () => {
    const editor = await openSeed();
    const uri = editor.document.uri;
    const result = await vscode.commands.executeCommand<VerifyOutput>('racelens.verifyTimeline', { uri: uri.toString(), line: LINE.timeline, params: { data: 1 } });
    assert.equal(result?.feasible, false);
    assert.equal(result?.row?.loc.line, LINE.endUpdateRow);
    const [diagnostic] = await waitForDiagnostics(uri, (ds) => ds.some((d) => d.code === 'timeline'));
    const row = vscode.languages.getDiagnostics(uri).find((d) => d.code === 'timeline') ?? diagnostic!;
    assert.equal(row.range.start.line, LINE.endUpdateRow);
    assert.match(row.message, /^this row cannot happen: CPU 1 cannot reach `end_update = true;` here/);
  });
});
