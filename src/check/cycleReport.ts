// Words and locations for a dependency chain, shared by the checks that report
// one (RL002 cycles, RL003 documented orders, RL004 grace-period deadlocks):
// each dependency becomes two related locations, where the held lock was taken
// and where the next one is taken while it is held; a cycle becomes lockdep's
// scenario table, followed by where each class name comes from.

import type { RelatedLocation } from './finding';
import type { Acquisition, Dependency, LockStep } from './lockGraph';
import type { LockCycle } from './strongCycles';
import type { Held } from './contextWalk';
import { renderScenario, type ScenarioCpu, type ScenarioVerb } from './scenarioTable';

/** `synchronize_srcu(&kvm->srcu)`, `synchronize_rcu()`: the call that waits, as written. */
export function waitingCall(step: LockStep): string {
  const implicit = step.object.text === `${step.primitive}()`;
  return implicit ? step.object.text : `${step.primitive}(${step.object.text})`;
}

/** How a lock came to be held: "kvm.lock taken", "kvm.srcu read-side section entered". */
function takenPhrase(step: LockStep, mode: Held['mode'] | Acquisition): string {
  const name = step.lockClass.name;
  if (mode === 'sync') return `${waitingCall(step)} waits for ${name} readers`;
  if (mode === 'exclusive') return `${name} taken`;
  return step.lockClass.domain ? `${name} read-side section entered` : `${name} taken for read`;
}

/** "a kvm.srcu", "an rcu" (RCU and SRCU are read letter by letter). */
export function withArticle(name: string): string {
  return /^(?:[aeiou]|s?rcu)/i.test(name) ? `an ${name}` : `a ${name}`;
}

/** How a lock is being held: "kvm.lock held", "in a kvm.srcu read-side section". */
export function holdingPhrase(step: LockStep, mode: Held['mode']): string {
  const name = step.lockClass.name;
  if (mode === 'exclusive') return `${name} held`;
  return step.lockClass.domain ? `in ${withArticle(name)} read-side section` : `${name} held for read`;
}

/** ", in kvm_vm_ioctl() → lock_all_vcpus()" when the step is not in the root itself. */
export function callChain(chain: readonly string[]): string {
  return chain.length > 1 ? `, in ${chain.map((name) => `${name}()`).join(' → ')}` : '';
}

/** The two related locations of one dependency: the held lock taken, the next taken under it. */
export function dependencyRelated(dep: Dependency): RelatedLocation[] {
  const before = dep.heldBefore.length > 0 ? dep.heldBefore.join(', ') : 'none';
  return [
    { loc: dep.held.loc, message: `${takenPhrase(dep.held, dep.heldAs)} here (held: ${before})${callChain(dep.held.chain)}` },
    {
      loc: dep.acquired.loc,
      message: `${takenPhrase(dep.acquired, dep.acquiredAs)} here while ${holdingPhrase(dep.held, dep.heldAs)}${callChain(dep.acquired.chain)}`,
    },
  ];
}

/** `kvm.lock → vcpu.mutex → kvm.lock`: the classes around the cycle, back to the first. */
export function cycleText(cycle: LockCycle): string {
  return [...cycle.steps.map((dep) => dep.from.name), cycle.steps[0]!.from.name].join(' → ');
}

/** The chain forwards: for each dependency, where its lock was taken and where the next one is. */
export function cycleRelated(cycle: LockCycle): RelatedLocation[] {
  return cycle.steps.flatMap(dependencyRelated);
}

function verbOf(mode: Held['mode'] | Acquisition): ScenarioVerb {
  if (mode === 'sync') return 'sync';
  return mode === 'exclusive' ? 'lock' : 'rlock';
}

/** CPU i holds the i-th class of the cycle and waits for the next one. */
export function cycleScenario(cycle: LockCycle): ScenarioCpu[] {
  return cycle.steps.map((dep) => ({
    holds: { verb: verbOf(dep.heldAs), lock: dep.from.name },
    waitsFor: { verb: verbOf(dep.acquiredAs), lock: dep.to.name },
  }));
}

/** One line per class in the cycle: how the model identified it, and any lockdep_set_class. */
function classLines(steps: readonly Dependency[]): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const step of steps.flatMap((dep) => [dep.held, dep.acquired])) {
    const lockClass = step.lockClass;
    if (seen.has(lockClass.name)) continue;
    seen.add(lockClass.name);
    const subclass = lockClass.subclass ? `; subclass ${lockClass.subclass} of \`${step.primitive}\`` : '';
    const setBy = lockClass.setBy
      ? `; class given by \`${lockClass.setBy.text}\` (${lockClass.setBy.loc.file}:${lockClass.setBy.loc.line + 1})`
      : '';
    lines.push(`  ${lockClass.name}: ${step.object.identifiedBy}${subclass}${setBy}`);
  }
  return lines;
}

/** The email-ready trace of a cycle: lockdep's scenario table, then where its classes come from. */
export function cycleTrace(cycle: LockCycle, note?: string): string[] {
  return [...renderScenario(cycleScenario(cycle), note), '', 'Lock classes:', ...classLines(cycle.steps)];
}
