// Mutexes. Source of truth: kernel/locking/mutex.c and include/linux/mutex.h.
// One owner; a task that finds it owned sleeps until the owner unlocks
// (mutex_lock may sleep, so it is illegal in atomic context). Taking a mutex
// the task already owns never returns: lockdep reports it as recursive
// locking, we report a self-deadlock. Only the owner may unlock.

import { lockSemantics } from './lockRules';

export const mutexSemantics = lockSemantics({ spins: false, writerPreference: false });
