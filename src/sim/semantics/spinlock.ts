// Spin locks and raw spin locks. Source of truth: kernel/locking/spinlock.c,
// include/linux/spinlock_api_smp.h. spin_lock() disables preemption, then
// busy-waits; the _irq/_irqsave variants disable IRQs first (program.ts
// compiles that as its own step), _bh bottom halves (not modelled). A CPU
// spinning here is not preemptible, and with IRQs off it answers no IPI.

import { lockSemantics } from './lockRules';

export const spinlockSemantics = lockSemantics({ spins: true, writerPreference: false });
