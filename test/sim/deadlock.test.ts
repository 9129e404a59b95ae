// Deadlocks through locks, grace periods and cross-CPU calls, each reported
// with every blocked thread, what it waits for, who holds it and where.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildScenario, renderWitness, replaySchedule, simulate } from '../../src/sim';
import { graphOf } from './simHelpers';

test('seed 003: kvm->lock inside a kvm->srcu read side, against synchronize_srcu under kvm->lock', async () => {
  const scenario = buildScenario(await graphOf('sim', 'seed003.rlnotes'), [{ name: 'kvm_vcpu_ioctl' }, { name: 'kvm_vm_ioctl_set_memory_region' }]);
  const result = simulate(scenario);
  assert.equal(result.deadlocks.length, 1);
  const [deadlock] = result.deadlocks;
  assert.equal(deadlock!.kind, 'deadlock');
  const [reader, updater] = deadlock!.threads;
  assert.equal(reader!.label, 'kvm_vcpu_ioctl');
  assert.equal(reader!.action, 'mutex_lock(&kvm->lock)');
  assert.equal(reader!.loc.line + 1, 8);
  assert.equal(reader!.waitsFor, 'waits to take kvm.lock, held by CPU 1 (kvm_vm_ioctl_set_memory_region) since line 13');
  assert.deepEqual(reader!.heldBy.map((h) => [h.thread, h.loc?.line]), [[1, 12]]);
  assert.equal(updater!.label, 'kvm_vm_ioctl_set_memory_region');
  assert.equal(updater!.action, 'synchronize_srcu(&kvm->srcu)');
  assert.equal(updater!.loc.line + 1, 15);
  assert.match(updater!.waitsFor, /kvm\.srcu grace period.*CPU 0 \(kvm_vcpu_ioctl\)'s, begun at line 6/);
  assert.deepEqual(updater!.heldBy.map((h) => [h.thread, h.loc?.line]), [[0, 5]]);
  // The witness ends with both CPUs shown blocked where they are.
  const table = renderWitness(deadlock!.witness);
  assert.match(table, /-> mutex_lock\(&kvm->lock\) \/\/blocked: waits to take kvm\.lock/);
  assert.match(table, /\(still in synchronize_srcu\(\)\) \/\/blocked: waits for a kvm\.srcu grace period/);
  assert.deepEqual(replaySchedule(scenario, deadlock!.witness.schedule), deadlock!.witness);
  // The other order of the two entry points completes.
  assert.equal(result.outcomes.length, 1);
});

test('synchronize_srcu inside a read-side section of its own domain waits for itself', async () => {
  const { notesGraph } = await import('./simHelpers');
  const graph = await notesGraph(['nested()', '-> idx = srcu_read_lock(&kvm->srcu)', '-> synchronize_srcu(&kvm->srcu)', '-> srcu_read_unlock(&kvm->srcu, idx)'].join('\n'));
  const result = simulate(buildScenario(graph, [{ name: 'nested' }]));
  assert.equal(result.deadlocks.length, 1);
  assert.equal(result.deadlocks[0]!.kind, 'deadlock');
  assert.match(result.deadlocks[0]!.threads[0]!.waitsFor, /including its own, begun at line 2: synchronize inside its own read-side section/);
});

test('AB-BA: two mutexes taken in opposite orders', async () => {
  const scenario = buildScenario(await graphOf('sim', 'abba.rlnotes'), [{ name: 'dev_open' }, { name: 'dev_reset' }]);
  const result = simulate(scenario);
  assert.equal(result.deadlocks.length, 1);
  const [deadlock] = result.deadlocks;
  assert.equal(deadlock!.kind, 'deadlock');
  assert.deepEqual(deadlock!.threads.map((t) => [t.label, t.action, t.wait.kind === 'lock' ? t.wait.object : '', t.heldBy.map((h) => h.label)]), [
    ['dev_open', 'mutex_lock(&dev->io_lock)', 'dev.io_lock', ['dev_reset']],
    ['dev_reset', 'mutex_lock(&dev->state_lock)', 'dev.state_lock', ['dev_open']],
  ]);
  assert.match(deadlock!.summary, /^deadlock: CPU 0 \(dev_open\) at line 6 waits to take dev\.io_lock, held by CPU 1 \(dev_reset\) since line 11; CPU 1 \(dev_reset\) at line 13 waits to take dev\.state_lock, held by CPU 0 \(dev_open\) since line 4$/);
});

test('seed 001: readers spinning with IRQs off never answer the updater\'s on_each_cpu()', async () => {
  const scenario = buildScenario(await graphOf('sim', 'seed001-rwlock.rlnotes'), [{ name: 'seamcall_reader' }, { name: 'tdx_module_update_rwlock' }]);
  const result = simulate(scenario);
  assert.equal(result.deadlocks.length, 1);
  const [reader, updater] = result.deadlocks[0]!.threads;
  assert.equal(reader!.wait.kind, 'lock');
  assert.match(reader!.waitsFor, /tdx_update_lock for reading, held by CPU 1/);
  assert.equal(updater!.wait.kind, 'ipi');
  assert.equal(updater!.action, 'on_each_cpu(do_seamldr_update_step, NULL, 1)');
  assert.match(updater!.waitsFor, /CPU 0 \(seamcall_reader\) has IRQs off since line 7/);
  // read_lock_irqsave turns IRQs off before it spins: that is the step the IPI cannot get past.
  const steps = result.deadlocks[0]!.witness.steps;
  assert.match(steps[0]!.note ?? '', /IRQs off first/);
});

test('seed 001: the stop_machine() design does not deadlock, with one or two SEAMCALL readers', async () => {
  const graph = await graphOf('sim', 'seed001-stop-machine.rlnotes');
  for (const copies of [1, 2]) {
    const result = simulate(buildScenario(graph, [{ name: 'seamcall_reader', copies }, { name: 'tdx_module_update_stop_machine' }]));
    assert.deepEqual(result.deadlocks, []);
    assert.deepEqual(result.violations, []);
    assert.equal(result.stats.stopped, undefined);
    assert.equal(result.outcomes.length, 1);
  }
});

test('the same readers against an IPI that does not wait: no deadlock', async () => {
  const { notesGraph } = await import('./simHelpers');
  const graph = await notesGraph([
    'reader()', '-> read_lock_irqsave(&l, flags)', '-> read_unlock_irqrestore(&l, flags)', '',
    'updater()', '-> write_lock(&l)', '-> smp_call_function(step, NULL, 0)', '-> write_unlock(&l)',
  ].join('\n'));
  const result = simulate(buildScenario(graph, [{ name: 'reader' }, { name: 'updater' }]));
  assert.deepEqual(result.deadlocks, []);
});
