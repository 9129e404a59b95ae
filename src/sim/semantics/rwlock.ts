// Reader-writer spin locks. Source of truth: kernel/locking/spinlock.c,
// kernel/locking/qrwlock.c, include/linux/rwlock.h. Readers share the lock
// and may recurse (a reader in interrupt context does not wait for a queued
// writer: queued_read_lock_slowpath), a writer excludes readers and writers.
// Both busy-wait with preemption disabled, as spin locks do.

import { lockSemantics } from './lockRules';

export const rwlockSemantics = lockSemantics({ spins: true, writerPreference: false });
