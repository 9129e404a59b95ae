// Generates kernel-style C for the benchmark: varied locking shapes, so the
// reader does the work it does on a real tree (not one function repeated).

const SHAPES: ((i: number) => string)[] = [
  (i) => `static int tdx_ioctl_${i}(struct kvm *kvm, unsigned long arg)
{
	int ret;

	mutex_lock(&kvm->lock);
	if (!kvm->created) {
		ret = -EINVAL;
		goto out_unlock;
	}
	ret = tdx_do_op_${i}(kvm, arg);
	if (ret)
		goto out_unlock;
	kvm->count_${i % 7} += 1;
out_unlock:
	mutex_unlock(&kvm->lock);
	return ret;
}
`,
  (i) => `static void vcpu_flush_${i}(struct kvm *kvm)
{
	struct kvm_vcpu *vcpu;
	unsigned long flags, j;

	spin_lock_irqsave(&kvm->mmu_lock, flags);
	kvm_for_each_vcpu(j, vcpu, kvm) {
		if (READ_ONCE(vcpu->mode) == IN_GUEST_MODE)
			kvm_make_request(KVM_REQ_TLB_FLUSH, vcpu);
	}
	spin_unlock_irqrestore(&kvm->mmu_lock, flags);
}
`,
  (i) => `int kvm_fw_reader_${i}(struct kvm *kvm)
{
	int idx, r = 0;

	idx = srcu_read_lock(&kvm->srcu);
	if (READ_ONCE(kvm->fw->update)) {
		srcu_read_unlock(&kvm->srcu, idx);
		wait_for_completion(&kvm->fw->completion);
		return -EAGAIN;
	}
	switch (kvm->mode) {
	case MODE_A:
		r = atomic_inc_unless_negative(&nr_running_td) ? 0 : -EBUSY;
		break;
	case MODE_B:
		atomic_dec(&nr_running_td);
		break;
	default:
		r = -ENOTTY;
	}
	srcu_read_unlock(&kvm->srcu, idx);
	return r;
}
`,
  (i) => `static long tdx_guarded_${i}(struct kvm *kvm, void __user *argp)
{
	guard(mutex)(&kvm->slots_lock);
	scoped_guard(spinlock, &kvm->irq_lock) {
		if (kvm->irq_pending_${i % 5})
			return -EBUSY;
	}
#ifdef CONFIG_KVM_TDX
	return static_call(tdx${Math.floor(i / 100000)}_mem_enc_ioctl)(kvm, argp);
#else
	return -ENOTTY;
#endif
}
`,
  (i) => `static int tdx_update_${i}(struct tdx_fw *fw, bool force)
{
	int ret = 0;

	init_completion(&fw->completion);
	fw->update = true;
	synchronize_srcu(&fw->srcu);
	if (atomic_add_return(TDX_BIAS, &nr_running_td) != TDX_BIAS && !force)
		ret = -EBUSY;
	atomic_sub(TDX_BIAS, &nr_running_td);
	fw->update = false;
	complete_all(&fw->completion);
	return ret;
}
`,
];

/** Kernel-doc above every function, as kernel/ and virt/kvm/ have it. */
function kernelDoc(name: string, i: number): string {
  return `/**
 * ${name}() - handle request ${i} for a guest.
 * @kvm: the VM whose state is updated; the caller holds a reference.
 *
 * Context: process context. Takes and releases the locks it needs; returns
 * 0 on success or a negative errno, and leaves the VM unchanged on error.
 */
`;
}

/** About `lines` lines of C, ending with an ops table that binds some of the functions. */
export function generateC(lines: number, seed = 0): string {
  const parts: string[] = ['// SPDX-License-Identifier: GPL-2.0', '#include <linux/kvm_host.h>', '', 'static atomic_t nr_running_td = ATOMIC_INIT(0);', 'static DEFINE_MUTEX(tdx_lock);', ''];
  let count = parts.length;
  let i = seed * 100000;
  while (count < lines - 5) {
    const body = SHAPES[i % SHAPES.length]!(i);
    const name = /(\w+)\(/.exec(body)?.[1] ?? 'fn';
    const text = kernelDoc(name, i) + body;
    parts.push(text);
    count += text.split('\n').length;
    i++;
  }
  // One ops table per file, as each vendor module has its own.
  parts.push(`static struct tdx${seed}_ops tdx_ops_${seed} = {`, `\t.mem_enc_ioctl = tdx_guarded_${seed * 100000 + 3},`, '};');
  return parts.join('\n') + '\n';
}
