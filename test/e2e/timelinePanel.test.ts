// The timeline panel on a 200-step witness, in the browser: Simulate Race
// from the palette on a long notes entry point opens a page that carries
// its timeline in its HTML (a JSON data block, under the same strict CSP),
// draws the first screenful at once and the remaining rows after, and the
// keyboard reaches the last step.
import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { Workbench, e2eEnvironment } from './workbench';

const NOTES = 'long-run-e2e.rlnotes';
const STEPS = 200;

let workbench: Workbench;

before(async () => {
  // CPU 0 runs STEPS shared increments, CPU 1 two: a witness of STEPS + 2 rows.
  const lines = ['long_run()', ...Array.from({ length: STEPS }, (_, i) => `-> atomic_inc(&counter${i % 2})`), '', 'other()', '-> atomic_inc(&counter0)', '-> atomic_inc(&counter1)', ''];
  // Written before the window opens, so its Quick Open finds the file without waiting on a file-watcher event.
  writeFileSync(join(e2eEnvironment().workspace, NOTES), lines.join('\n'));
  workbench = await Workbench.open();
});

afterEach(async (t) => {
  await workbench?.screenshotAfter(t);
});

after(async () => {
  await workbench?.close();
  rmSync(join(e2eEnvironment().workspace, NOTES), { force: true });
});

test('a 200-step witness: the page carries its timeline, every row gets drawn, End reaches the last step', async () => {
  await workbench.openFile(NOTES);
  // The cursor is on long_run(): the other entry point shares the counters, so it is preselected.
  await workbench.runCommand('RaceLens: Simulate Race');
  const others = await workbench.quickPick('Simulate long_run() against');
  assert.ok(others.items.some((item) => item.label === 'other' && item.checked), `other is not preselected: ${JSON.stringify(others.items)}`);
  await workbench.page.keyboard.press('Enter');

  const frame = workbench.webview();
  await frame.locator('.steps tr.row.selected').waitFor();
  // The timeline came with the page: a data block, which the CSP (nonces only, nothing loaded) does not run.
  const data = frame.locator('script#initial-state[type="application/json"]');
  assert.match(await data.textContent() ?? '', /CPU 0 · long_run/);
  const csp = await frame.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp ?? '', /^default-src 'none'; style-src 'nonce-[^' ]+'; script-src 'nonce-[^' ]+'$/);

  // The rows past the first screenful follow the first paint: all of them end up in the table.
  const rows = frame.locator('.steps tr.row');
  await workbench.until(`${STEPS + 2} rows in the table`, async () => (await rows.count()) === STEPS + 2);

  await frame.locator('.steps thead th.num').click();
  await workbench.page.keyboard.press('End');
  await frame.locator(`.steps tr.row[data-row="${STEPS + 1}"][aria-selected="true"]`).waitFor();
  assert.equal(await frame.locator('aside.state h2').first().innerText(), `After step ${STEPS + 2} of ${STEPS + 2}`);
  await workbench.page.keyboard.press('Home');
  await frame.locator('.steps tr.row[data-row="0"][aria-selected="true"]').waitFor();
});
