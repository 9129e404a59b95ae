// Seed 000: the TDX module update (reload_store) racing with a VM ioctl
// (kvm_vm_ioctl), simulated from the reviewer's own notes in the mail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildScenario, renderWitness, replaySchedule, simulate, type Witness, type WitnessStep } from '../../src/sim';
import { seed000 } from './simHelpers';

/** Index of the first step of `cpu` whose action mentions `text` (after `from`). */
function stepOf(witness: Witness, cpu: number, text: string, from = 0): number {
  const at = witness.steps.findIndex((s: WitnessStep) => s.index >= from && s.cpu === cpu && s.action.includes(text));
  assert.ok(at >= 0, `no step of CPU ${cpu} doing ${text} in\n${renderWitness(witness)}`);
  return at;
}

const READER = 0;
const UPDATER = 1;

test('seed 000, data == 0: the update aborts with -EBUSY, by the seed\'s own interleaving', async () => {
  // The reader on CPU 0 and the updater on CPU 1, as in the seed's timeline.
  const scenario = buildScenario(await seed000(), [{ name: 'kvm_vm_ioctl' }, { name: 'reload_store' }]);
  assert.deepEqual(scenario.problems, []);
  assert.deepEqual(scenario.idioms.map((i) => [i.domain, i.updaters, i.readers, i.completions, i.counters]),
    [['fw.srcu', [UPDATER], [READER], ['fw.completion'], ['nr_running_td']]]);

  const result = simulate(scenario, { params: { data: 0 } });
  assert.equal(result.stats.stopped, undefined);
  assert.equal(result.stats.boundHit, false);
  // The same end state is reached without a race too (the reader's TD init finishes before the
  // update starts, and the update rightly refuses); the race is the outcome reached after the
  // update-phase exclusion was broken.
  const clean = result.outcomes.find((o) => o.threads[UPDATER]?.ret === '-EBUSY' && o.after.length === 0);
  assert.ok(clean);
  const aborted = result.outcomes.find((o) => o.threads[UPDATER]?.ret === '-EBUSY' && o.after.length > 0);
  assert.ok(aborted, `outcomes: ${result.outcomes.map((o) => o.key).join('\n')}`);
  assert.deepEqual(aborted.after, ['update-phase exclusion on fw.srcu']);
  assert.equal(aborted.threads[READER]?.ret, '0', 'the reader\'s TD init went through');
  assert.equal(aborted.values.nr_running_td, '1', 'the bias was taken back off');

  const w = aborted.witness;
  const wait = stepOf(w, READER, 'wait_for_completion');
  const init = stepOf(w, UPDATER, 'init_completion');
  const sync = stepOf(w, UPDATER, 'synchronize_srcu');
  const readLock = stepOf(w, READER, 'srcu_read_lock');
  const inc = stepOf(w, READER, 'atomic_inc_unless_negative');
  const bias = stepOf(w, UPDATER, 'atomic_add_return');
  assert.ok(wait < init, 'the reader passes wait_for_completion before init_completion');
  assert.match(w.steps[sync]!.note ?? '', /returns at once/, 'synchronize_srcu does not wait for the reader');
  assert.ok(sync < readLock && readLock < inc && inc < bias, 'then the reader enters the read side and increments first');
  assert.match(w.steps[bias]!.lines.map((l) => `${l.text} ${l.note ?? ''}`).join('\n'), /ret = -EBUSY/);
  const table = renderWitness(w);
  assert.match(table, /^CPU 0 +CPU 1\n-{25} +-{25}\n/);
  assert.match(table, /^kvm_vm_ioctl\(\)$/m);
  assert.match(table, /^-> fw_idx = kvm_get_fw\(kvm\)$/m);
});

test('seed 000, data != 0 (force): the reader\'s TD init overlaps the update', async () => {
  const scenario = buildScenario(await seed000(), [{ name: 'kvm_vm_ioctl' }, { name: 'reload_store' }]);
  const result = simulate(scenario, { params: { data: 1 } });
  const violation = result.violations.find((v) => v.property === 'update-phase-exclusion');
  assert.ok(violation);
  assert.deepEqual(violation.threads, [READER, UPDATER]);
  assert.equal(violation.loc.line + 1, 43, 'the reader entered the read side at the notes\' srcu_read_lock line');
  const w = violation.witness;
  assert.ok(stepOf(w, READER, 'wait_for_completion') < stepOf(w, UPDATER, 'init_completion'));
  assert.equal(w.steps[w.steps.length - 1]!.action.includes('srcu_read_lock'), true, 'the violation is the reader entering after synchronize_srcu returned');
  // The update also goes ahead with the reader counted: an outcome where nr_running_td keeps the bias plus the reader.
  assert.ok(result.outcomes.some((o) => o.threads[READER]?.ret === '0' && o.values.nr_running_td === 'bias+1'),
    result.outcomes.map((o) => o.key).join('\n'));
});

test('the seed\'s own timeline, typed as a schedule, replays to the same end', async () => {
  const scenario = buildScenario(await seed000(), [{ name: 'kvm_vm_ioctl' }, { name: 'reload_store' }]);
  // CPU 0 waits; CPU 1 starts the update; CPU 0 enters and counts; CPU 1 checks, backs out and
  // waits in synchronize_srcu; CPU 0 leaves; CPU 1 completes.
  const w = replaySchedule(scenario, '0 1x4 0x2 1x4 0 1x2', { params: { data: 0 } });
  const secondSync = stepOf(w, UPDATER, 'synchronize_srcu', stepOf(w, UPDATER, 'synchronize_srcu') + 1);
  assert.match(w.steps[secondSync]!.note ?? '', /waits for the fw.srcu read-side section of CPU 0/);
  assert.ok(stepOf(w, READER, 'srcu_read_unlock') > secondSync);
  assert.equal(w.steps[w.steps.length - 1]!.action, 'complete_all(&fw->completion)');
  assert.deepEqual(w.blocked, []);
  assert.throws(() => replaySchedule(scenario, '1x4 0', { params: { data: 0 } }), /step 5: CPU 0 is blocked/);
});

test('a witness\'s schedule string replays to the identical steps', async () => {
  const scenario = buildScenario(await seed000(), [{ name: 'kvm_vm_ioctl' }, { name: 'reload_store' }]);
  for (const params of [{ data: 0 }, { data: 1 }]) {
    const result = simulate(scenario, { params });
    const witnesses = [...result.outcomes, ...result.violations, ...result.deadlocks].map((r) => r.witness);
    assert.ok(witnesses.length >= 3);
    for (const witness of witnesses) {
      assert.match(witness.schedule, /^\d+(?:x\d+|\?\d+)?(?: \d+(?:x\d+|\?\d+)?)*$/);
      assert.deepEqual(replaySchedule(scenario, witness.schedule, { params }), witness);
    }
  }
});

test('unfixed parameter: both values of data are explored, and the schedule records the choice', async () => {
  const scenario = buildScenario(await seed000(), [{ name: 'kvm_vm_ioctl' }, { name: 'reload_store' }]);
  const result = simulate(scenario);
  const rets = new Set(result.outcomes.map((o) => o.threads[UPDATER]?.ret));
  assert.ok(rets.has('-EBUSY') && rets.has('none'), [...rets].join(', '));
  const aborted = result.outcomes.find((o) => o.threads[UPDATER]?.ret === '-EBUSY')!;
  assert.match(aborted.witness.schedule, /1\?0/, 'the schedule says the updater assumed data == 0');
  assert.ok(aborted.witness.steps.some((s) => /assumed true/.test(s.action)));
});

test('two readers against one updater: both readers can slip in, and the update waits for both', async () => {
  const scenario = buildScenario(await seed000(), [{ name: 'kvm_vm_ioctl', copies: 2 }, { name: 'reload_store' }]);
  assert.deepEqual(scenario.threads.map((t) => t.label), ['kvm_vm_ioctl#1', 'kvm_vm_ioctl#2', 'reload_store']);
  const result = simulate(scenario, { params: { data: 0 } });
  assert.equal(result.stats.stopped, undefined);
  assert.deepEqual(result.violations.map((v) => v.threads).sort(), [[0, 2], [1, 2]]);
  const both = result.outcomes.find((o) => o.threads[2]?.ret === '-EBUSY' && o.values.nr_running_td === '2');
  assert.ok(both, result.outcomes.map((o) => o.key).join('\n'));
  assert.equal(new Set(both.witness.steps.map((s) => s.cpu)).size, 3);
});

test('a reader and a VM destruction against the updater', async () => {
  const scenario = buildScenario(await seed000(), [{ name: 'kvm_vm_ioctl' }, { name: 'kvm_destroy_vm' }, { name: 'reload_store' }]);
  const result = simulate(scenario, { params: { data: 0 } });
  assert.equal(result.stats.stopped, undefined);
  // kvm_destroy_vm passes its guard and decrements inside the read side too.
  assert.ok(result.violations.some((v) => v.threads[0] === 1));
  assert.ok(result.outcomes.some((o) => o.values.nr_running_td === '0'));
});
