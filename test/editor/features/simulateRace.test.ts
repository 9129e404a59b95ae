// Simulate Race with arguments (no pickers), the timeline panel it opens,
// and the CodeLenses that start it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SimulateResult } from '../../../src/vscode/features/simulateRace';
import { closeAllEditors, suite, test, waitFor } from '../harness';
import { idle, LINE, openSeed } from './featureHelpers';

/** The editor's tabs holding the timeline panel, once the tab model has caught up with the panel. */
function timelineTabs(count: number): Promise<vscode.Tab[]> {
  const tabs = (): vscode.Tab[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('racelens.timeline'));
  return waitFor(`${count} timeline panel tab(s) (tabs: ${vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label).join(', ')})`,
    () => (tabs().length === count ? tabs() : undefined), { events: [vscode.window.tabGroups.onDidChangeTabs] });
}

suite('simulate race', () => {
  test('kvm_vm_ioctl against reload_store with data = 1: a violation, opened in the timeline panel', async () => {
    await openSeed();
    const result = await vscode.commands.executeCommand<SimulateResult>('racelens.simulateRace', { entries: ['kvm_vm_ioctl', 'reload_store'], params: { data: 1 } });
    assert.ok(result, 'the command returns what it ran');
    assert.match(result.verdict, /violation/);
    assert.ok(result.opened, 'a timeline was opened');
    const state = await idle();
    assert.equal(state.panel?.id, result.opened);
    assert.deepEqual(state.panel?.cpus, ['CPU 0 · kvm_vm_ioctl', 'CPU 1 · reload_store']);
    assert.ok((state.panel?.rows ?? 0) > 0);
    assert.equal(state.panel?.selected, state.panel?.breakRow, 'the step where the property breaks is selected');
    await timelineTabs(1);
    // The tab opened as the simulation started, titled so; the timeline's title replaces that.
    await waitFor('the tab to take the timeline\'s title', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
      .some((t) => t.label === 'Timeline: Violation (update-phase-exclusion): kvm_vm_ioctl vs reload_store'), { events: [vscode.window.tabGroups.onDidChangeTabs] });
  });

  test('Simulate Again from the hover\'s arguments replaces the panel\'s timeline, in the same panel', async () => {
    await openSeed();
    const first = await vscode.commands.executeCommand<SimulateResult>('racelens.simulateRace', { entries: [{ name: 'kvm_vm_ioctl' }, { name: 'reload_store' }], params: {} });
    const again = await vscode.commands.executeCommand<SimulateResult>('racelens.simulateRace', { entries: [{ name: 'kvm_vm_ioctl' }, { name: 'reload_store' }], params: {} });
    assert.notEqual(again.opened, first.opened, 'each run has its own timelines');
    assert.equal((await idle()).panel?.id, again.opened);
    await timelineTabs(1);
  });

  test('entry points and typed timelines carry lenses that run these commands', async () => {
    const editor = await openSeed();
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 20);
    const titled = lenses.filter((l) => l.command).map((l) => [l.range.start.line, l.command!.command, JSON.stringify(l.command!.arguments)]);
    assert.deepEqual(titled.filter(([, command]) => command === 'racelens.simulateRace').map(([line, , args]) => [line, args]), [
      [5, '[{"from":"reload_store"}]'], [40, '[{"from":"kvm_vm_ioctl"}]'], [58, '[{"from":"kvm_destroy_vm"}]'],
    ]);
    assert.deepEqual(titled.filter(([, command]) => command === 'racelens.verifyTimeline').map(([line]) => line), [LINE.timeline]);
  });

  test('the panel opens as the simulation starts, titled so, and then shows the timeline', async () => {
    // No panel open: the simulation makes a new one.
    await closeAllEditors();
    await openSeed();
    const labels: string[] = [];
    const watching = vscode.window.tabGroups.onDidChangeTabs((e) => {
      for (const tab of e.opened) if (tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('racelens.timeline')) labels.push(tab.label);
    });
    try {
      const result = await vscode.commands.executeCommand<SimulateResult>('racelens.simulateRace', { entries: ['kvm_vm_ioctl', 'reload_store'], params: { data: 1 } });
      assert.ok(result.opened);
      await waitFor('the timeline tab to open', () => labels.length > 0, { events: [vscode.window.tabGroups.onDidChangeTabs] });
      assert.deepEqual(labels, ['Timeline: Simulating kvm_vm_ioctl, reload_store…']);
      const { panel } = await waitFor('the timeline drawn', async () => {
        const state = await idle();
        return state.panel?.id === result.opened && state.panel?.openMs !== undefined ? state : undefined;
      });
      assert.ok(panel!.rows > 0);
    } finally {
      watching.dispose();
    }
  });

  test('a simulation that cannot run (an entry point nobody defines) leaves no panel, and the next one runs', async () => {
    await closeAllEditors();
    await openSeed();
    const failed = await vscode.commands.executeCommand('racelens.simulateRace', { entries: ['kvm_vm_ioctl', 'no_such_entry'] });
    assert.equal(failed, undefined, 'nothing ran');
    // The panel opened as the simulation started closes again: it never got a timeline.
    await timelineTabs(0);
    const result = await vscode.commands.executeCommand<SimulateResult>('racelens.simulateRace', { entries: ['kvm_vm_ioctl', 'reload_store'], params: { data: 1 } });
    assert.ok(result.opened, 'the analysis worker still simulates');
    await timelineTabs(1);
  });

  test('with no editor and no arguments it says why instead of running', async () => {
    await closeAllEditors();
    const result = await vscode.commands.executeCommand('racelens.simulateRace');
    assert.equal(result, undefined);
  });
});
