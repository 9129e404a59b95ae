import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from '../../src/check/completionDeadlock';
import { brief, caretExpectations, inputFrom } from './checkHelpers';
import { fixture } from '../helpers';

test('RL005: a wait under the lock every complete() needs, witnessed by a deadlock', async () => {
  const findings = check(await inputFrom(['check', 'completion', 'fw_wait.c']));
  assert.deepEqual(brief(findings).map((b) => b.split(' ').slice(0, 2).join(' ')),
    caretExpectations('fw_wait.c', fixture('check', 'completion', 'fw_wait.c')));
  const finding = findings[0]!;
  assert.equal(finding.evidence.kind, 'witnessed');
  assert.equal(finding.message, 'wait_for_completion() on fw.ready waits while holding fw.lock (member `lock` of `fw` in `&fw->lock`), ' +
    'but every complete() of fw.ready runs with fw.lock held: the completer blocks on the lock and the waiter never wakes');
  assert.deepEqual(finding.related.map((r) => `${r.loc.line + 1}: ${r.message}`), [
    '6: fw.lock taken here by mutex_lock()',
    '16: kvm_fw_ready_work() completes fw.ready here, holding fw.lock',
    '14: kvm_fw_ready_work() takes fw.lock here first',
  ]);
});

test('RL005: no finding when the waiter drops the lock first', async () => {
  assert.deepEqual(brief(check(await inputFrom(['check', 'completion', 'fw_wait.fixed.c']))), []);
});
