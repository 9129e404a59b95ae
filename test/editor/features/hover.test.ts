// Hovers: the witness timeline on a flagged operation; the object on any
// sync operation.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { hoverText, positionOf, suite, test } from '../harness';
import { LINE, openSeed } from './featureHelpers';

suite('hover', () => {
  test('on the flagged wait_for_completion: the timeline with CPU 0 and CPU 1 columns, the evidence, the commands', async () => {
    const editor = await openSeed();
    const position = new vscode.Position(LINE.readerWait, editor.document.lineAt(LINE.readerWait).text.indexOf('wait_for') + 3);
    const text = await hoverText(editor.document.uri, position);
    assert.match(text, /\*\*RaceLens RL001\*\* · read side races with update start/);
    assert.match(text, /evidence: witnessed \(schedule [0-9x ?]+\)/);
    assert.match(text, / #  CPU 0 kvm_vm_ioctl\s+CPU 1 reload_store\n 1  wait_for_completion\(&kvm->fw->complet/);
    assert.match(text, /synchronize_srcu\(&fw->srcu\)\n 6  idx = srcu_read_lock\(&kvm->fw->srcu\)  <- breaks here/);
    assert.match(text, /\[Open Timeline\]\(command:racelens\.showTimeline\?/);
    assert.match(text, /\[Copy Timeline\]\(command:racelens\.copyTimeline\?/);
    assert.match(text, /\[Simulate Again\]\(command:racelens\.simulateRace\?/);
  });

  test('on any sync operation: its object, how it was identified, where else it is used', async () => {
    const editor = await openSeed();
    const text = await hoverText(editor.document.uri, positionOf(editor.document, 'srcu_read_lock(&kvm->fw->srcu)', 2));
    assert.match(text, /\*\*fw\.srcu\*\* — acted on by `srcu_read_lock`/);
    assert.match(text, /Identified by member `srcu` of `fw` in `&kvm->fw->srcu`\./);
    assert.match(text, /Also used at \(\d+\):/);
    assert.match(text, /`synchronize_srcu` in kvm_start_update_fw\(\)/);
    assert.match(text, /\[Explain Object\]\(command:racelens\.explainObject\?/);
    assert.doesNotMatch(text, /RaceLens RL001/, 'this line is not flagged');
  });

  test('a comment line has no RaceLens hover', async () => {
    const editor = await openSeed();
    const text = await hoverText(editor.document.uri, new vscode.Position(0, 5));
    assert.doesNotMatch(text, /RaceLens|Identified by/);
  });
});
