import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from '../../src/check/timelineClaims';
import { inputFrom } from './checkHelpers';

test("RL009: seed 000's own timeline can happen: no finding", async () => {
  assert.deepEqual(check(await inputFrom(['seeds', '000_ae3e64e89a0db923.txt'])), []);
});

test('RL009: a wait placed after the re-initialisation is reported at that row, with the reason', async () => {
  const findings = check(await inputFrom(['sim', 'seed000-wait-after-init.rlnotes']));
  assert.deepEqual(findings.map((f) => [f.code, f.loc.line + 1, f.evidence.kind]), [['RL009', 53, 'proved']]);
  assert.equal(findings[0]!.message,
    'this timeline cannot happen: CPU 0 cannot pass wait_for_completion(&kvm->fw->completion) here: ' +
    "CPU 1's init_completion(&fw->completion) four rows up (line 49) left fw.completion not done; " +
    "it is completed only later, by CPU 1's complete_all(&fw->completion) 21 rows down (line 76)");
});
