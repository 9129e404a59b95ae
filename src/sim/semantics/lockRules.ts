// Ownership and blocking shared by every lock family; each family's module
// says which rules apply to it and where the kernel defines them.

import type { FamilySemantics, OpResult, OpRun, OpView, Wait } from './types';
import type { Holder, ObjectState } from '../state';

type Lock = Extract<ObjectState, { kind: 'lock' }>;

export interface LockRules {
  /** Busy-waits with preemption disabled (spin locks, rwlocks) instead of sleeping. */
  spins: boolean;
  /** A writer that cannot take the lock queues, and new readers wait behind it (rwsems). */
  writerPreference: boolean;
}

function exclusiveWait(lock: Lock, id: string, thread: number): Wait | null {
  const holders: Holder[] = [...(lock.writer ? [lock.writer] : []), ...lock.readers];
  if (holders.length === 0) return null;
  return { kind: 'lock', object: id, mode: 'exclusive', holders, self: holders.some(([t]) => t === thread) };
}

function sharedWait(lock: Lock, id: string, thread: number, rules: LockRules): Wait | null {
  if (lock.writer) return { kind: 'lock', object: id, mode: 'shared', holders: [lock.writer], self: lock.writer[0] === thread };
  const queued = lock.queued.filter((t) => t !== thread);
  if (rules.writerPreference && queued.length > 0) {
    // Behind a queued writer: it is waiting for this thread if this thread already reads.
    return { kind: 'lock', object: id, mode: 'shared', holders: queued.map((t) => [t, -1] as const), self: lock.readers.some(([t]) => t === thread) };
  }
  return null;
}

export function lockSemantics(rules: LockRules): FamilySemantics {
  return {
    blockedOn({ state, op, thread, phase }: OpView): Wait | null {
      const id = op.object?.id;
      const lock = id !== undefined ? state.objects[id] : undefined;
      if (lock?.kind !== 'lock' || id === undefined || op.action !== 'acquire') return null;
      if (op.mode === 'shared') return sharedWait(lock, id, thread, rules);
      // An rwsem writer's first step queues it; only the second waits.
      if (rules.writerPreference && phase === 0) return null;
      return exclusiveWait(lock, id, thread);
    },

    run({ draft, op, thread, pc, phase }: OpRun): OpResult {
      const id = op.object?.id;
      const lock = id !== undefined ? draft.object(id) : undefined;
      if (lock?.kind !== 'lock' || id === undefined) return { note: 'not a lock RaceLens tracks' };
      const cpu = draft.thread(thread);
      const take = (): void => {
        if (op.mode === 'shared') lock.readers.push([thread, pc]);
        else lock.writer = [thread, pc];
        lock.queued = lock.queued.filter((t) => t !== thread);
        if (rules.spins) cpu.preempt++;
      };
      switch (op.action) {
        case 'acquire':
          if (rules.writerPreference && op.mode !== 'shared' && phase === 0 && exclusiveWait(lock, id, thread)) {
            lock.queued.push(thread);
            cpu.pending = { kind: 'queued-writer', lock: id };
            return { waiting: true, note: `queues for ${id}; new readers now wait behind it` };
          }
          cpu.pending = null;
          take();
          return { note: `takes ${id}${op.mode === 'shared' ? ' for reading' : ''}` };
        case 'try_acquire': {
          const busy = op.mode === 'shared' ? sharedWait(lock, id, thread, rules) : exclusiveWait(lock, id, thread);
          if (busy) return { value: 0, note: `${id} is busy: fails` };
          take();
          return { value: 1, note: `takes ${id}` };
        }
        case 'release': {
          if (op.mode === 'shared') {
            const at = lock.readers.map(([t]) => t).lastIndexOf(thread);
            if (at < 0) return { problem: `${op.primitive}() of ${id}, which this thread does not hold for reading` };
            lock.readers.splice(at, 1);
          } else {
            if (lock.writer?.[0] !== thread) return { problem: `${op.primitive}() of ${id}, which this thread does not hold` };
            lock.writer = null;
          }
          if (rules.spins) cpu.preempt = Math.max(0, cpu.preempt - 1);
          return { note: `releases ${id}` };
        }
        default:
          return {};
      }
    },
  };
}
