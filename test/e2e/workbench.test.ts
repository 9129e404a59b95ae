// The page object's own checks, on things that exist whatever the features
// do next: the Problems panel, a hover, an Output channel and a webview
// (the built-in Markdown preview: the same two nested iframes as the
// RaceLens timeline panel).
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { Workbench, e2eEnvironment } from './workbench';

let workbench: Workbench;

before(async () => {
  // Written before the window opens, so its Quick Open finds the file without waiting on a file-watcher event.
  writeFileSync(join(e2eEnvironment().workspace, 'webview-check.md'), '# Webview check\n\nRendered **inside** the webview.\n');
  workbench = await Workbench.open();
});

afterEach(async (t) => {
  await workbench?.screenshotAfter(t);
});

after(async () => {
  await workbench?.close();
});

test('the Problems panel lists what RaceLens reports on seed000-race.rlnotes', async () => {
  await workbench.openFile('seed000-race.rlnotes');
  const rows = await workbench.problems();
  assert.ok(rows.some((row) => row.includes('RaceLens')), `no RaceLens problem among:\n${rows.join('\n')}`);
});

test('a hover on an SRCU read lock names its object', async () => {
  await workbench.openFile('seed000-race.rlnotes');
  // Line 44 of the notes: `-> idx = srcu_read_lock(&kvm->fw->srcu)`; column 20 is inside the call.
  const text = await workbench.hover(44, 20, 'srcu');
  assert.match(text, /srcu/);
});

test('an Output channel can be read', async () => {
  const text = await workbench.outputText('Extension Host (Remote)', /\S/);
  assert.ok(text.length > 0);
});

test('a webview can be reached through its two iframes', async () => {
  await workbench.openFile('webview-check.md');
  await workbench.runCommand('Markdown: Open Preview to the Side');
  const frame = workbench.webview('vscode.markdown-language-features');
  await frame.locator('h1', { hasText: 'Webview check' }).waitFor();
  assert.match(await frame.locator('body').innerText(), /Rendered inside the webview/);
});
