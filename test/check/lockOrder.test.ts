import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from '../../src/check/lockOrder';
import { renderScenario } from '../../src/check/scenarioTable';
import { inputFrom, inputOf } from './checkHelpers';
import { carets, located, order, related, TWINS, where } from './orderFixtures';

test('AB-BA across two functions: one cycle, at the acquire that closes it, with the chain and a 2-CPU table', async () => {
  const findings = check(await inputFrom(order('abba.c')));
  assert.deepEqual(located(findings), carets('RL002', 'abba.c'));
  const [cycle] = findings;
  assert.equal(cycle?.message, 'lock-order cycle: kvm.lock → vcpu.mutex → kvm.lock');
  assert.equal(cycle?.severity, 'error');
  assert.deepEqual(cycle?.evidence, { kind: 'pattern' });
  assert.deepEqual(related(cycle!), [
    'abba.c:6:2 kvm.lock taken here (held: none)',
    'abba.c:7:2 vcpu.mutex taken here while kvm.lock held',
    'abba.c:16:2 vcpu.mutex taken here (held: none)',
    'abba.c:17:2 kvm.lock taken here while vcpu.mutex held',
  ]);
  assert.deepEqual(cycle?.trace, [
    ' Possible unsafe locking scenario:',
    '',
    '       CPU0                    CPU1',
    '       ----                    ----',
    '  lock(kvm.lock);',
    '                               lock(vcpu.mutex);',
    '                               lock(kvm.lock);',
    '  lock(vcpu.mutex);',
    '',
    ' *** DEADLOCK ***',
    '',
    'Lock classes:',
    '  kvm.lock: member `lock` of `kvm` in `&kvm->lock`',
    '  vcpu.mutex: member `mutex` of `vcpu` in `&vcpu->mutex`',
  ]);
});

test('a three-lock cycle across three functions: one finding, three CPU columns', async () => {
  const findings = check(await inputFrom(order('three_locks.c')));
  assert.deepEqual(located(findings), carets('RL002', 'three_locks.c'));
  const [cycle] = findings;
  assert.equal(cycle?.message, 'lock-order cycle: kvm.irq_lock → kvm.lock → kvm.slots_lock → kvm.irq_lock');
  assert.deepEqual(related(cycle!), [
    'three_locks.c:26:2 kvm.irq_lock taken here (held: none)',
    'three_locks.c:27:2 kvm.lock taken here while kvm.irq_lock held',
    'three_locks.c:6:2 kvm.lock taken here (held: none)',
    'three_locks.c:7:2 kvm.slots_lock taken here while kvm.lock held',
    'three_locks.c:16:2 kvm.slots_lock taken here (held: none)',
    'three_locks.c:17:2 kvm.irq_lock taken here while kvm.slots_lock held',
  ]);
  assert.deepEqual(cycle?.trace?.slice(0, 12), [
    ' Possible unsafe locking scenario:',
    '',
    '       CPU0                    CPU1                         CPU2',
    '       ----                    ----                         ----',
    '  lock(kvm.irq_lock);',
    '                               lock(kvm.lock);',
    '                                                            lock(kvm.slots_lock);',
    '                                                            lock(kvm.irq_lock);',
    '                               lock(kvm.slots_lock);',
    '  lock(kvm.lock);',
    '',
    ' *** DEADLOCK ***',
  ]);
});

test('a cycle through call chains: locks held across calls, steps name the chain', async () => {
  const findings = check(await inputFrom(order('call_chain.c')));
  assert.deepEqual(located(findings), carets('RL002', 'call_chain.c'));
  assert.equal(findings[0]?.message, 'lock-order cycle: kvm.slots_lock → vcpu.mutex → kvm.slots_lock');
  assert.deepEqual(related(findings[0]!), [
    'call_chain.c:39:2 kvm.slots_lock taken here (held: none)',
    'call_chain.c:22:2 vcpu.mutex taken here while kvm.slots_lock held, in kvm_set_apic_access_page() → kvm_flush_all_apic_pages() → kvm_vcpu_flush_apic()',
    'call_chain.c:14:2 vcpu.mutex taken here (held: none)',
    'call_chain.c:7:2 kvm.slots_lock taken here while vcpu.mutex held, in kvm_vcpu_ioctl_set_lapic() → kvm_vcpu_reload_apic_page()',
  ]);
});

test('a reader in the cycle: a writer waiting on a read-held lock still deadlocks (rlock in the table)', async () => {
  const findings = check(await inputFrom(order('readers.c')));
  assert.deepEqual(located(findings), carets('RL002', 'readers.c'));
  assert.equal(findings[0]?.message, 'lock-order cycle: arch.mmu_unsync_pages_lock → kvm.mmu_lock → arch.mmu_unsync_pages_lock');
  assert.deepEqual(findings[0]?.trace?.slice(2, 8), [
    '       CPU0                          CPU1',
    '       ----                          ----',
    '  lock(arch.mmu_unsync_pages_lock);',
    '                                     rlock(kvm.mmu_lock);',
    '                                     lock(arch.mmu_unsync_pages_lock);',
    '  lock(kvm.mmu_lock);',
  ]);
});

test('one class taken twice is recursive locking; a _nested subclass is its own node', async () => {
  const findings = check(await inputFrom(order('nesting.c')));
  assert.deepEqual(located(findings), carets('RL002', 'nesting.c'));
  assert.deepEqual(findings.map((f) => f.message), [
    'lock-order cycle: kvm.lock → kvm.lock (recursive locking)',
    'lock-order cycle: kvm.lock → kvm.lock/1 → kvm.lock',
  ]);
  assert.deepEqual(findings[0]?.trace?.slice(2, 13), [
    '       CPU0',
    '       ----',
    '  lock(kvm.lock);',
    '  lock(kvm.lock);',
    '',
    ' *** DEADLOCK ***',
    '',
    ' May be due to missing lock nesting notation',
    '',
    'Lock classes:',
    '  kvm.lock: member `lock` of `kvm` in `&kvm->lock`',
  ]);
  assert.deepEqual(findings[1]?.trace?.slice(-2), [
    '  kvm.lock: member `lock` of `kvm` in `&kvm->lock`',
    '  kvm.lock/1: member `lock` of `kvm` in `&mirror->kvm->lock`; subclass 1 of `mutex_lock_nested`',
  ]);
});

test('lockdep_set_class gives the instance the key\'s class, in every function', async () => {
  const input = await inputOf({
    'mirror.c': [
      'static struct lock_class_key sev_mirror_lock_key;',
      'void sev_mirror_init(struct kvm_sev_info *mirror)',
      '{',
      '\tlockdep_set_class(&mirror->kvm->lock, &sev_mirror_lock_key);',
      '}',
      'void sev_mirror_lock(struct kvm *kvm, struct kvm_sev_info *mirror)',
      '{',
      '\tmutex_lock(&kvm->lock);',
      '\tmutex_lock(&mirror->kvm->lock);',
      '\tmutex_unlock(&mirror->kvm->lock);',
      '\tmutex_unlock(&kvm->lock);',
      '}',
      'void sev_mirror_unlock(struct kvm *kvm, struct kvm_sev_info *mirror)',
      '{',
      '\tmutex_lock(&mirror->kvm->lock);',
      '\tmutex_lock(&kvm->lock);',
      '\tmutex_unlock(&kvm->lock);',
      '\tmutex_unlock(&mirror->kvm->lock);',
      '}',
    ].join('\n'),
  });
  const findings = check(input);
  assert.deepEqual(findings.map((f) => `${where(f.loc)} ${f.message}`), [
    'mirror.c:16:2 lock-order cycle: kvm.lock → sev_mirror_lock_key → kvm.lock',
  ]);
  assert.equal(findings[0]?.trace?.at(-1),
    '  sev_mirror_lock_key: member `lock` of `kvm` in `&mirror->kvm->lock`; ' +
    'class given by `lockdep_set_class(&mirror->kvm->lock, &sev_mirror_lock_key)` (mirror.c:4)');
});

test('the same cycle whichever side is walked first: one finding, one canonical name', async () => {
  const vmSide = 'void vm_side(struct kvm *kvm, struct kvm_vcpu *vcpu)\n{\n\tmutex_lock(&kvm->lock);\n\tmutex_lock(&vcpu->mutex);\n}\n';
  const vcpuSide = 'void vcpu_side(struct kvm *kvm, struct kvm_vcpu *vcpu)\n{\n\tmutex_lock(&vcpu->mutex);\n\tmutex_lock(&kvm->lock);\n}\n';
  // Roots are walked in file-name order: a.c first, so the closing acquire is in b.c.
  const vmFirst = check(await inputOf({ 'a.c': vmSide, 'b.c': vcpuSide }));
  const vcpuFirst = check(await inputOf({ 'a.c': vcpuSide, 'b.c': vmSide }));
  assert.deepEqual(vmFirst.map((f) => `${where(f.loc)} ${f.message}`), ['b.c:4:2 lock-order cycle: kvm.lock → vcpu.mutex → kvm.lock']);
  assert.deepEqual(vcpuFirst.map((f) => `${where(f.loc)} ${f.message}`), ['b.c:4:2 lock-order cycle: kvm.lock → vcpu.mutex → kvm.lock']);
  assert.deepEqual(related(vcpuFirst[0]!), [
    'b.c:3:2 kvm.lock taken here (held: none)',
    'b.c:4:2 vcpu.mutex taken here while kvm.lock held',
    'a.c:3:2 vcpu.mutex taken here (held: none)',
    'a.c:4:2 kvm.lock taken here while vcpu.mutex held',
  ]);
});

test('cycles through an SRCU/RCU domain are RL004\'s, not RL002\'s', async () => {
  for (const name of ['srcu_lock_inversion.c', 'srcu_self.c', 'srcu_barrier.c']) {
    assert.deepEqual(check(await inputFrom(order(name))), [], name);
  }
});

test('correct twins: nesting in one order, readers, subclasses, set_class — no cycle', async () => {
  for (const twin of TWINS) assert.deepEqual(check(await inputFrom(order(twin))), [], twin);
});

test('scenario table: one column per CPU, wider when a class name needs it, lockdep\'s verbs', () => {
  const table = renderScenario([
    { holds: { verb: 'rlock', lock: 'kvm.srcu' }, waitsFor: { verb: 'lock', lock: 'kvm.arch.very_long_lock_class_name' } },
    { holds: { verb: 'lock', lock: 'kvm.arch.very_long_lock_class_name' }, waitsFor: { verb: 'sync', lock: 'kvm.srcu' } },
  ]);
  assert.deepEqual(table, [
    ' Possible unsafe locking scenario:',
    '',
    '       CPU0                                  CPU1',
    '       ----                                  ----',
    '  rlock(kvm.srcu);',
    '                                             lock(kvm.arch.very_long_lock_class_name);',
    '                                             sync(kvm.srcu);',
    '  lock(kvm.arch.very_long_lock_class_name);',
    '',
    ' *** DEADLOCK ***',
  ]);
});
