// Reader-writer semaphores, per-CPU rwsems and the CPU hotplug lock.
// Sources of truth: kernel/locking/rwsem.c, kernel/locking/percpu-rwsem.c,
// kernel/cpu.c (cpus_read_lock() is percpu_down_read(&cpu_hotplug_lock)).
// Readers share, a writer excludes; all of them sleep. A writer that cannot
// take the lock queues first, and readers arriving after it wait behind it
// (rwsem.c's handoff; percpu_down_write() sets readers_block), which is why
// a recursive read lock can deadlock against a writer in between.
// downgrade_write() turns the caller's write hold into a read hold.

import { lockSemantics } from './lockRules';
import type { FamilySemantics } from './types';

const rules = lockSemantics({ spins: false, writerPreference: true });

export const rwsemSemantics: FamilySemantics = {
  blockedOn: (view) => (view.op.primitive === 'downgrade_write' ? null : rules.blockedOn(view)),
  run(run) {
    if (run.op.primitive !== 'downgrade_write') return rules.run(run);
    const id = run.op.object?.id;
    const lock = id !== undefined ? run.draft.object(id) : undefined;
    if (lock?.kind !== 'lock' || lock.writer?.[0] !== run.thread) return { problem: `downgrade_write() of ${id ?? 'a lock'} not held for writing` };
    lock.readers.push([run.thread, run.pc]);
    lock.writer = null;
    return { note: `now holds ${id} for reading` };
  },
};
