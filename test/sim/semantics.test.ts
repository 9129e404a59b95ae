// The meaning of each primitive family, checked on small notes written here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildScenario, replaySchedule, simulate, type EntrySpec } from '../../src/sim';
import { evaluate, parseExpr } from '../../src/sim/expr';
import { decodeSchedule, encodeSchedule } from '../../src/sim/schedule';
import { BIAS, renderValue } from '../../src/sim/values';
import { notesGraph } from './simHelpers';

async function run(lines: string[], entries: EntrySpec[], options: Parameters<typeof simulate>[1] = {}) {
  const scenario = buildScenario(await notesGraph(lines.join('\n')), entries);
  return { scenario, result: simulate(scenario, options) };
}

test('completions: complete() releases one waiter, complete_all() every waiter until reinit', async () => {
  const waiter = ['waiter()', '-> wait_for_completion(&c->done)', '-> atomic_inc(&woken)', ''];
  const one = await run([...waiter, 'completer()', '-> complete(&c->done)'], [{ name: 'waiter', copies: 2 }, { name: 'completer' }]);
  assert.deepEqual(one.result.outcomes, []);
  assert.ok(one.result.deadlocks.length > 0 && one.result.deadlocks.every((d) => d.kind === 'stuck' && d.threads.length === 1));
  const all = await run([...waiter, 'completer()', '-> complete_all(&c->done)'], [{ name: 'waiter', copies: 2 }, { name: 'completer' }]);
  assert.deepEqual(all.result.deadlocks, []);
  assert.deepEqual(all.result.outcomes.map((o) => o.values.woken), ['2']);
  // reinit_completion() after complete_all(): a later waiter waits again.
  const reinit = await run([...waiter, 'completer()', '-> complete_all(&c->done)', '-> reinit_completion(&c->done)'], [{ name: 'waiter' }, { name: 'completer' }]);
  assert.equal(reinit.result.outcomes.length, 1);
  assert.equal(reinit.result.deadlocks.length, 1);
  assert.match(reinit.result.deadlocks[0]!.threads[0]!.waitsFor, /waits for c\.done, which no live thread completes/);
});

test('SRCU: a grace period waits for sections begun before it, never for later ones', async () => {
  const lines = ['reader()', '-> idx = srcu_read_lock(&s->srcu)', '-> srcu_read_unlock(&s->srcu, idx)', '', 'updater()', '-> synchronize_srcu(&s->srcu)', '-> atomic_inc(&done)'];
  const { scenario, result } = await run(lines, [{ name: 'reader', copies: 2 }, { name: 'updater' }]);
  assert.deepEqual(result.deadlocks, []);
  // CPU 0 enters; the grace period starts and waits for it; CPU 1 enters after; CPU 0 leaves: the
  // grace period is over while CPU 1 is still inside.
  const w = replaySchedule(scenario, '0 2 1 0 2');
  assert.match(w.steps[1]!.note ?? '', /waits for the s\.srcu read-side section of CPU 0$/);
  assert.equal(w.steps[4]!.action, 'synchronize_srcu() returns');
  assert.equal(w.steps[4]!.objects['s.srcu'], 'read side: CPU 1 (reader#2)');
  // Another domain does not count.
  const other = await run(['reader()', '-> idx = srcu_read_lock(&a->srcu)', '-> atomic_inc(&x)', '-> srcu_read_unlock(&a->srcu, idx)', '', 'updater()', '-> synchronize_srcu(&b->srcu)'], [{ name: 'reader' }, { name: 'updater' }]);
  assert.ok(other.result.outcomes.length === 1 && other.result.deadlocks.length === 0);
});

test('rwsems queue writers ahead of new readers, so a recursive down_read can deadlock; rwlock readers may recurse', async () => {
  const recursive = (lock: string, unlock: string, wlock: string, wunlock: string) => [
    'reader()', `-> ${lock}(&s->sem)`, `-> ${lock}(&s->sem)`, `-> ${unlock}(&s->sem)`, `-> ${unlock}(&s->sem)`, '',
    'writer()', `-> ${wlock}(&s->sem)`, `-> ${wunlock}(&s->sem)`,
  ];
  const rwsem = await run(recursive('down_read', 'up_read', 'down_write', 'up_write'), [{ name: 'reader' }, { name: 'writer' }]);
  assert.equal(rwsem.result.deadlocks.length, 1);
  assert.equal(rwsem.result.deadlocks[0]!.kind, 'deadlock');
  assert.match(rwsem.result.deadlocks[0]!.summary, /CPU 0 \(reader\) at line 3 waits to take s\.sem for reading/);
  const rwlock = await run(recursive('read_lock', 'read_unlock', 'write_lock', 'write_unlock'), [{ name: 'reader' }, { name: 'writer' }]);
  assert.deepEqual(rwlock.result.deadlocks, []);
  const hotplug = await run(['a()', '-> cpus_read_lock()', '-> cpus_read_lock()', '-> cpus_read_unlock()', '-> cpus_read_unlock()', '', 'b()', '-> cpus_write_lock()', '-> cpus_write_unlock()'], [{ name: 'a' }, { name: 'b' }]);
  assert.equal(hotplug.result.deadlocks.length, 1);
});

test('sleeping in atomic context: under a spin lock, with IRQs off, inside RCU but not SRCU', async () => {
  const { result } = await run([
    'spinning()', '-> spin_lock(&d->lock)', '-> mutex_lock(&d->mutex)', '-> mutex_unlock(&d->mutex)', '-> spin_unlock(&d->lock)', '',
    'rcu_reader()', '-> rcu_read_lock()', '-> msleep(10)', '-> rcu_read_unlock()', '',
    'srcu_reader()', '-> idx = srcu_read_lock(&d->srcu)', '-> msleep(10)', '-> srcu_read_unlock(&d->srcu, idx)',
  ], [{ name: 'spinning' }, { name: 'rcu_reader' }, { name: 'srcu_reader' }]);
  const found = result.violations.filter((v) => v.property === 'sleep-in-atomic').map((v) => [v.threads[0], v.loc.line + 1, v.summary]);
  assert.deepEqual(found.map(([t, line]) => [t, line]).sort(), [[0, 3], [1, 9]]);
  assert.match(String(found.find(([t]) => t === 0)![2]), /mutex_lock\(\) may sleep, but preemption is off/);
  assert.match(String(found.find(([t]) => t === 1)![2]), /inside an rcu read-side section/);
});

test('misuse: unlocking what is not held, enabling preemption twice', async () => {
  const { result } = await run(['bad()', '-> mutex_unlock(&d->m)', '-> preempt_enable()'], [{ name: 'bad' }]);
  assert.deepEqual(result.violations.map((v) => [v.property, v.loc.line + 1]), [['misuse', 2], ['misuse', 3]]);
});

test('stop_machine waits until every other CPU can be preempted', async () => {
  const lines = ['reader()', '-> local_irq_save(flags)', '-> seamcall()', '-> local_irq_restore(flags)', '', 'updater()', '-> stop_machine(step, NULL, NULL)'];
  const { scenario } = await run(lines, [{ name: 'reader' }, { name: 'updater' }]);
  assert.throws(() => replaySchedule(scenario, '0 1'), /step 2: CPU 1 is blocked/);
  const w = replaySchedule(scenario, '0 0 1');
  assert.match(w.steps[2]!.note ?? '', /runs step on every CPU with IRQs off, in lockstep/);
});

test('kvm_make_all_cpus_request waits only for KVM_REQUEST_WAIT requests (or when told to)', async () => {
  const lines = (request: string) => ['vcpu()', '-> local_irq_disable()', '-> local_irq_enable()', '', 'kicker()', `-> kvm_make_all_cpus_request(kvm, ${request})`];
  const entries = [{ name: 'vcpu' }, { name: 'kicker' }];
  const plain = await run(lines('KVM_REQ_FW_UPDATE'), entries);
  assert.match(replaySchedule(plain.scenario, '0 1').steps[1]!.note ?? '', /does not wait/);
  const waiting = await run(lines('KVM_REQ_FW_UPDATE | KVM_REQUEST_WAIT'), entries);
  const w = replaySchedule(waiting.scenario, '0 1 0 1');
  assert.match(w.steps[1]!.note ?? '', /waits for CPU 0 \(IRQs off\)/);
  assert.match(w.steps[2]!.note ?? '', /IRQs on: runs the IPI callback of CPU 1/);
  const told = buildScenario(await notesGraph(lines('KVM_REQ_FW_UPDATE').join('\n')), entries, { kickWaits: true });
  assert.match(replaySchedule(told, '0 1 0 1').steps[1]!.note ?? '', /waits for CPU 0/);
});

test('atomics and locals: values flow into later branches', async () => {
  const { result } = await run([
    'user()',
    '-> atomic_set(&refs, 1)',
    '   if (atomic_dec_and_test(&refs)) {',
    '      freed = 1;',
    '   }',
    '-> old = atomic_cmpxchg(&state, 0, 5)',
    '   if (old == 0) {',
    '   -> atomic_add(bias, &biased)',
    '   }',
    '   ret = freed ? -EBUSY : 0;',
    '   return ret;',
  ], [{ name: 'user' }]);
  assert.equal(result.outcomes.length, 1);
  const [outcome] = result.outcomes;
  assert.deepEqual(outcome!.threads.map((t) => t.ret), ['-EBUSY']);
  assert.deepEqual(outcome!.values, { biased: 'bias', refs: '0', state: '5' });
});

test('C expressions: casts, errnos, biases, symbols, unknowns', () => {
  const env = { name: (n: string) => ({ data: 0, bias: BIAS, x: null, K: 'KVM_REQ' })[n] ?? null, path: () => 1, call: (c: string) => (c === 'atomic_add_return' ? BIAS + 1 : null) };
  const value = (text: string) => evaluate(parseExpr(text), env);
  assert.equal(value('(unsigned long)data == 0'), 1);
  assert.equal(value('atomic_add_return(bias, &nr_running_td) != bias'), 1);
  assert.equal(value('x == 0'), null);
  assert.equal(value('x && 0'), 0);
  assert.equal(value('K == K'), 1);
  assert.equal(value('!fw->update'), 0);
  assert.equal(value('foo(x) ? 0 : 2 + 3 * 4'), null);
  assert.equal(value('1 ? 0 : 2 + 3 * 4'), 0);
  assert.equal(value('sizeof(struct kvm) > 0'), null);
  assert.equal(renderValue(-16), '-EBUSY');
  assert.equal(renderValue(BIAS + 1), 'bias+1');
});

test('schedule strings: runs, choices, round trip', () => {
  const steps = decodeSchedule('1 0x5 1?0 2x2');
  assert.equal(steps.length, 9);
  assert.deepEqual(steps[6], { thread: 1, choice: 0 });
  assert.equal(encodeSchedule(steps), '1 0x5 1?0 2x2');
  assert.throws(() => decodeSchedule('1 zz'), /"zz" is not a schedule step/);
});
