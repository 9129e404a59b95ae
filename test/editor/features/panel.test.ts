// The timeline panel: it follows the cursor, and draws a 200-step witness
// fast. (What it shows is checked on the view model, test/report/.)
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SimulateResult } from '../../../src/vscode/features/simulateRace';
import { after, closeAllEditors, openFile, suite, test, waitFor, workspaceUri } from '../harness';
import { idle, LINE, openSeed } from './featureHelpers';

const LONG = 'long-run.rlnotes';

suite('timeline panel', () => {
  after(async () => {
    await closeAllEditors();
    await vscode.workspace.fs.delete(workspaceUri(LONG)).then(undefined, () => undefined);
    await idle();
  });

  test('moving the cursor onto a line the witness runs selects that step', async () => {
    const editor = await openSeed();
    await vscode.commands.executeCommand('racelens.simulateRace', { entries: ['kvm_vm_ioctl', 'reload_store'], params: { data: 1 } });
    await vscode.window.showTextDocument(editor.document, editor.viewColumn);
    editor.selection = new vscode.Selection(LINE.synchronize, 25, LINE.synchronize, 25);
    const panel = await waitFor('the panel to select the synchronize_srcu step', async () => {
      const state = await idle();
      return state.panel?.selectedLine === LINE.synchronize ? state.panel : undefined;
    });
    assert.ok(panel.selected < (panel.breakRow ?? Infinity));
  });

  test('a 200-step witness is drawn in under 500 ms', async () => {
    const lines = ['long_run()', ...Array.from({ length: 200 }, (_, i) => `-> atomic_inc(&counter${i % 2})`), '', 'other()', '-> atomic_inc(&counter0)', '-> atomic_inc(&counter1)', ''];
    await vscode.workspace.fs.writeFile(workspaceUri(LONG), new TextEncoder().encode(lines.join('\n')));
    await openFile(LONG);
    await idle();
    const result = await vscode.commands.executeCommand<SimulateResult>('racelens.simulateRace', { entries: ['long_run', 'other'] });
    assert.ok(result?.opened);
    const panel = await waitFor('the panel to report its drawing time', async () => {
      const { panel: shown } = await idle();
      return shown && shown.id === result.opened && shown.renderMs !== undefined && shown.openMs !== undefined ? shown : undefined;
    });
    assert.ok(panel.rows >= 200, `${panel.rows} rows`);
    assert.ok(panel.renderMs! < 500, `drawn in ${panel.renderMs} ms`);
    // From the host's show() to the webview painting it: the drawing, and the panel's page loading before it;
    // the host hears of it after that.
    assert.ok(panel.openMs !== undefined && panel.openMs >= panel.renderMs!, `shown in ${panel.openMs} ms`);
    assert.ok(panel.heardMs !== undefined && panel.heardMs >= panel.openMs, `painted after ${panel.openMs} ms, heard after ${panel.heardMs} ms`);
  });
});
