import { test } from 'node:test';
import assert from 'node:assert/strict';
import { looksLikeLockingDoc, readLockingDoc } from '../../src/parse/lockingDoc';
import type { InputProblem, LockReference, LockRule } from '../../src/model/types';
import { fixture } from '../helpers';

const SEED = fixture('seeds', '003_9c3a4e683cbf76c3.txt');

/** A rule as `line kind classes`, line 0-based as in the model. */
function brief(rule: LockRule): string {
  switch (rule.kind) {
    case 'order': return `${rule.loc.line} order ${rule.outer} > ${rule.inner}`;
    case 'sync-inside': return `${rule.loc.line} sync-inside ${rule.domain}: ${rule.locks.join(', ')}`;
    case 'allowed-in-read-side': return `${rule.loc.line} allowed-in-read-side ${rule.domain}: ${rule.lock}`;
  }
}

function briefProblem(p: InputProblem): string {
  return `${p.loc.line}:${p.loc.col}-${p.loc.endLine}:${p.loc.endCol} ${p.severity} ${p.message}`;
}

function reference(references: LockReference[], name: string): Omit<LockReference, 'loc'>[] {
  return references.filter((r) => r.name === name).map(({ loc: _loc, ...rest }) => rest);
}

test('seed 003: the rules of both versions of KVM locking.rst, each once, with its line', () => {
  const { rules } = readLockingDoc(SEED, 'seed003.txt');
  assert.deepEqual(rules.map(brief), [
    '24 order cpu_hotplug_lock > kvm_lock',
    '26 order kvm_usage_lock > cpu_hotplug_lock',
    '28 order kvm.lock > vcpu.mutex',
    '30 order kvm.lock > kvm.slots_lock',
    '30 order kvm.lock > kvm.irq_lock',
    '32 order kvm.slots_lock > kvm.irq_lock',
    '50 sync-inside kvm.srcu: kvm.lock, vcpu.mutex, kvm.slots_lock',
    '58 allowed-in-read-side kvm.srcu: kvm.slots_arch_lock',
    '65 order vcpu.mutex > hyperv.hv_lock',
    '65 order vcpu.mutex > xen.xen_lock',
    '67 order arch.mmu_lock > arch.tdp_mmu_pages_lock',
    '67 order arch.mmu_lock > arch.mmu_unsync_pages_lock',
  ]);
});

test('seed 003: locations point into the diff view, texts drop trailing clauses', () => {
  const { rules } = readLockingDoc(SEED, 'seed003.txt');
  const seedLines = SEED.split('\n');
  const at = (i: number): LockRule => rules[i] as LockRule;
  // The left-only rule sits in the cut-off left column; its name was completed.
  assert.deepEqual(at(1).loc, { file: 'seed003.txt', line: 26, col: 6, endLine: 26, endCol: 50 });
  assert.equal(seedLines[26]?.slice(6, 50), 'kvm_usage_lock is taken outside cpus_read_lo');
  assert.equal(at(1).text, 'kvm_usage_lock is taken outside cpus_read_lock() (completed from the cut "cpus_read_lo")');
  // Unchanged rows are read from the right column, where the text is whole.
  assert.equal(seedLines[24]?.slice(at(0).loc.col, at(0).loc.endCol), 'cpus_read_lock() is taken outside kvm_lock');
  assert.equal(at(5).text, 'kvm->slots_lock is taken outside kvm->irq_lock');
  assert.deepEqual(at(6).loc, { file: 'seed003.txt', line: 50, col: 60, endLine: 51, endCol: 106 });
  assert.equal(at(6).text, '``synchronize_srcu(&kvm->srcu)`` is called inside critical sections for kvm->lock, vcpu->mutex and kvm->slots_lock');
  assert.equal(at(7).text, 'kvm->slots_arch_lock instead is released before the call to ``synchronize_srcu()``. It _can_ therefore be taken inside a kvm->srcu read-side critical section');
  assert.deepEqual([at(7).loc.endLine, at(7).loc.endCol], [60, 96]);
  assert.equal(at(10).text, 'critical sections for kvm->arch.tdp_mmu_pages_lock and kvm->arch.mmu_unsync_pages_lock must also take kvm->arch.mmu_lock');
  assert.equal(seedLines[67]?.slice(at(10).loc.col, at(10).loc.col + 17), 'critical sections');
});

test('seed 003: reference entries, identical ones once, differing versions both', () => {
  const { references } = readLockingDoc(SEED, 'seed003.txt');
  assert.deepEqual(references.map((r) => `${r.loc.line} ${r.name} -> ${r.object}`), [
    '245 kvm_lock -> kvm_lock',
    '245 kvm_lock -> kvm_lock',
    '252 kvm_usage_lock -> kvm_usage_lock',
    '262 kvm->mn_invalidate_lock -> kvm.mn_invalidate_lock',
    '269 kvm_arch::tsc_write_lock -> kvm_arch.tsc_write_lock',
    '278 kvm->mmu_lock -> kvm.mmu_lock',
    '285 kvm->srcu -> kvm.srcu',
    '297 kvm->slots_arch_lock -> kvm.slots_arch_lock',
    '306 wakeup_vcpus_on_cpu_lock -> wakeup_vcpus_on_cpu_lock',
    '319 vendor_module_lock -> vendor_module_lock',
    '319 vendor_module_lock -> vendor_module_lock',
  ]);
  assert.deepEqual(reference(references, 'kvm_lock'), [
    // linux-6.12-rc7 moved kvm_usage_count to its own lock
    { name: 'kvm_lock', object: 'kvm_lock', type: 'mutex', arch: 'any', protects: ['vm_list'], comment: '' },
    {
      name: 'kvm_lock', object: 'kvm_lock', type: 'mutex', arch: 'any',
      protects: ['vm_list', 'kvm_usage_count', 'hardware virtualization enable/disable'],
      comment: 'KVM also disables CPU hotplug via cpus_read_lock() during enable/disable.',
    },
  ]);
  const mmuLock = references.find((r) => r.name === 'kvm->mmu_lock');
  assert.deepEqual(mmuLock, {
    name: 'kvm->mmu_lock', object: 'kvm.mmu_lock', type: 'spinlock_t or rwlock_t', arch: 'any',
    protects: ['shadow page/shadow tlb entry'], comment: 'it is a spinlock since it is used in mmu notifier.',
    loc: { file: 'seed003.txt', line: 278, col: 58, endLine: 278, endCol: 75 },
  });
  assert.deepEqual(reference(references, 'kvm->mn_invalidate_lock')[0]?.protects, ['mn_active_invalidate_count', 'mn_memslots_update_rcuwait']);
  assert.deepEqual(reference(references, 'kvm_arch::tsc_write_lock')[0]?.protects, ['kvm_arch::{last_tsc_write,last_tsc_nsec,last_tsc_offset}', 'tsc offset in vmcb']);
  assert.equal(reference(references, 'kvm->slots_arch_lock')[0]?.arch, 'any (only needed on x86 though)');
  assert.equal(reference(references, 'kvm_usage_lock')[0]?.comment, 'Exists to allow taking cpus_re\u2026 protected, which simplifies th\u2026');
});

test('seed 003: what the diff view cut or changed is reported, not guessed silently', () => {
  const { problems } = readLockingDoc(SEED, 'seed003.txt');
  assert.deepEqual(problems.map(briefProblem), [
    '26:6-26:50 info only linux-6.12-rc7 states this rule: kvm_usage_lock is taken outside cpus_read_lock() (completed from the cut "cpus_read_lo")',
    '26:38-26:50 info the diff view cuts "cpus_read_lo"; read as `cpus_read_lock()`, the only name in linux-6.12-rc7 that starts with it',
    '245:58-245:70 info linux-6.12-rc7 and linux-6.8.12 describe `kvm_lock` differently; both entries kept',
    '259:4-259:13 info the diff view cuts off `:Comment:` of `kvm_usage_lock`; \u2026 marks the gaps',
    '319:58-319:80 info linux-6.12-rc7 and linux-6.8.12 describe `vendor_module_lock` differently; both entries kept',
    '324:4-324:13 info the diff view cuts off `:Comment:` of `vendor_module_lock`; \u2026 marks the gaps',
  ]);
});

test('a diff view: cut names with no single completion are skipped with a warning', () => {
  const { rules, references, problems } = readLockingDoc(fixture('docs', 'hub-locking.diff.txt'), 'hub.txt');
  assert.deepEqual(rules.map(brief), [
    '8 order hub.a_lock > hub.b_lock',
    '12 order hub.cfg_mutex > hub.reset_lock',
    '14 order hub.port_lock > hub.b_lock',
    '17 order hub.old_lock > hub.a_lock',
  ]);
  // The left-only entry's title is cut: skipped, with its :Type:. The shared one is read once.
  assert.deepEqual(references, [{
    name: 'hub->a_lock', object: 'hub.a_lock', type: 'spinlock_t', arch: '', protects: ['hub->ports'], comment: '',
    loc: { file: 'hub.txt', line: 25, col: 58, endLine: 25, endCol: 73 },
  }]);
  assert.deepEqual(problems.map(briefProblem), [
    '10:38-10:50 warning the diff view cuts the lock name "hub->queue_s" and no single name in v2 starts with it; rule skipped',
    '12:38-12:50 warning the diff view cuts the lock name "hub->reset_l" and no single name in v2 starts with it; rule skipped',
    '12:60-12:107 info v1 states this rule; v2 may too, but the diff view cuts its line: hub->cfg_mutex is taken outside hub->reset_lock',
    '14:6-14:49 info only v2 states this rule: hub->port_lock is taken outside hub->b_lock',
    '14:49-14:50 info the diff view cuts this line here; the list may have named more locks',
    '17:60-17:102 info only v1 states this rule: hub->old_lock is taken outside hub->a_lock',
    '21:4-21:50 warning the diff view cuts off this reference\'s name "hub->port_reconfiguration_in_progress_wait_l"; entry skipped',
  ]);
});

test('a plain .rst: rules from lists, paragraphs and comments; references', () => {
  const { rules, references, problems } = readLockingDoc(fixture('docs', 'vhub-locking.rst'), 'vhub-locking.rst');
  assert.deepEqual(rules.map(brief), [
    '11 order hub.config_mutex > port.mutex',
    '13 order port.mutex > port.queue_lock',
    '13 order port.mutex > port.stats_lock',
    '13 order port.mutex > hub.irq_lock',
    '16 order cpu_hotplug_lock > vhub_list_lock',
    '20 sync-inside hub.srcu: hub.config_mutex, port.mutex',
    '27 allowed-in-read-side hub.srcu: port.event_lock',
    '32 order arch.gic_lock > arch.vlpi_lock',
    '47 order port.mutex > vhub_list_lock',
  ]);
  assert.deepEqual(rules[1]?.loc, { file: 'vhub-locking.rst', line: 13, col: 2, endLine: 14, endCol: 15 });
  assert.equal(rules[1]?.text, 'port->mutex is taken outside port->queue_lock, port->stats_lock and hub->irq_lock');
  assert.deepEqual(references, [
    {
      name: 'vhub_list_lock', object: 'vhub_list_lock', type: 'mutex', arch: 'any',
      protects: ['vhub_list', 'the hub id allocator'],
      comment: 'Held across hub creation; port->mutex is taken outside of vhub_list_lock, e.g. when a port is hot-added.',
      loc: { file: 'vhub-locking.rst', line: 40, col: 0, endLine: 40, endCol: 18 },
    },
    {
      name: 'port->queue_lock', object: 'port.queue_lock', type: 'spinlock_t', arch: 'any',
      protects: ['ring_head', 'ring_tail'], comment: '',
      loc: { file: 'vhub-locking.rst', line: 50, col: 0, endLine: 50, endCol: 20 },
    },
  ]);
  assert.deepEqual(problems, []);
});

test('malformed entries and unterminated rules give problems on their lines', () => {
  const { rules, references, problems } = readLockingDoc(fixture('docs', 'malformed-locking.rst'), 'bad.rst');
  assert.deepEqual(rules.map(brief), ['7 order dev.b_lock > dev.c_lock']);
  assert.deepEqual(references.map((r) => [r.loc.line, r.name, r.type, r.arch]), [[15, 'dev->f_lock', '', 'any'], [22, 'dev->g_lock', '', 'any']]);
  assert.deepEqual(problems.map(briefProblem), [
    '3:0-3:6 warning `:Type:` before any ``name`` title; ignored',
    '5:2-5:30 warning unterminated rule: no lock name after "is taken outside"',
    '7:2-7:46 warning unterminated rule: the lock list ends in a dangling "and" or ","',
    '9:15-9:31 warning no lock name before "is taken outside"; not read as a rule',
    '11:2-11:11 warning `mystery()` names no lock RaceLens can identify; rule skipped',
    '13:5-13:65 warning cannot tell which lock "It" is; not read as a rule',
    '15:0-15:15 warning the entry for `dev->f_lock` has no `:Type:`',
    '19:0-19:9 warning unknown field `:Protect:` in the entry for `dev->f_lock`; ignored',
    '20:0-20:6 warning second `:Arch:` in the entry for `dev->f_lock`; the first is kept',
    '22:0-22:15 warning empty `:Type:` in the entry for `dev->g_lock`',
  ]);
});

test('plural subjects, the "cannot" form, CRLF line ends', () => {
  const text = [
    '- a->x_lock and a->y_lock are taken outside a->z_lock',
    '',
    '- a->x_lock cannot be taken inside a ``a->srcu`` read-side critical section.',
  ].join('\r\n');
  const { rules, problems } = readLockingDoc(text, 'inline.rst');
  assert.deepEqual(rules.map(brief), [
    '0 order a.x_lock > a.z_lock',
    '0 order a.y_lock > a.z_lock',
    '2 sync-inside a.srcu: a.x_lock',
  ]);
  assert.deepEqual(problems, []);
});

test('binary junk and empty input: problems or nothing, never an exception', () => {
  const junk = String.fromCharCode(...Array.from({ length: 512 }, (_, i) => (i * 7919) % 256));
  assert.deepEqual(readLockingDoc(junk, 'junk.bin'), {
    rules: [], references: [],
    problems: [{ loc: { file: 'junk.bin', line: 0, col: 0, endLine: 0, endCol: 0 }, severity: 'error', message: 'file holds binary data (NUL bytes); not read as a locking doc' }],
  });
  const controls = '\x01\x02\x03 is taken outside \x04\x05\x06\x07\x08\x0e\x0f'.repeat(20);
  assert.equal(readLockingDoc(controls, 'ctl.bin').problems[0]?.message, 'file is mostly control characters or undecodable bytes; not read as a locking doc');
  assert.deepEqual(readLockingDoc('', 'empty.rst'), { rules: [], references: [], problems: [] });
  assert.equal(looksLikeLockingDoc(junk), false);
  assert.equal(looksLikeLockingDoc(controls), false);
});

test('the sniff tells locking docs from the other inputs', () => {
  assert.equal(looksLikeLockingDoc(SEED), true);
  assert.equal(looksLikeLockingDoc(fixture('docs', 'vhub-locking.rst')), true);
  assert.equal(looksLikeLockingDoc(':Type:          mutex\n'), true);
  for (const seed of ['000_ae3e64e89a0db923.txt', '001_fe58d749afbb1e1c.txt', '002_d749ae0c8f641166.txt', '004_e8fd67d9f64c042f.txt']) {
    assert.equal(looksLikeLockingDoc(fixture('seeds', seed)), false, seed);
  }
  assert.equal(looksLikeLockingDoc(fixture('c', 'tdx_fw.c')), false);
});
