// The explorer: bounds are reported, reductions prune without losing end
// states, and a run can be cancelled, timed out and watched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildScenario, simulate } from '../../src/sim';
import { graphOf, notesGraph, seed000 } from './simHelpers';

test('a retry loop that reaches its unroll bound is reported as such, with a witness', async () => {
  const scenario = buildScenario(await graphOf('sim', 'retry.rlnotes'), [{ name: 'waiter' }, { name: 'setter' }]);
  const result = simulate(scenario, { bounds: { loopUnroll: 2 } });
  assert.equal(result.stats.boundHit, true);
  assert.equal(result.boundHits.length, 1);
  const [hit] = result.boundHits;
  assert.equal(hit!.kind, 'retry');
  assert.equal(hit!.loc.line + 1, 5);
  assert.match(hit!.summary, /CPU 0 \(waiter\): the loop at line 5 still wants to go round after 2 iterations/);
  const last = hit!.witness.steps[hit!.witness.steps.length - 1]!;
  assert.equal(last.cpu, 0);
  assert.match(last.lines.map((l) => l.note ?? '').join(' '), /loop bound \(2\) reached: execution abandoned/);
  // When the setter is in time, the waiter gets through.
  assert.deepEqual(result.outcomes.map((o) => o.values), [{ progress: '1', ready: '1' }]);
  const reads = (w: NonNullable<typeof hit>['witness']) => w.steps.filter((s) => s.cpu === 0 && s.action.includes('atomic_read')).length;
  assert.equal(reads(hit!.witness), 3, 'the condition was read once per allowed iteration, then once more');
  // A spin-wait can always outrun a setter that has not been scheduled: any bound is reached.
  const wider = simulate(scenario, { bounds: { loopUnroll: 4 } });
  assert.equal(reads(wider.boundHits[0]!.witness), 5);
});

test('a loop whose condition cannot be evaluated is unrolled to the bound and says so', async () => {
  const graph = await notesGraph(['walker()', '   while (next_entry(pos))', '-> mutex_lock(&m)', '-> mutex_unlock(&m)'].join('\n'));
  const result = simulate(buildScenario(graph, [{ name: 'walker' }]), { bounds: { loopUnroll: 3 } });
  assert.deepEqual(result.boundHits.map((b) => b.kind), ['unrolled']);
  assert.equal(result.stats.boundHit, true);
  assert.equal(result.outcomes.length, 1);
});

/** n! / (k!)^threads: interleavings of `threads` threads of `k` steps each. */
function interleavings(threads: number, k: number): number {
  const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
  return fact(threads * k) / fact(k) ** threads;
}

test('partial-order reduction and state caching: independent threads are not permuted', async () => {
  const scenario = buildScenario(await graphOf('sim', 'independent.rlnotes'), [{ name: 'count_a' }, { name: 'count_b' }, { name: 'count_c' }]);
  const naive = simulate(scenario, { reduction: { partialOrder: false, stateCache: false } });
  assert.equal(naive.stats.executions, interleavings(3, 3));
  assert.equal(naive.stats.executions, 1680);
  const reduced = simulate(scenario);
  assert.equal(reduced.stats.executions, 1);
  assert.ok(reduced.stats.states < naive.stats.states);
  assert.ok(reduced.stats.pruned.total > 0);
  assert.deepEqual(reduced.outcomes.map((o) => o.key), naive.outcomes.map((o) => o.key));
  const cacheOnly = simulate(scenario, { reduction: { partialOrder: false } });
  assert.ok(cacheOnly.stats.executions < naive.stats.executions && cacheOnly.stats.pruned.cached > 0);
});

test('reductions keep every outcome, violation and deadlock of seed 000 with two readers', async () => {
  const scenario = buildScenario(await seed000(), [{ name: 'kvm_vm_ioctl', copies: 2 }, { name: 'reload_store' }]);
  const summary = (r: ReturnType<typeof simulate>) => ({
    outcomes: r.outcomes.map((o) => o.key),
    violations: r.violations.map((v) => v.summary).sort(),
    deadlocks: r.deadlocks.map((d) => d.summary).sort(),
  });
  for (const params of [{ data: 0 }, { data: 1 }]) {
    const full = simulate(scenario, { params, reduction: { partialOrder: false, stateCache: false }, budgetMs: 60_000 });
    const reduced = simulate(scenario, { params });
    assert.equal(full.stats.stopped, undefined);
    assert.deepEqual(summary(reduced), summary(full));
    assert.ok(reduced.stats.executions < full.stats.executions / 10, `${reduced.stats.executions} vs ${full.stats.executions}`);
  }
});

test('cancellation, the time budget and progress reports', async () => {
  // Five readers: big enough (even with symmetry and partial-order reduction) to be stopped half-way.
  const scenario = buildScenario(await seed000(), [{ name: 'kvm_vm_ioctl', copies: 5 }, { name: 'reload_store' }]);
  const cancelled = simulate(scenario, { signal: { aborted: true } });
  assert.equal(cancelled.stats.stopped, 'cancelled');
  const controller = new AbortController();
  const progress: number[] = [];
  const stopped = simulate(scenario, { signal: controller.signal, onProgress: (p) => { progress.push(p.states); if (p.states > 500) controller.abort(); } });
  assert.equal(stopped.stats.stopped, 'cancelled');
  assert.ok(progress.length > 0 && progress.every((n, i) => i === 0 || n >= progress[i - 1]!));
  const outOfTime = simulate(scenario, { budgetMs: 0 });
  assert.equal(outOfTime.stats.stopped, 'budget');
  const small = simulate(scenario, { bounds: { maxStates: 50 } });
  assert.equal(small.stats.stopped, 'states');
  assert.equal(small.stats.boundHit, true);
});

test('every fixture: partial-order reduction finds exactly what plain state-caching search finds', async () => {
  const cases: [string, { name: string; copies?: number }[]][] = [
    ['fixed.rlnotes', [{ name: 'fw_update' }, { name: 'kvm_vm_ioctl', copies: 2 }]],
    ['fixed.c', [{ name: 'fw_update' }, { name: 'vm_ioctl', copies: 2 }]],
    ['seed003.rlnotes', [{ name: 'kvm_vcpu_ioctl', copies: 2 }, { name: 'kvm_vm_ioctl_set_memory_region' }]],
    ['seed001-rwlock.rlnotes', [{ name: 'seamcall_reader', copies: 2 }, { name: 'tdx_module_update_rwlock' }]],
    ['seed001-stop-machine.rlnotes', [{ name: 'seamcall_reader', copies: 2 }, { name: 'tdx_module_update_stop_machine' }]],
    ['abba.rlnotes', [{ name: 'dev_open' }, { name: 'dev_reset' }, { name: 'dev_open' }]],
    ['retry.rlnotes', [{ name: 'waiter' }, { name: 'setter' }]],
  ];
  for (const [file, entries] of cases) {
    const scenario = buildScenario(await graphOf('sim', file), entries);
    const full = simulate(scenario, { reduction: { partialOrder: false }, budgetMs: 60_000 });
    const reduced = simulate(scenario);
    assert.equal(full.stats.stopped, undefined, file);
    const found = (r: typeof full) => [
      r.outcomes.map((o) => o.key),
      r.violations.map((v) => v.summary).sort(),
      r.deadlocks.map((d) => d.summary).sort(),
      r.boundHits.map((b) => b.summary).sort(),
    ];
    assert.deepEqual(found(reduced), found(full), file);
    assert.ok(reduced.stats.states <= full.stats.states, file);
  }
});

test('recursion and inlining-depth cuts are reported with the scenario', async () => {
  const graph = await notesGraph(['walk(node)', '-> visit(node)', '   -> walk(child)'].join('\n'));
  const scenario = buildScenario(graph, [{ name: 'walk' }, { name: 'missing' }]);
  assert.deepEqual(scenario.problems.map((p) => [p.severity, p.message]), [
    ['info', 'walk: call to walk() not followed (recursion); it is run as an opaque call'],
    ['error', 'entry point missing() is not defined in the open files'],
  ]);
  assert.equal(simulate(scenario).outcomes.length, 1);
});
