// What a user does after installing the .vsix: open the seed's notes with
// Quick Open, run "RaceLens: Show Model of Current File" from the command
// palette, and read the reader's entry point in what the command shows.
import * as assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { Workbench } from './workbench';

let workbench: Workbench;

before(async () => {
  workbench = await Workbench.open();
});

afterEach(async (t) => {
  await workbench?.screenshotAfter(t);
});

after(async () => {
  await workbench?.close();
});

test('Show Model of Current File shows Entry kvm_vm_ioctl for seed000-race.rlnotes', async () => {
  await workbench.openFile('seed000-race.rlnotes');
  await workbench.runCommand('RaceLens: Show Model of Current File');
  // The model opens as a read-only page beside the notes.
  const page = 'seed000-race.rlnotes.txt';
  await workbench.editor(page).waitFor();
  assert.match(await workbench.revealText(page, 'Entry kvm_vm_ioctl'), /^1 of 1$/);
  assert.match(await workbench.editorText(page), /Entry kvm_vm_ioctl/);
  // The picture for the README: the notes, and their model beside them.
  await workbench.screenshot('show-model');
});
