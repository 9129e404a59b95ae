import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from '../../src/check/updateRace';
import { brief, inputFrom } from './checkHelpers';

test('seed 000: RL001 at each reader\'s wait_for_completion, witnessed, with the updater\'s steps related', async () => {
  const findings = check(await inputFrom(['seeds', '000_ae3e64e89a0db923.txt']));
  assert.deepEqual(brief(findings).map((b) => b.split(' ').slice(0, 2).join(' ')), [
    'RL001 000_ae3e64e89a0db923.txt:42',
    'RL001 000_ae3e64e89a0db923.txt:61',
  ]);
  const first = findings[0]!;
  assert.equal(first.evidence.kind, 'witnessed');
  assert.equal(first.message,
    'kvm_vm_ioctl() checks the update guard fw.completion (member `completion` of `fw` in `&kvm->fw->completion`) before its fw.srcu read-side section: ' +
    'reload_store() can publish the guard and pass synchronize_srcu in between, so the reader runs inside the update window and the update aborts with -EBUSY');
  assert.deepEqual(first.related.map((r) => `${r.loc.line + 1}: ${r.message}`), [
    '14: reload_store() publishes the update guard here (init_completion on fw.completion)',
    '18: grace period starts here: synchronize_srcu on fw.srcu waits only for readers already inside',
    '43: the reader enters the fw.srcu read side only here, after its guard check',
  ]);
  assert.match(first.trace?.[0] ?? '', /^CPU 0\s+CPU 1$/);
});

test('the fixed design (guard checked inside the read side) has no RL001', async () => {
  const findings = check(await inputFrom(['sim', 'fixed.rlnotes']));
  assert.deepEqual(brief(findings), []);
});
