// The review the editor is for, as a user does it with the packaged .vsix:
// open seed 000's notes, find the RL001 finding in the Problems panel, read
// its witness in the hover, run Simulate Race from the command palette
// (the defaults, by keyboard), step through the timeline panel with the
// keyboard, click a step to land on its line, and reload the window with
// the panel open. The screenshots it takes are the README's pictures.
import * as assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { Workbench } from './workbench';

const NOTES = 'seed000-race.rlnotes';

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

/** What the timeline panel shows: its CPU columns, the selected row, the state pane. */
async function panelState(frame: FrameLocator): Promise<{ cpus: string[]; selected: number; heading: string; objects: string[]; rows: number; steps: number }> {
  const cpus = await frame.locator('.steps thead th.cpu').allInnerTexts();
  const selected = await frame.locator('.steps tr.row[aria-selected="true"]').getAttribute('data-row');
  const heading = await frame.locator('aside.state h2').first().innerText();
  const objects = await frame.locator('aside.state table.objects tr').allInnerTexts();
  const rows = await frame.locator('.steps tr.row').count();
  // Rows after the steps show the CPUs left blocked at the end.
  const steps = await frame.locator('.steps tr.row:not(.blocked)').count();
  return { cpus, selected: Number(selected), heading, objects, rows, steps };
}

/** Presses `key` in the panel and waits until row `row` is the selected one. */
async function pressAndExpect(frame: FrameLocator, key: string, row: number): Promise<void> {
  await workbench.page.keyboard.press(key);
  await frame.locator(`.steps tr.row[data-row="${row}"][aria-selected="true"]`).waitFor();
}

test('seed 000 reviewed: the finding, its witness, Simulate Race, the timeline panel, back to the code, a reload', async () => {
  await workbench.openFile(NOTES);

  // The finding, in the Problems panel: the reader's wait_for_completion() on line 43.
  const labels = await workbench.problems(2);
  const finding = labels.find((label) => /^Error: kvm_vm_ioctl\(\) checks the update guard fw\.completion/.test(label) && /at line 43 and character 7\./.test(label));
  assert.ok(finding, `no problem for kvm_vm_ioctl() at line 43 among:\n${labels.join('\n')}`);
  assert.match(finding, /\(witnessed by the simulator\)/);
  // The row itself shows the source and the code.
  const shown = await workbench.page.locator('.markers-panel .monaco-list-row').allInnerTexts();
  assert.ok(shown.some((text) => /^RaceLens\s+RL001\s+\[Ln 43, Col 7\]$/m.test(text.replace(/\n(?=RL001|\[)/g, ' '))), `no RaceLens RL001 row at Ln 43:\n${shown.join('\n')}`);
  await workbench.screenshot('problems');

  // Its witness in the hover: one column per CPU, the evidence, the step where it breaks.
  await workbench.runCommand('View: Hide Panel');
  await workbench.runCommand('View: Focus Active Editor Group');
  // On the line's comment, past the squiggle: RaceLens's hover without the diagnostic's above it.
  const hover = await workbench.hover(43, 52, 'Open Timeline');
  assert.match(hover, /RaceLens RL001/);
  assert.match(hover, /evidence: witnessed \(schedule [^)]+\)/);
  assert.match(hover, /CPU 0 kvm_vm_ioctl\s+CPU 1 reload_store/);
  assert.match(hover, /<- breaks here/);
  await workbench.screenshot('hover');
  await workbench.page.keyboard.press('Escape');

  // Simulate Race from the palette, the cursor in kvm_vm_ioctl(): the other
  // CPUs are preselected (they share objects with it); Enter takes them.
  await workbench.runCommand('RaceLens: Simulate Race');
  const others = await workbench.quickPick('Simulate kvm_vm_ioctl() against');
  assert.ok(others.items.some((item) => item.label === 'reload_store' && item.checked), `reload_store is not preselected: ${JSON.stringify(others.items)}`);
  await workbench.page.keyboard.press('Enter');
  // The scenario's open parameter: data = 1 takes the update on to its end, inside the reader's window.
  await workbench.quickPick('Parameter data');
  await workbench.quickInput.fill('1');
  await workbench.page.keyboard.press('Enter');

  // The panel opens on the witness, with the step where the property breaks selected.
  const frame = workbench.webview();
  await frame.locator('.steps tr.row.selected').waitFor();
  const opened = await panelState(frame);
  assert.deepEqual(opened.cpus.slice(0, 2), ['CPU 0 · kvm_vm_ioctl', 'CPU 1 · reload_store']);
  assert.match(await frame.locator('header h1').innerText(), /^Violation \(update-phase-exclusion\)/);
  assert.equal(await frame.locator('.steps tr.row.breaks').getAttribute('data-row'), String(opened.selected));
  await workbench.runCommand('Notifications: Clear All Notifications');
  await workbench.screenshot('panel');

  // Step through it by keyboard: focus the table (its header: no step), then first, next, last, previous.
  await frame.locator('.steps thead th.num').click();
  await pressAndExpect(frame, 'Home', 0);
  const first = await panelState(frame);
  assert.equal(first.heading, `After step 1 of ${first.steps}`);
  await pressAndExpect(frame, 'ArrowDown', 1);
  const second = await panelState(frame);
  assert.equal(second.heading, `After step 2 of ${first.steps}`);
  assert.notDeepEqual(second.objects, first.objects, 'the object states change with the step');
  await pressAndExpect(frame, 'End', first.rows - 1);
  const last = await panelState(frame);
  assert.notDeepEqual(last.objects, first.objects, 'the object states change between the first and the last row');
  await pressAndExpect(frame, 'ArrowUp', first.rows - 2);
  assert.notEqual((await panelState(frame)).heading, last.heading);

  // The panel on its own, maximized, the steps beside the state pane (the README's picture): from the
  // top down to the updater's synchronize_srcu(), which returns at once, no reader being inside yet.
  await workbench.runCommand('View: Toggle Primary Side Bar Visibility');
  await workbench.runCommand('View: Toggle Maximize Editor Group');
  await frame.locator('.steps thead th.num').click();
  const graceRow = Number(await frame.locator('.steps tr.row', { hasText: 'synchronize_srcu(&fw->srcu)' }).first().getAttribute('data-row'));
  await pressAndExpect(frame, 'Home', 0);
  for (let row = 1; row <= graceRow; row++) await pressAndExpect(frame, 'ArrowDown', row);
  assert.match(await frame.locator('aside.state table.cpus').innerText(), /CPU 1 · reload_store\s+synchronize_srcu\(&fw->srcu\): no fw\.srcu read-side section is open: returns at once/);
  await workbench.screenshot('panel-maximized');
  await workbench.runCommand('View: Toggle Maximize Editor Group');
  await workbench.runCommand('View: Toggle Primary Side Bar Visibility');
  await workbench.editor(NOTES).waitFor();

  // Click the reader's srcu_read_lock() step: the editor shows its line, line 44, with the cursor on it.
  const lock = frame.locator('.steps tr.row', { hasText: 'srcu_read_lock(&kvm->fw->srcu)' }).first();
  const lockRow = Number(await lock.getAttribute('data-row'));
  assert.notEqual(lockRow, graceRow);
  await lock.click();
  await frame.locator(`.steps tr.row[data-row="${lockRow}"][aria-selected="true"]`).waitFor();
  await workbench.runCommand('View: Focus First Editor Group');
  await workbench.statusBarItem(/Ln 44, Col 13\b/).waitFor();
  assert.match(await workbench.editorText(NOTES), /-> idx = srcu_read_lock\(&kvm->fw->srcu\)/);

  // The window reloads with the panel open: the serializer brings back the same timeline and step.
  await frame.locator(`#app[data-saved-row="${lockRow}"]`).waitFor();
  const title = await frame.locator('header h1').innerText();
  await workbench.reloadWindow();
  const restored = workbench.webview();
  await restored.locator(`.steps tr.row[data-row="${lockRow}"][aria-selected="true"]`).waitFor();
  assert.equal(await restored.locator('header h1').innerText(), title);
  assert.deepEqual((await panelState(restored)).cpus, opened.cpus);
  await workbench.screenshot('panel-after-reload');
});
