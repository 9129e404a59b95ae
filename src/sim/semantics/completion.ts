// Completions. Source of truth: include/linux/completion.h and
// kernel/sched/completion.c.
//
// `x->done` counts completions not yet consumed. complete() adds one;
// complete_all() sets done to UINT_MAX, which waiters never consume, so the
// completion stays done for good until init_completion()/reinit_completion()
// zero it. wait_for_completion() sleeps while done is 0, then takes one
// (unless done is UINT_MAX). try_wait_for_completion() takes one if there is
// one; completion_done() only looks. The _timeout/_interruptible/_killable
// waits are modelled as plain waits: a timeout or a signal is not explored.

import type { FamilySemantics, OpRun, OpView, Wait } from './types';
import type { ObjectState } from '../state';

type Completion = Extract<ObjectState, { kind: 'completion' }>;

function available(c: Completion): boolean {
  return c.all || c.done > 0;
}

function describe(c: Completion): string {
  return c.all ? 'completed for all' : c.done > 0 ? `done ${c.done}` : 'not done';
}

export const completionSemantics: FamilySemantics = {
  blockedOn({ state, op }: OpView): Wait | null {
    const id = op.object?.id;
    const c = id !== undefined ? state.objects[id] : undefined;
    if (op.action !== 'wait' || c?.kind !== 'completion' || id === undefined) return null;
    return available(c) ? null : { kind: 'completion', object: id };
  },

  run({ draft, op }: OpRun) {
    const c = op.object ? draft.object(op.object.id) : undefined;
    if (c?.kind !== 'completion') return { note: 'not a completion RaceLens tracks' };
    const before = describe(c);
    switch (op.action) {
      case 'init':
      case 'reinit':
        c.done = 0;
        c.all = false;
        return { note: `${before} -> not done: waiters now wait` };
      case 'complete':
        if (!c.all) c.done++;
        return { note: `wakes one waiter (${describe(c)})` };
      case 'complete_all':
        c.all = true;
        return { note: 'completed for all: every waiter, now and later, passes' };
      case 'wait':
        if (!c.all) c.done--;
        return { note: c.all ? 'completed for all: passes' : 'consumes one completion' };
      case 'try_wait': {
        const ok = available(c);
        if (ok && !c.all) c.done--;
        return { value: ok ? 1 : 0, note: ok ? 'takes a completion' : 'nothing to take' };
      }
      case 'done':
        return { value: available(c) ? 1 : 0, note: before };
      default:
        return {};
    }
  },
};

export function describeCompletion(c: Completion): string {
  return describe(c);
}
