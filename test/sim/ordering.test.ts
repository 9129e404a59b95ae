// "Can A run while B runs?": a witness when some interleaving has both at
// once, else "never" with the chain of orderings that keeps them apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildScenario, canRunTogether, labelTable, parsePoint, PointError, renderWitness } from '../../src/sim';
import { graphOf, notesGraph, seed000 } from './simHelpers';

test('fixed design: the reader\'s TD init never overlaps the update, and here is why', async () => {
  const graph = await graphOf('sim', 'fixed.rlnotes');
  const scenario = buildScenario(graph, [{ name: 'fw_update' }, { name: 'kvm_vm_ioctl' }]);
  const answer = canRunTogether(scenario, parsePoint('25'), parsePoint('12'));
  assert.equal(answer.answer, 'never');
  if (answer.answer !== 'never') return;
  assert.equal(answer.a, 'tdx_td_init(kvm) (line 25)');
  assert.equal(answer.b, 'do_tdx_module_update(fw) (line 12)');
  assert.equal(answer.exhaustive, true);
  assert.equal(answer.unexplained, 0);
  // Either the reader read the section before the update published (then the grace period waits for it)...
  const gp = answer.reasons.find((r) => r.first === answer.a);
  assert.ok(gp);
  assert.equal(gp.text, 'tdx_td_init(kvm) (line 25) on CPU 1 (kvm_vm_ioctl) ends before do_tdx_module_update(fw) (line 12) on CPU 0 (fw_update) begins: '
    + 'CPU 1\'s idx = srcu_read_lock(&fw->srcu) (line 19) precedes CPU 0\'s synchronize_srcu(&fw->srcu) (line 11), '
    + 'which waits for CPU 1\'s srcu_read_unlock(&fw->srcu, idx) (line 27)');
  // ...or it saw the flag the update cleared at its end.
  const flag = answer.reasons.find((r) => r.first === answer.b);
  assert.ok(flag);
  assert.deepEqual(flag.links, ['CPU 1\'s if (fw->update) (line 20) reads fw.update = 0, written by CPU 0\'s fw->update = false (line 14)']);
  assert.equal(answer.reasons.length, 2);
  assert.ok(answer.reasons.every((r) => r.executions > 0));
});

test('seed 000 forced (data = 1): the TD init runs inside the update window, with a witness', async () => {
  const scenario = buildScenario(await seed000(), [{ name: 'kvm_vm_ioctl' }, { name: 'reload_store' }]);
  // From the first check of the bias (line 19) to complete_all (line 31): the updater's window.
  const answer = canRunTogether(scenario, parsePoint('53'), parsePoint('19..31'), { params: { data: 1 } });
  assert.equal(answer.answer, 'together');
  if (answer.answer !== 'together') return;
  assert.deepEqual(answer.threads, [0, 1]);
  assert.equal(answer.where, 'CPU 0 (kvm_vm_ioctl) is at atomic_inc_unless_negative(&nr_running_td) (line 53) while CPU 1 (reload_store) is at lines 19..31');
  assert.equal(answer.schedule, '0 1x4 0');
  assert.match(renderWitness(answer.witness), /^CPU 0 +CPU 1$/m);
  const last = answer.witness.steps[answer.witness.steps.length - 1]!;
  assert.equal(last.cpu, 0);
  assert.match(last.action, /srcu_read_lock/);
});

const LOCKED = `
cpu_a()
-> mutex_lock(&dev->lock)
-> update_state(dev)             // racelens: label a_update
-> mutex_unlock(&dev->lock)

cpu_b()
-> mutex_lock(&dev->lock)
-> read_state(dev)               // racelens: label b_read
-> mutex_unlock(&dev->lock)
-> report(dev)                   // racelens: label b_report
`;

test('two critical sections of one mutex never overlap: the release precedes the next acquire', async () => {
  const graph = await notesGraph(LOCKED);
  const scenario = buildScenario(graph, [{ name: 'cpu_a' }, { name: 'cpu_b' }]);
  const labels = labelTable(graph);
  const answer = canRunTogether(scenario, { label: 'a_update' }, { label: 'b_read' }, { labels });
  assert.equal(answer.answer, 'never');
  if (answer.answer !== 'never') return;
  assert.deepEqual(answer.reasons.map((r) => r.text).sort(), [
    'a_update on CPU 0 (cpu_a) ends before b_read on CPU 1 (cpu_b) begins: CPU 0\'s mutex_unlock(&dev->lock) (line 5) releases dev.lock before CPU 1\'s mutex_lock(&dev->lock) (line 8) takes it',
    'b_read on CPU 1 (cpu_b) ends before a_update on CPU 0 (cpu_a) begins: CPU 1\'s mutex_unlock(&dev->lock) (line 10) releases dev.lock before CPU 0\'s mutex_lock(&dev->lock) (line 3) takes it',
  ]);
  // Outside the lock, anything goes.
  const outside = canRunTogether(scenario, { label: 'a_update' }, { label: 'b_report' }, { labels });
  assert.equal(outside.answer, 'together');
});

test('two readers of the fixed design can be in their TD init at once', async () => {
  const scenario = buildScenario(await graphOf('sim', 'fixed.rlnotes'), [{ name: 'fw_update' }, { name: 'kvm_vm_ioctl', copies: 2 }]);
  const answer = canRunTogether(scenario, parsePoint('25'), parsePoint('25'));
  assert.equal(answer.answer, 'together');
  if (answer.answer === 'together') assert.deepEqual([...answer.threads].sort(), [1, 2]);
});

test('points: labels, lines, files and stretches; a label nobody wrote is an error that says how to write one', async () => {
  assert.deepEqual(parsePoint('td_init'), { label: 'td_init' });
  assert.deepEqual(parsePoint('42'), { line: 42 });
  assert.deepEqual(parsePoint('fixed.rlnotes:12'), { file: 'fixed.rlnotes', line: 12 });
  assert.deepEqual(parsePoint('19..31'), { from: { line: 19 }, to: { line: 31 } });
  const scenario = buildScenario(await graphOf('sim', 'fixed.rlnotes'), [{ name: 'fw_update' }, { name: 'kvm_vm_ioctl' }]);
  assert.throws(() => canRunTogether(scenario, { label: 'nope' }, parsePoint('12')), (e: unknown) => e instanceof PointError && /racelens: label nope/.test(e.message));
  assert.throws(() => canRunTogether(scenario, parsePoint('999'), parsePoint('12')), /line 999 is not reached by any of fw_update, kvm_vm_ioctl/);
});

test('a completion orders the producer before the consumer: the wait passes only after complete()', async () => {
  const graph = await notesGraph(`
producer()
-> prepare(dev)                      // racelens: label produce
-> complete(&dev->done)

consumer()
-> wait_for_completion(&dev->done)
-> use(dev)                          // racelens: label consume
`);
  const scenario = buildScenario(graph, [{ name: 'producer' }, { name: 'consumer' }]);
  const answer = canRunTogether(scenario, { label: 'produce' }, { label: 'consume' }, { labels: labelTable(graph) });
  assert.equal(answer.answer, 'never');
  if (answer.answer !== 'never') return;
  assert.deepEqual(answer.reasons.map((r) => [r.text, r.executions]), [[
    'produce on CPU 0 (producer) ends before consume on CPU 1 (consumer) begins: CPU 1\'s wait_for_completion(&dev->done) (line 7) passes only after CPU 0\'s complete(&dev->done) (line 4)', 1,
  ]]);
});
