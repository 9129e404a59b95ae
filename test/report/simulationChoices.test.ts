import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entriesAt, entryChoices, objectsOf, scenarioParams } from '../../src/report/simulationChoices';
import { scenarioObjects } from '../../src/report/timelineSource';
import { buildScenario } from '../../src/sim';
import { SEED, seed000 } from './reportHelpers';

test('the cursor\'s side: the entry points whose path runs the line, or the entry line itself', async () => {
  const input = await seed000();
  const roots = input.roots.map((f) => f.name);
  assert.deepEqual(roots, ['reload_store', 'kvm_vm_ioctl', 'kvm_destroy_vm']);
  assert.deepEqual(entriesAt(input.graph, roots, SEED, 42), ['kvm_vm_ioctl'], 'wait_for_completion in kvm_vm_ioctl\'s kvm_get_fw');
  assert.deepEqual(entriesAt(input.graph, roots, SEED, 19), ['reload_store'], 'synchronize_srcu');
  assert.deepEqual(entriesAt(input.graph, roots, SEED, 58), ['kvm_destroy_vm'], 'the entry line');
  assert.deepEqual(entriesAt(input.graph, roots, SEED, 0), [], 'a comment');
});

test('the other sides: those sharing an object come first and are picked', async () => {
  const input = await seed000();
  const roots = input.roots.map((f) => f.name);
  assert.ok(objectsOf(input.graph, 'kvm_vm_ioctl').has('fw.srcu'));
  const choices = entryChoices(input.graph, roots, ['kvm_vm_ioctl']);
  assert.deepEqual(choices.map((c) => [c.name, c.picked]), [['reload_store', true], ['kvm_destroy_vm', true], ['kvm_vm_ioctl', false]]);
  assert.deepEqual(choices[0]!.shared, ['fw.completion', 'fw.srcu', 'nr_running_td']);
});

test('seed 000\'s open parameter is `data`; everything else in its conditions has a value', async () => {
  const input = await seed000();
  const scenario = buildScenario(input.graph, [{ name: 'kvm_vm_ioctl' }, { name: 'reload_store' }]);
  assert.deepEqual(scenarioParams(scenario), ['data']);
  assert.deepEqual(scenarioParams(buildScenario(input.graph, [{ name: 'kvm_destroy_vm' }])), []);
});

test('the scenario\'s objects with their state before the first step', async () => {
  const input = await seed000();
  const scenario = buildScenario(input.graph, [{ name: 'kvm_vm_ioctl' }, { name: 'reload_store' }]);
  assert.deepEqual(scenarioObjects(scenario), [
    { id: 'fw.completion', kind: 'completion', initial: 'completed for all' },
    { id: 'fw.srcu', kind: 'domain', initial: 'no reader' },
    { id: 'fw.update', kind: 'value', initial: '0' },
    { id: 'nr_running_td', kind: 'value', initial: '0' },
  ]);
});
