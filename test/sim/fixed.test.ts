// The fixed design (test/fixtures/sim/fixed.rlnotes): the reader checks the
// update flag inside its read-side section and backs off. No interleaving
// breaks the update-phase exclusion, with one, two or three readers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildScenario, replaySchedule, simulate } from '../../src/sim';
import { graphOf } from './simHelpers';

test('fixed design: the exclusion holds in every interleaving, exhaustively within bounds', async () => {
  const graph = await graphOf('sim', 'fixed.rlnotes');
  for (const copies of [1, 2, 3]) {
    const scenario = buildScenario(graph, [{ name: 'fw_update' }, { name: 'kvm_vm_ioctl', copies }]);
    assert.deepEqual(scenario.idioms.map((i) => [i.domain, i.completions, i.flags]), [['fw.srcu', ['fw.completion'], ['fw.update']]]);
    const result = simulate(scenario, { budgetMs: 30_000 });
    assert.equal(result.stats.stopped, undefined, `copies ${copies}`);
    assert.equal(result.stats.boundHit, false, 'the retry goes round at most once: within the loop bound');
    assert.deepEqual(result.violations, []);
    assert.deepEqual(result.deadlocks, []);
    // Every reader got its TD initialised, whatever the order.
    assert.deepEqual(result.outcomes.map((o) => o.values), [{ 'fw.update': '0', nr_running_td: String(copies) }]);
    assert.ok(result.stats.executions > 1 && result.stats.states > 10);
  }
});

test('fixed design: a reader that sees the flag backs off and retries after complete_all', async () => {
  const scenario = buildScenario(await graphOf('sim', 'fixed.rlnotes'), [{ name: 'fw_update' }, { name: 'kvm_vm_ioctl' }]);
  // The updater publishes (no reader to wait for); the reader sees the flag, leaves and waits;
  // the update ends; the reader retries and goes through.
  const w = replaySchedule(scenario, '0x3 1x3 0x2 1x5');
  const reader = w.steps.filter((s) => s.cpu === 1).map((s) => s.action);
  assert.deepEqual(reader, [
    'idx = srcu_read_lock(&fw->srcu)', 'if (fw->update)', 'srcu_read_unlock(&fw->srcu, idx)',
    'wait_for_completion(&fw->completion)', 'idx = srcu_read_lock(&fw->srcu)', 'if (fw->update)', 'atomic_inc(&nr_running_td)', 'srcu_read_unlock(&fw->srcu, idx)',
  ]);
  assert.match(w.steps[4]!.lines.map((l) => l.note ?? '').join(' '), /true/);
  assert.ok(w.steps.some((s) => s.lines.some((l) => l.text === 'goto retry;')));
  assert.deepEqual(w.blocked, []);
});

test('the fixed design in C (a for loop with break, a goto): no violation either', async () => {
  const scenario = buildScenario(await graphOf('sim', 'fixed.c'), [{ name: 'fw_update' }, { name: 'vm_ioctl', copies: 2 }]);
  assert.deepEqual(scenario.idioms.map((i) => [i.domain, i.updaters, i.readers, i.completions, i.flags]), [['fw.srcu', [0], [1, 2], ['fw.done'], ['fw.update']]]);
  const result = simulate(scenario);
  assert.equal(result.stats.stopped, undefined);
  assert.deepEqual(result.violations, []);
  assert.deepEqual(result.deadlocks, []);
  assert.deepEqual(result.outcomes.map((o) => o.threads.map((t) => t.ret)), [['0', '0', '0']]);
});
