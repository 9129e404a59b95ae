// Differential test: every scenario is simulated by RaceLens and exported to
// Promela for Spin, and both must reach the same verdicts — deadlock or not,
// which properties break where, and the same set of outcomes. Scenarios:
// every fixture in test/fixtures/sim/, small notes for each primitive family,
// seed 000 (data = 0, data = 1, open; one and two readers) and 60 generated
// ones (src/sim/promela/generate.ts).
// Spin is required: the test fails, it does not skip, when it is missing.
// The models are compiled ten to a verifier (batch.ts); each pan run still
// explores one of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildScenario, simulate, type EntrySpec, type Scenario } from '../../src/sim';
import type { Params } from '../../src/sim/env';
import { promelaBatch, type Batch } from '../../src/sim/promela/batch';
import { exportPromela, type PromelaModel } from '../../src/sim/promela/export';
import { generateScenario } from '../../src/sim/promela/generate';
import { compilePanAsync, removeCompiled, requireSpin, runPan, type Compiled } from '../../src/sim/promela/pan';
import { simulatorVerdicts, spinVerdicts } from '../../src/sim/promela/verdicts';
import { graphOf, notesGraph, seed000 } from './simHelpers';

interface Case {
  name: string;
  scenario: Scenario;
  params?: Params;
  /** The source of an inline or generated scenario, printed when it fails. */
  notes?: string;
}

const FIXTURES: [string, EntrySpec[]][] = [
  ['fixed.rlnotes', [{ name: 'fw_update' }, { name: 'kvm_vm_ioctl', copies: 2 }]],
  ['fixed.c', [{ name: 'fw_update' }, { name: 'vm_ioctl', copies: 2 }]],
  ['seed003.rlnotes', [{ name: 'kvm_vcpu_ioctl', copies: 2 }, { name: 'kvm_vm_ioctl_set_memory_region' }]],
  ['seed001-rwlock.rlnotes', [{ name: 'seamcall_reader', copies: 2 }, { name: 'tdx_module_update_rwlock' }]],
  ['seed001-stop-machine.rlnotes', [{ name: 'seamcall_reader', copies: 2 }, { name: 'tdx_module_update_stop_machine' }]],
  ['abba.rlnotes', [{ name: 'dev_open' }, { name: 'dev_reset' }, { name: 'dev_open' }]],
  ['retry.rlnotes', [{ name: 'waiter' }, { name: 'setter' }]],
  ['independent.rlnotes', [{ name: 'count_a' }, { name: 'count_b' }, { name: 'count_c' }]],
];

/** Every primitive family and the control flow the generator does not write, in small notes (and one C file). */
const FAMILIES: { name: string; notes: string[]; entries: EntrySpec[]; file?: string }[] = [
  { name: 'rwsem: a recursive down_read against a queued writer', entries: [{ name: 'reader' }, { name: 'writer' }],
    notes: ['reader()', '-> down_read(&s->sem)', '-> down_read(&s->sem)', '-> up_read(&s->sem)', '-> up_read(&s->sem)', '', 'writer()', '-> down_write(&s->sem)', '-> downgrade_write(&s->sem)', '-> up_read(&s->sem)'] },
  { name: 'rwlock readers recurse; cpus_read_lock', entries: [{ name: 'reader', copies: 2 }, { name: 'writer' }],
    notes: ['reader()', '-> read_lock(&s->rw)', '-> read_lock(&s->rw)', '-> read_unlock(&s->rw)', '-> read_unlock(&s->rw)', '-> cpus_read_lock()', '-> cpus_read_unlock()', '', 'writer()', '-> write_lock(&s->rw)', '-> write_unlock(&s->rw)', '-> cpus_write_lock()', '-> cpus_write_unlock()'] },
  { name: 'sleeping under a spin lock, with IRQs saved off, inside RCU', entries: [{ name: 'a' }, { name: 'b' }],
    notes: ['a()', '-> spin_lock(&s->lock)', '-> msleep(1)', '-> spin_unlock(&s->lock)', '-> local_irq_save(flags)', '-> local_irq_save(flags2)', '-> local_irq_restore(flags2)', '-> mutex_lock(&s->m)', '-> mutex_unlock(&s->m)', '-> local_irq_restore(flags)', '', 'b()', '-> rcu_read_lock()', '-> might_sleep()', '-> rcu_read_unlock()', '-> synchronize_rcu()', '-> spin_lock_irqsave(&s->lock, flags)', '-> spin_unlock_irqrestore(&s->lock, flags)'] },
  { name: 'misuses: unlocks of what is not held, unbalanced preemption and IRQ restores', entries: [{ name: 'bad' }],
    notes: ['bad()', '-> mutex_unlock(&d->m)', '-> preempt_enable()', '-> local_irq_restore(flags)', '-> up_read(&d->sem)', '-> srcu_read_unlock(&d->srcu, idx)'] },
  { name: 'complete() wakes one of two waiters; try_wait_for_completion', entries: [{ name: 'waiter', copies: 2 }, { name: 'completer' }],
    notes: ['waiter()', '   if (try_wait_for_completion(&c->done)) {', '      return 1;', '   }', '-> wait_for_completion(&c->done)', '-> atomic_inc(&woken)', '', 'completer()', '-> complete(&c->done)', '-> complete(&c->done)'] },
  { name: 'atomics: cmpxchg, dec_and_test, inc_not_zero, add_unless, xchg', entries: [{ name: 'a' }, { name: 'b' }],
    notes: ['a()', '-> old = atomic_cmpxchg(&v, 0, 5)', '   if (old == 0) {', '   -> atomic_dec(&v)', '   }', '-> last = atomic_dec_and_test(&v)', '   ret = last ? -EBUSY : 0;', '', 'b()', '-> ok = atomic_inc_not_zero(&v)', '-> atomic_add_unless(&v, 2, 4)', '-> prev = atomic_xchg(&w, 7)', '   if (prev) {', '      ret = prev;', '   }'] },
  { name: 'unknown values: a variable nobody writes, a parameter, a symbol', entries: [{ name: 'a' }, { name: 'b' }],
    notes: ['a()', '   if (READ_ONCE(s->mode) == MODE_FAST) {', '   -> mutex_lock(&s->m)', '   -> mutex_unlock(&s->m)', '   }', '   if (flags & 2) {', '      ret = -EINVAL;', '   }', '   if (flags & 2) {', '   -> atomic_inc(&n)', '   }', '', 'b()', '-> mutex_lock(&s->m)', '   x = s->cfg + 1;', '   if (x > 3) {', '      ret = x;', '   }', '-> mutex_unlock(&s->m)'] },
  { name: 'loops: an unknown condition is unrolled, a spin on a flag is cut at the bound', entries: [{ name: 'walker' }, { name: 'spinner' }, { name: 'setter' }],
    notes: ['walker()', '   while (next_entry(pos))', '-> atomic_inc(&seen)', '', 'spinner()', '   while (!READ_ONCE(s->ready))', '-> cpu_relax()', '-> atomic_inc(&seen)', '', 'setter()', '-> WRITE_ONCE(s->ready, 1)'] },
  { name: 'IPIs: a waiting smp_call_function against IRQs off, and one that does not wait', entries: [{ name: 'cpu' }, { name: 'caller' }],
    notes: ['cpu()', '-> local_irq_disable()', '-> atomic_inc(&work)', '-> local_irq_enable()', '', 'caller()', '-> smp_call_function(fn, NULL, 0)', '-> on_each_cpu(fn, NULL, 1)', '-> kvm_make_all_cpus_request(kvm, KVM_REQ_X | KVM_REQUEST_WAIT)'] },
  { name: 'C: a callee returns a value, a switch on it and on a symbol, a for loop with break', entries: [{ name: 'caller' }, { name: 'other' }], file: 'switch.c',
    notes: ['static int helper(void)', '{', '\tmutex_lock(&s->m);', '\tif (atomic_read(&n) > 0) {', '\t\tmutex_unlock(&s->m);', '\t\treturn -EAGAIN;', '\t}', '\tmutex_unlock(&s->m);', '\treturn 0;', '}', '',
      'int caller(int mode)', '{', '\tint r, ret;', '\tr = helper();', '\tswitch (r) {', '\tcase -EAGAIN:', '\t\tret = 1;', '\t\tbreak;', '\tcase 5:', '\t\tret = 3;', '\t\tbreak;', '\tdefault:', '\t\tret = 2;', '\t}',
      '\tswitch (mode) {', '\tcase MODE_A:', '\t\tatomic_inc(&n);', '\t\tbreak;', '\tcase MODE_B:', '\t\tret = -EINVAL;', '\t}',
      '\tfor (;;) {', '\t\tif (atomic_read(&n) >= 1)', '\t\t\tbreak;', '\t\tatomic_inc(&n);', '\t}', '\treturn ret;', '}', '', 'int other(void)', '{', '\tatomic_inc(&n);', '\treturn 0;', '}'] },
];

const GENERATED = 60;

async function cases(): Promise<Case[]> {
  const all: Case[] = [];
  for (const [file, entries] of FIXTURES) all.push({ name: file, scenario: buildScenario(await graphOf('sim', file), entries) });
  for (const f of FAMILIES) {
    all.push({ name: f.name, scenario: buildScenario(await notesGraph(f.notes.join('\n'), f.file ?? 'families.rlnotes'), f.entries), notes: f.notes.join('\n') });
  }
  const seed = await seed000();
  for (const readers of [1, 2]) {
    const scenario = buildScenario(seed, [{ name: 'kvm_vm_ioctl', copies: readers }, { name: 'reload_store' }]);
    for (const params of [{ data: 0 }, { data: 1 }, undefined]) {
      all.push({ name: `seed 000, ${readers} reader(s), ${params ? `data = ${params.data}` : 'data open'}`, scenario, ...(params ? { params } : {}) });
    }
  }
  for (let n = 0; n < GENERATED; n++) {
    const generated = generateScenario(n);
    const scenario = buildScenario(await notesGraph(generated.notes, `generated${n}.rlnotes`), generated.entries);
    all.push({ name: `generated scenario ${n}`, scenario, notes: generated.notes });
  }
  return all;
}

const BATCH = 10;

/**
 * Compiles the cases in batches of BATCH models per verifier (batch.ts),
 * two batches at a time (CI machines have two cores); pan.c for these small
 * models compiles fastest at -O0, and compiling is most of the test's time.
 */
async function compileAll(all: readonly Case[]): Promise<{ compiled: Compiled[]; models: PromelaModel[] }> {
  const batches: Batch[] = [];
  for (let i = 0; i < all.length; i += BATCH) {
    batches.push(promelaBatch(all.slice(i, i + BATCH).map((c) => ({ scenario: c.scenario, options: c.params ? { params: c.params } : {} }))));
  }
  const compiled: Compiled[] = new Array<Compiled>(batches.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const i = next++;
      compiled[i] = await compilePanAsync(batches[i]!.text, '-O0');
    }
  };
  try {
    await Promise.all([worker(), worker()]);
  } catch (error) {
    for (const c of compiled) if (c) removeCompiled(c);
    throw error;
  }
  return { compiled, models: batches.flatMap((b) => b.models) };
}

test('Spin is installed (CI installs it: apt-get install -y spin)', () => {
  assert.match(requireSpin(), /Spin Version/);
});

test('RaceLens and Spin agree on deadlocks, violations and outcomes: fixtures, seed 000 and generated scenarios', async () => {
  requireSpin();
  const all = await cases();
  assert.ok(all.filter((c) => c.name.startsWith('generated')).length >= 50);
  const { compiled, models } = await compileAll(all);
  const seen = { deadlock: 0, violation: 0, exclusion: 0, outcomes: 0 };
  try {
    all.forEach((c, i) => {
      const result = simulate(c.scenario, { ...(c.params ? { params: c.params } : {}), budgetMs: 60_000 });
      assert.equal(result.stats.stopped, undefined, `${c.name}: the simulation must be exhaustive`);
      const run = runPan(compiled[Math.floor(i / BATCH)]!, { scenario: i % BATCH });
      assert.equal(run.depthLimited, false, `${c.name}: pan's search must be exhaustive`);
      const ours = simulatorVerdicts(c.scenario, result);
      const spin = spinVerdicts(c.scenario, models[i]!, run);
      assert.deepEqual(spin, ours, `${c.name}: Spin and RaceLens disagree${c.notes ? `\n${c.notes}` : ''}`);
      if (ours.deadlock) seen.deadlock++;
      if (ours.violations.length > 0) seen.violation++;
      if (ours.violations.some((v) => v.startsWith('update-phase'))) seen.exclusion++;
      seen.outcomes += ours.outcomes.length;
    });
  } finally {
    for (const c of compiled) if (c) removeCompiled(c);
  }
  // The scenarios exercise every verdict, so agreeing is not agreeing on nothing.
  assert.ok(seen.deadlock >= 10 && seen.violation >= 10 && seen.exclusion >= 5 && seen.outcomes >= 100, JSON.stringify(seen));
});

test('the exported model: one proctype per CPU, objects as globals, fixed parameters as constants', async () => {
  const scenario = buildScenario(await seed000(), [{ name: 'kvm_vm_ioctl', copies: 2 }, { name: 'reload_store' }]);
  const text = exportPromela(scenario, { params: { data: 0 } });
  assert.deepEqual([...text.matchAll(/^active proctype (\w+)\(\)/gm)].map((m) => m[1]), ['cpu0_kvm_vm_ioctl_1', 'cpu1_kvm_vm_ioctl_2', 'cpu2_reload_store']);
  for (const global of ['int g_fw_completion_done', 'bit g_fw_completion_all', 'byte g_fw_srcu_depth[3]', 'int g_fw_srcu_gp[3]', 'int g_nr_running_td', 'byte g_mon_fw_srcu_phase[3]']) {
    assert.ok(text.includes(global), global);
  }
  // wait_for_completion blocks until the completion is done; synchronize_srcu snapshots the open sections.
  assert.match(text, /atomic \{ \(g_fw_completion_all \|\| g_fw_completion_done > 0\) -> /);
  assert.match(text, /g_fw_srcu_gp\[2\] = \(g_fw_srcu_depth\[0\] > 0 -> 1 : 0\) \| \(g_fw_srcu_depth\[1\] > 0 -> 2 : 0\)/);
  // data = 0 is decided when the model is written; left open, it is a choice remembered per condition.
  assert.doesNotMatch(text, /l_chose/);
  assert.match(exportPromela(scenario), /l_chose/);
  assert.match(text, /assert\(never_exclusion_broken_fw_srcu_cpu0_cpu2\)/);
});
