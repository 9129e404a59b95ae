// RL002: lock-order cycles, like lockdep but before anything runs. The
// dependency graph (lockGraph) joins every root's acquisitions, with locks held
// across calls; a cycle that is a strong path by lockdep's rule for recursive
// readers (strongCycles) is a possible deadlock. Each cycle is reported once,
// at the acquire whose dependency closed it, with the chain as related
// locations and lockdep's scenario table with one CPU per lock of the cycle.
//
// Split with RL004: a cycle through an SRCU/RCU domain (a synchronize waiting
// for a reader that waits for a lock) is a grace-period deadlock and only
// srcuDeadlock.ts reports it; this check sees cycles made of locks alone.
// A cycle of one lock (taken again while held, no `_nested` subclass and no
// lockdep_set_class to tell the two apart) is lockdep's "recursive locking".

import { cycleRelated, cycleText, cycleTrace } from './cycleReport';
import { sortFindings, type Finding } from './finding';
import type { CheckInput } from './input';
import { lockGraph } from './lockGraph';
import { strongCycles, type LockCycle } from './strongCycles';

const NESTING_HINT = 'May be due to missing lock nesting notation';

function finding(cycle: LockCycle): Finding {
  const recursive = cycle.steps.length === 1;
  return {
    code: 'RL002',
    severity: 'error',
    message: `lock-order cycle: ${cycleText(cycle)}${recursive ? ' (recursive locking)' : ''}`,
    loc: cycle.closing.acquired.loc,
    related: cycleRelated(cycle),
    evidence: { kind: 'pattern' },
    trace: cycleTrace(cycle, recursive ? NESTING_HINT : undefined),
  };
}

export function check(input: CheckInput): Finding[] {
  return sortFindings(strongCycles(lockGraph(input).dependencies, 'locks-only').map(finding));
}
