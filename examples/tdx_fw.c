// SPDX-License-Identifier: GPL-2.0
/* Kernel-style fixture written for RaceLens: the seed 000 design in C. */
#include <linux/completion.h>
#include <linux/srcu.h>

struct kvm_fw {
	struct srcu_struct srcu;
	struct completion completion;
	bool update;
};

static atomic_t nr_running_td = ATOMIC_INIT(0);
static DEFINE_MUTEX(tdx_fw_lock);

int kvm_get_fw(struct kvm *kvm)
{
	wait_for_completion(&kvm->fw->completion);
	return srcu_read_lock(&kvm->fw->srcu);
}

void kvm_put_fw(struct kvm *kvm, int idx)
{
	srcu_read_unlock(&kvm->fw->srcu, idx);
}

static int kvm_start_update_fw(struct kvm_fw *fw, bool force)
{
	int ret = 0;

	init_completion(&fw->completion);
	fw->update = true;
	synchronize_srcu(&fw->srcu);
	if (atomic_add_return(bias, &nr_running_td) != bias) {
		if (!force)
			ret = -EBUSY;
	}
	return ret;
}

static int tdx_update_notifier(struct notifier_block *nb, unsigned long val, void *data)
{
	switch (val) {
	case TDX_UPDATE_START:
		return kvm_start_update_fw(tdx_module, (unsigned long)data != 0);
	case TDX_UPDATE_ABORT:
	default:
		break;
	}
	return NOTIFY_OK;
}

static struct notifier_block tdx_update_nb = {
	.notifier_call = tdx_update_notifier,
};

static struct kvm_x86_ops vt_x86_ops __initdata = {
	.mem_enc_ioctl = vt_mem_enc_ioctl,
	.vm_destroy = vt_vm_free,
};

long kvm_arch_vm_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg)
{
	return static_call(kvm_x86_mem_enc_ioctl)(kvm, argp);
}
