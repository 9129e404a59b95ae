import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from '../../src/check/documentedOrder';
import { inputFrom, inputOf } from './checkHelpers';
import { carets, located, order, related, SEED_003, TWINS } from './orderFixtures';

test('each kind of documented rule broken by code, reported at the code with the rule cited', async () => {
  const findings = check(await inputFrom(order('locking.rst'), order('doc_order.c')));
  assert.deepEqual(located(findings), carets('RL003', 'doc_order.c'));
  assert.deepEqual(findings.map((f) => f.message), [
    'documented lock order broken: kvm.lock taken while vcpu.mutex held (documented: kvm.lock outside vcpu.mutex)',
    'documented lock order broken: kvm.slots_lock taken inside a kvm.srcu read-side section ' +
      '(documented: kvm.srcu is synchronized inside kvm.slots_lock critical sections)',
    'documented lock order broken: synchronize_srcu(&kvm->srcu) called while kvm.slots_arch_lock held ' +
      '(documented: kvm.slots_arch_lock is taken inside kvm.srcu read-side sections, so it is released before synchronizing)',
  ]);
  assert.ok(findings.every((f) => f.severity === 'warning' && f.evidence.kind === 'pattern'));
  assert.deepEqual(related(findings[0]!), [
    'doc_order.c:14:2 vcpu.mutex taken here (held: none)',
    'doc_order.c:6:2 kvm.lock taken here while vcpu.mutex held, in kvm_vcpu_ioctl_get_caps() → kvm_vcpu_refresh_vm_caps()',
    'locking.rst:10:3 documented: kvm->lock is taken outside vcpu->mutex (locking.rst:10)',
  ]);
  assert.deepEqual(related(findings[2]!), [
    'doc_order.c:35:2 kvm.slots_arch_lock taken here (held: none)',
    'doc_order.c:37:2 synchronize_srcu(&kvm->srcu) waits for kvm.srcu readers here while kvm.slots_arch_lock held',
    'locking.rst:20:3 documented: kvm->slots_arch_lock is dropped before any wait for kvm->srcu readers. ' +
      'It _can_ therefore be taken inside a kvm->srcu read-side critical section (locking.rst:20)',
  ]);
});

test('seed 003: kvm->lock inside a kvm->srcu reader breaks the synchronize_srcu rule, cited at its line', async () => {
  const findings = check(await inputFrom(SEED_003, order('srcu_lock_inversion.c')));
  assert.deepEqual(located(findings), carets('RL003', 'srcu_lock_inversion.c'));
  assert.equal(findings[0]?.message,
    'documented lock order broken: kvm.lock taken inside a kvm.srcu read-side section ' +
    '(documented: kvm.srcu is synchronized inside kvm.lock critical sections)');
  assert.deepEqual(related(findings[0]!), [
    'srcu_lock_inversion.c:26:8 kvm.srcu read-side section entered here (held: none)',
    'srcu_lock_inversion.c:27:2 kvm.lock taken here while in a kvm.srcu read-side section',
    '003_9c3a4e683cbf76c3.txt:51:61 documented: ``synchronize_srcu(&kvm->srcu)`` is called inside critical sections ' +
      'for kvm->lock, vcpu->mutex and kvm->slots_lock (003_9c3a4e683cbf76c3.txt:51)',
  ]);
});

test('seed 003 order rules: taking kvm->lock under vcpu->mutex is reported, the trylock is not', async () => {
  const input = await inputOf({
    'vcpu.c': [
      'long kvm_vcpu_ioctl_lock_vm(struct kvm_vcpu *vcpu)',
      '{',
      '\tmutex_lock(&vcpu->mutex);',
      '\tif (!mutex_trylock(&vcpu->kvm->lock))',
      '\t\treturn -EBUSY;',
      '\tmutex_unlock(&vcpu->kvm->lock);',
      '\tmutex_lock(&vcpu->kvm->lock);',
      '\tmutex_unlock(&vcpu->kvm->lock);',
      '\tmutex_unlock(&vcpu->mutex);',
      '\treturn 0;',
      '}',
    ].join('\n'),
  });
  const withSeed = await inputFrom(SEED_003);
  const findings = check({ ...input, rules: withSeed.rules });
  assert.deepEqual(located(findings), ['RL003 vcpu.c:7']);
  assert.equal(findings[0]?.related.at(-1)?.message,
    'documented: kvm->lock is taken outside vcpu->mutex (003_9c3a4e683cbf76c3.txt:29)');
});

test('no locking doc, no RL003', async () => {
  assert.deepEqual(check(await inputFrom(order('abba.c'), order('doc_order.c'))), []);
});

test('correct twins read with both locking docs: no documented order broken', async () => {
  for (const twin of TWINS) {
    assert.deepEqual(check(await inputFrom(SEED_003, order('locking.rst'), order(twin))), [], twin);
  }
});
