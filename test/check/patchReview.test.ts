import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reviewPatch } from '../../src/check/patchReview';
import { inputFrom } from './checkHelpers';

test('a patch that closes a lock-order cycle: the finding is introduced, at the patch line', async () => {
  const { files } = await inputFrom(['check', 'patch', 'kvm_vcpu.c'], ['check', 'patch', 'vcpu-reset.patch']);
  const review = reviewPatch(files);
  assert.deepEqual(review.introduced.map((f) => [f.code, f.loc.file, f.loc.line + 1, f.message]), [
    ['RL002', 'vcpu-reset.patch', 23, 'this patch adds the edge vcpu.mutex → kvm.lock, which closes the lock-order cycle: kvm.lock → vcpu.mutex → kvm.lock'],
  ]);
  assert.deepEqual(review.removed, []);
  assert.ok(review.introduced[0]!.related.some((r) => r.loc.file === 'kvm_vcpu.c' && r.loc.line + 1 === 7), 'the other side of the cycle is in the tree');
});

test('without the patch the tree is clean, and reversing the roles reports the cycle as removed', async () => {
  const { files } = await inputFrom(['check', 'patch', 'kvm_vcpu.c'], ['check', 'patch', 'vcpu-reset.patch']);
  // Swap post and pre images: the same patch, reverted.
  const reverted = files.map((f) => ({
    ...f,
    functions: f.functions.map((fn) => ({ ...fn, origin: fn.origin === 'patch-post' ? 'patch-pre' as const : fn.origin === 'patch-pre' ? 'patch-post' as const : fn.origin })),
  }));
  const review = reviewPatch(reverted);
  assert.deepEqual(review.introduced, []);
  assert.deepEqual(review.removed.map((f) => [f.code, f.severity, f.message]), [
    ['RL002', 'info', 'this patch removes: lock-order cycle: kvm.lock → vcpu.mutex → kvm.lock'],
  ]);
});
