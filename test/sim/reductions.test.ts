// The reductions added for speed (symmetry between identical threads, the
// necessary enabling sets of blocked threads, commuting atomics, completions
// done for good, an updater's publishing steps left unordered) must not
// change what a simulation reports: with all of them on, every outcome,
// violation, deadlock and bound hit, summaries included, is the one the
// search without partial-order and symmetry reduction reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildScenario, simulate, type EntrySpec, type Scenario, type SimResult } from '../../src/sim';
import type { Params } from '../../src/sim/env';
import { graphOf, seed000 } from './simHelpers';

function found(r: SimResult) {
  return {
    outcomes: r.outcomes.map((o) => o.key),
    violations: r.violations.map((v) => v.summary).sort(),
    deadlocks: r.deadlocks.map((d) => d.summary).sort(),
    bounds: r.boundHits.map((b) => b.summary).sort(),
  };
}

test('with symmetry and every partial-order refinement, reports are those of the search without them', async () => {
  const cases: [string, Scenario, Params | undefined][] = [];
  const seed = buildScenario(await seed000(), [{ name: 'kvm_vm_ioctl', copies: 3 }, { name: 'reload_store' }]);
  for (const params of [{ data: 0 }, { data: 1 }, undefined]) cases.push([`seed 000, 3 readers, ${JSON.stringify(params)}`, seed, params]);
  const fixtures: [string, EntrySpec[]][] = [
    ['fixed.rlnotes', [{ name: 'fw_update' }, { name: 'kvm_vm_ioctl', copies: 3 }]],
    ['seed003.rlnotes', [{ name: 'kvm_vcpu_ioctl', copies: 3 }, { name: 'kvm_vm_ioctl_set_memory_region' }]],
    ['seed001-rwlock.rlnotes', [{ name: 'seamcall_reader', copies: 3 }, { name: 'tdx_module_update_rwlock' }]],
    ['abba.rlnotes', [{ name: 'dev_open', copies: 2 }, { name: 'dev_reset', copies: 2 }]],
    ['retry.rlnotes', [{ name: 'waiter', copies: 2 }, { name: 'setter' }]],
  ];
  for (const [file, entries] of fixtures) cases.push([file, buildScenario(await graphOf('sim', file), entries), undefined]);
  for (const [name, scenario, params] of cases) {
    const options = params ? { params } : {};
    const full = simulate(scenario, { ...options, reduction: { partialOrder: false, symmetry: false }, budgetMs: 60_000 });
    const reduced = simulate(scenario, options);
    assert.equal(full.stats.stopped, undefined, name);
    assert.deepEqual(found(reduced), found(full), name);
    assert.ok(reduced.stats.states < full.stats.states, `${name}: ${reduced.stats.states} vs ${full.stats.states} states`);
  }
});

test('symmetry: identical readers are explored once per arrangement, and reported for every CPU', async () => {
  const scenario = buildScenario(await seed000(), [{ name: 'kvm_vm_ioctl', copies: 4 }, { name: 'reload_store' }]);
  const plain = simulate(scenario, { params: { data: 0 }, reduction: { symmetry: false } });
  const folded = simulate(scenario, { params: { data: 0 } });
  assert.ok(folded.stats.states * 10 < plain.stats.states, `${folded.stats.states} vs ${plain.stats.states}`);
  assert.deepEqual(folded.violations.map((v) => v.threads).sort(), [[0, 4], [1, 4], [2, 4], [3, 4]]);
  assert.deepEqual(found(folded), found(plain));
  // A witness found through a permutation replays like any other.
  for (const v of folded.violations) assert.ok(v.witness.steps.length > 0 && v.witness.steps.some((s) => s.cpu === v.threads[0]));
});
