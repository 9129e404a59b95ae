import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from '../../src/check/srcuDeadlock';
import { inputFrom, inputOf } from './checkHelpers';
import { carets, located, order, related, TWINS, where } from './orderFixtures';

test('synchronize_srcu under kvm->lock while a kvm->srcu reader takes kvm->lock: RL004 at the synchronize', async () => {
  const findings = check(await inputFrom(order('srcu_lock_inversion.c')));
  assert.deepEqual(located(findings), carets('RL004', 'srcu_lock_inversion.c'));
  const [deadlock] = findings;
  assert.equal(deadlock?.message,
    'grace-period deadlock: synchronize_srcu(&kvm->srcu) waits for kvm.srcu readers while kvm.lock held, and a kvm.srcu reader takes kvm.lock');
  assert.equal(deadlock?.severity, 'error');
  assert.deepEqual(deadlock?.evidence, { kind: 'pattern' });
  assert.deepEqual(related(deadlock!), [
    'srcu_lock_inversion.c:12:2 kvm.lock taken here (held: none)',
    'srcu_lock_inversion.c:15:2 synchronize_srcu(&kvm->srcu) waits for kvm.srcu readers here while kvm.lock held',
    'srcu_lock_inversion.c:26:8 kvm.srcu read-side section entered here (held: none)',
    'srcu_lock_inversion.c:27:2 kvm.lock taken here while in a kvm.srcu read-side section',
  ]);
  assert.deepEqual(deadlock?.trace, [
    ' Possible unsafe locking scenario:',
    '',
    '       CPU0                    CPU1',
    '       ----                    ----',
    '  lock(kvm.lock);',
    '                               rlock(kvm.srcu);',
    '                               lock(kvm.lock);',
    '  sync(kvm.srcu);',
    '',
    ' *** DEADLOCK ***',
    '',
    'Lock classes:',
    '  kvm.lock: member `lock` of `kvm` in `&kvm->lock`',
    '  kvm.srcu: member `srcu` of `kvm` in `&kvm->srcu`',
  ]);
});

test('synchronize inside its own read side (through a call, and for RCU)', async () => {
  const findings = check(await inputFrom(order('srcu_self.c')));
  assert.deepEqual(located(findings), carets('RL004', 'srcu_self.c'));
  assert.deepEqual(findings.map((f) => f.message), [
    'grace-period deadlock: synchronize_srcu(&kvm->srcu) inside a kvm.srcu read-side section waits for its own reader',
    'grace-period deadlock: synchronize_rcu() inside an rcu read-side section waits for its own reader',
  ]);
  assert.deepEqual(related(findings[0]!), [
    'srcu_self.c:18:8 kvm.srcu read-side section entered here (held: none)',
    'srcu_self.c:8:2 synchronize_srcu(&kvm->srcu) waits for kvm.srcu readers here while in a kvm.srcu read-side section, ' +
      'in kvm_handle_memslot_exit() → kvm_free_old_memslots()',
  ]);
  assert.deepEqual(findings[0]?.trace?.slice(2, 8), ['       CPU0', '       ----', '  rlock(kvm.srcu);', '  sync(kvm.srcu);', '', ' *** DEADLOCK ***']);
});

test('srcu_barrier and cleanup_srcu_struct wait like synchronize_srcu, which lockdep does not see', async () => {
  const findings = check(await inputFrom(order('srcu_barrier.c')));
  assert.deepEqual(located(findings), carets('RL004', 'srcu_barrier.c'));
  assert.deepEqual(findings.map((f) => f.message), [
    'grace-period deadlock: srcu_barrier(&kvm->irq_srcu) waits for kvm.irq_srcu readers while kvm.irq_lock held, and a kvm.irq_srcu reader takes kvm.irq_lock',
    'grace-period deadlock: cleanup_srcu_struct(&kvm->srcu) waits for kvm.srcu readers while kvm.dirty_ring_lock held, and a kvm.srcu reader takes kvm.dirty_ring_lock',
  ]);
  assert.equal(findings[0]?.trace?.at(-1),
    'srcu_barrier() waits for every pending call_srcu() callback, each of which waits for a grace period; lockdep does not annotate it.');
});

test('a longer cycle through a domain is RL004\'s, reported at the synchronize', async () => {
  const input = await inputOf({
    'chain.c': [
      'void kvm_update(struct kvm *kvm)',
      '{',
      '\tmutex_lock(&kvm->lock);',
      '\tsynchronize_srcu(&kvm->srcu);',
      '\tmutex_unlock(&kvm->lock);',
      '}',
      'void kvm_reader(struct kvm *kvm)',
      '{',
      '\tint idx = srcu_read_lock(&kvm->srcu);',
      '\tmutex_lock(&kvm->slots_lock);',
      '\tmutex_unlock(&kvm->slots_lock);',
      '\tsrcu_read_unlock(&kvm->srcu, idx);',
      '}',
      'void kvm_slots_then_vm(struct kvm *kvm)',
      '{',
      '\tmutex_lock(&kvm->slots_lock);',
      '\tmutex_lock(&kvm->lock);',
      '\tmutex_unlock(&kvm->lock);',
      '\tmutex_unlock(&kvm->slots_lock);',
      '}',
    ].join('\n'),
  });
  const findings = check(input);
  assert.deepEqual(findings.map((f) => `${where(f.loc)} ${f.message}`), [
    'chain.c:4:2 grace-period deadlock: synchronize_srcu(&kvm->srcu) closes the cycle kvm.lock → kvm.srcu → kvm.slots_lock → kvm.lock',
  ]);
  assert.equal(findings[0]?.trace?.[2], '       CPU0                    CPU1                         CPU2');
});

test('pure lock cycles are RL002\'s: RL004 stays silent', async () => {
  for (const name of ['abba.c', 'three_locks.c', 'call_chain.c', 'readers.c', 'nesting.c']) {
    assert.deepEqual(check(await inputFrom(order(name))), [], name);
  }
});

test('correct twins: readers take only kvm->slots_arch_lock, readers nest, waits come after unlocks', async () => {
  for (const twin of TWINS) assert.deepEqual(check(await inputFrom(order(twin))), [], twin);
});
