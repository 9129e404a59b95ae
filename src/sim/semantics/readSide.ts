// SRCU and RCU read-side sections and grace periods. Sources of truth:
// Documentation/RCU/whatisRCU.rst and Documentation/RCU/Design/Requirements/
// (the grace-period guarantee), kernel/rcu/srcutree.c (synchronize_srcu).
//
// A grace period waits for every read-side section of its own domain that
// began before it began, and never for sections that begin after: so
// synchronize takes a snapshot of the open sections when it starts, and
// returns once each of those has ended. The domain is the object
// (`fw.srcu`; `rcu`, `rcu_bh` and `rcu_sched` for the RCU flavours).
// synchronize inside a read-side section of its own domain waits for
// itself: a self-deadlock (srcutree.c's lockdep check says the same).
// call_srcu/call_rcu callbacks, srcu_barrier and cleanup are not simulated.

import type { FamilySemantics, OpRun, OpView, Wait } from './types';
import type { Holder, ObjectState } from '../state';

type Domain = Extract<ObjectState, { kind: 'domain' }>;

/** The snapshotted sections that are still open. */
function stillOpen(d: Domain, waitFor: readonly (readonly [number, number])[]): Holder[] {
  return waitFor.filter(([t, gen]) => (d.depth[t] ?? 0) > 0 && d.gen[t] === gen).map(([t]) => [t, d.since[t] ?? -1] as const);
}

export const readSideSemantics: FamilySemantics = {
  blockedOn({ state, op, thread, phase }: OpView): Wait | null {
    const pending = state.threads[thread]?.pending;
    if (op.action !== 'synchronize' || phase === 0 || pending?.kind !== 'grace-period') return null;
    const d = state.objects[pending.domain];
    if (d?.kind !== 'domain') return null;
    const open = stillOpen(d, pending.waitFor);
    return open.length === 0 ? null : { kind: 'grace-period', object: pending.domain, readers: open, self: open.some(([t]) => t === thread) };
  },

  run({ draft, op, thread, pc, phase }: OpRun) {
    const id = op.object?.id;
    const d = id !== undefined ? draft.object(id) : undefined;
    if (d?.kind !== 'domain' || id === undefined) return { note: 'not a domain RaceLens tracks' };
    switch (op.action) {
      case 'read_lock': {
        const depth = d.depth[thread] ?? 0;
        if (depth === 0) {
          d.gen[thread] = (d.gen[thread] ?? 0) + 1;
          d.since[thread] = pc;
        }
        d.depth[thread] = depth + 1;
        return { note: depth === 0 ? `enters the ${id} read side` : `nested ${id} read side (depth ${depth + 1})` };
      }
      case 'read_unlock': {
        const depth = d.depth[thread] ?? 0;
        if (depth === 0) return { problem: `${op.primitive}() outside any ${id} read-side section` };
        d.depth[thread] = depth - 1;
        if (depth === 1) d.since[thread] = -1;
        return { note: depth === 1 ? `leaves the ${id} read side` : `depth ${depth - 1}` };
      }
      case 'synchronize': {
        const t = draft.thread(thread);
        if (phase > 0) {
          t.pending = null;
          return { note: 'grace period over: every section it waited for has ended' };
        }
        const waitFor = d.depth.flatMap((depth, reader) => (depth > 0 ? [[reader, d.gen[reader] ?? 0] as const] : []));
        if (waitFor.length === 0) return { note: `no ${id} read-side section is open: returns at once` };
        t.pending = { kind: 'grace-period', domain: id, waitFor };
        const self = waitFor.some(([reader]) => reader === thread);
        const others = waitFor.filter(([reader]) => reader !== thread).map(([reader]) => `CPU ${reader}`);
        return {
          waiting: true,
          note: self ? `called inside its own ${id} read-side section: waits for itself`
            : `waits for the ${id} read-side section${others.length > 1 ? 's' : ''} of ${others.join(', ')}`,
        };
      }
      default:
        return { note: 'callbacks and barriers are not simulated' };
    }
  },
};
