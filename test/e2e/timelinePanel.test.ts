// The timeline panel on a 200-step witness, in the browser: Simulate Race
// from the palette on a long notes entry point opens the panel, which draws
// the first screenful at once and the remaining rows after, and the
// keyboard reaches the last step; closed, Show Timeline makes a new page
// that carries its timeline in its HTML (a JSON data block, under the same
// strict CSP).
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

/** The panel's rows: all STEPS + 2 once the rows past the first screenful have followed the first paint; End and Home reach the ends. */
async function allRowsReachable(): Promise<void> {
  const frame = workbench.webview();
  await frame.locator('.steps tr.row.selected').waitFor();
  const rows = frame.locator('.steps tr.row');
  await workbench.until(`${STEPS + 2} rows in the table`, async () => (await rows.count()) === STEPS + 2);
  await frame.locator('.steps thead th.num').click();
  await workbench.page.keyboard.press('End');
  await frame.locator(`.steps tr.row[data-row="${STEPS + 1}"][aria-selected="true"]`).waitFor();
  assert.equal(await frame.locator('aside.state h2').first().innerText(), `After step ${STEPS + 2} of ${STEPS + 2}`);
  await workbench.page.keyboard.press('Home');
  const first = frame.locator('.steps tr.row[data-row="0"][aria-selected="true"]');
  await first.waitFor();
  // Scrolled back up, the first row shows whole below the sticky header, not under it.
  const header = frame.locator('.steps thead');
  await workbench.until('row 1 below the sticky header', async () => {
    const [top, row] = [await header.boundingBox(), await first.boundingBox()];
    return top !== null && row !== null && row.y >= top.y + top.height - 1;
  });
}

test('Simulate Race on a 200-step witness: the panel draws every row, End and Home reach the ends', async () => {
  await workbench.openFile(NOTES);
  // The cursor is on long_run(): the other entry point shares the counters, so it is preselected.
  await workbench.runCommand('RaceLens: Simulate Race');
  const others = await workbench.quickPick('Simulate long_run() against');
  assert.ok(others.items.some((item) => item.label === 'other' && item.checked), `other is not preselected: ${JSON.stringify(others.items)}`);
  await workbench.page.keyboard.press('Enter');
  await allRowsReachable();
  assert.match(await workbench.webview().locator('header h1').innerText(), /^Outcome 1: long_run vs other/);
});

test('Show Timeline with no panel open: the new page carries the timeline, under the strict CSP', async () => {
  await workbench.runCommand('View: Close All Editors');
  await workbench.runCommand('RaceLens: Show Timeline');
  // Several timelines known (the seed's findings too): the pick offers the last one used first.
  const pick = await workbench.quickPick('Show which timeline?');
  assert.match(pick.items[0]?.label ?? '', /^Outcome 1: long_run vs other/);
  await workbench.page.keyboard.press('Enter');
  const frame = workbench.webview();
  // A data block, which the CSP (nonces only, nothing loaded) does not run.
  await frame.locator('.steps tr.row.selected').waitFor();
  assert.match(await frame.locator('script#initial-state[type="application/json"]').textContent() ?? '', /CPU 0 · long_run/);
  const csp = await frame.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp ?? '', /^default-src 'none'; style-src 'nonce-[^' ]+'; script-src 'nonce-[^' ]+'$/);
  await allRowsReachable();
});
