// RL004: grace-period deadlocks. synchronize_srcu(S) waits for every S reader;
// if it runs while holding L and some S reader takes L, or inside an S
// read-side section itself, it waits forever. Seed 003's locking.rst states the
// first for kvm->srcu; this check applies it to every SRCU and RCU domain,
// from the code alone. srcu_barrier(), rcu_barrier() and cleanup_srcu_struct()
// wait for the same grace periods, and lockdep does not annotate them, so they
// count as synchronize here (lockGraph).
//
// Split with RL002: every cycle of the dependency graph that passes through an
// SRCU/RCU domain is reported here and only here; lockOrder.ts reports the
// cycles made of locks alone. The finding sits at the call that waits.

import { cycleRelated, cycleText, cycleTrace, holdingPhrase, waitingCall, withArticle } from './cycleReport';
import { sortFindings, type Finding } from './finding';
import type { CheckInput } from './input';
import { lockGraph, type Dependency } from './lockGraph';
import { strongCycles, type LockCycle } from './strongCycles';

/** Why a waiting call that is not synchronize_*() still waits for readers. */
const WAITS_LIKE_SYNCHRONIZE: Readonly<Record<string, string>> = {
  srcu_barrier: 'srcu_barrier() waits for every pending call_srcu() callback, each of which waits for a grace period; lockdep does not annotate it.',
  rcu_barrier: 'rcu_barrier() waits for every pending call_rcu() callback, each of which waits for a grace period; lockdep does not annotate it.',
  cleanup_srcu_struct: 'cleanup_srcu_struct() waits for the domain\'s grace-period work like synchronize_srcu(); lockdep does not annotate it.',
};

function message(cycle: LockCycle, wait: Dependency): string {
  const call = waitingCall(wait.acquired);
  const domain = wait.to.name;
  if (cycle.steps.length === 1) {
    return `grace-period deadlock: ${call} inside ${withArticle(domain)} read-side section waits for its own reader`;
  }
  const reader = cycle.steps.find((dep) => dep !== wait);
  if (cycle.steps.length === 2 && reader && reader.from.name === domain) {
    return `grace-period deadlock: ${call} waits for ${domain} readers while ${holdingPhrase(wait.held, wait.heldAs)}, ` +
      `and ${withArticle(domain)} reader takes ${reader.to.name}`;
  }
  return `grace-period deadlock: ${call} closes the cycle ${cycleText(cycle)}`;
}

function finding(cycle: LockCycle): Finding {
  // A strong cycle enters a domain only through a synchronize: readers never block readers.
  const wait = cycle.steps.find((dep) => dep.acquiredAs === 'sync') ?? cycle.closing;
  const why = WAITS_LIKE_SYNCHRONIZE[wait.acquired.primitive];
  const trace = cycleTrace(cycle);
  if (why) trace.push('', why);
  return {
    code: 'RL004',
    severity: 'error',
    message: message(cycle, wait),
    loc: wait.acquired.loc,
    related: cycleRelated(cycle),
    evidence: { kind: 'pattern' },
    trace,
  };
}

export function check(input: CheckInput): Finding[] {
  return sortFindings(strongCycles(lockGraph(input).dependencies, 'through-domain').map(finding));
}
