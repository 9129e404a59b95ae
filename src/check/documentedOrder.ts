// RL003: the code breaks a lock order its locking doc states. Rules come from
// locking.rst (parse/lockingDoc → LockRule) and are checked against what the
// walk sees held at each acquisition, callees inlined:
//
//  - 'order' {outer, inner}: taking `outer` while `inner` is held is reported
//    at the acquire of `outer`;
//  - 'sync-inside' {domain, locks}: synchronize on the domain runs inside these
//    locks, so taking one of them inside a read-side section of the domain is
//    reported at that acquire;
//  - 'allowed-in-read-side' {domain, lock}: the lock may be taken inside the
//    read side *because* it is released before synchronizing, so synchronizing
//    on the domain while holding it is reported at the synchronize.
//
// Each finding cites the rule's text and line. Rules are matched by the model's
// object classes (`kvm.lock`), before subclasses and lockdep_set_class, which
// the doc does not know. Trylocks do not block and are not reported. Whether
// the other side of the deadlock is in view does not matter: the doc says it
// exists. RL002/RL004 may report the same code when they see both sides.

import type { LockRule } from '../model/types';
import { forEachEvent, rootWalks, type Held, type OpEvent } from './contextWalk';
import { dependencyRelated, holdingPhrase, waitingCall, withArticle } from './cycleReport';
import { sortFindings, type Finding, type RelatedLocation } from './finding';
import type { CheckInput } from './input';
import { isDomainFamily, type LockClass } from './lockClasses';
import { acquisitionOf, type Acquisition, type Dependency, type LockStep } from './lockGraph';

/** `documented: kvm->lock is taken outside vcpu->mutex (locking.rst:16)`. */
function citation(rule: LockRule): RelatedLocation {
  return { loc: rule.loc, message: `documented: ${rule.text} (${rule.loc.file}:${rule.loc.line + 1})` };
}

/** The model's class, as the doc knows it: no subclass, no set_class. */
function docClass(id: string, family: Held['family']): LockClass {
  return { name: id, objectId: id, domain: isDomainFamily(family) };
}

/** The held lock and the acquisition, as the dependency the rule forbids. */
function dependency(event: OpEvent, heldIndex: number, acquiredAs: Acquisition): Dependency {
  const held = event.before.held[heldIndex]!;
  const object = event.op.object!;
  const heldStep: LockStep = {
    lockClass: docClass(held.object.id, held.family), object: held.object, primitive: held.primitive, loc: held.loc, chain: held.chain,
  };
  const acquired: LockStep = {
    lockClass: docClass(object.id, event.op.family), object, primitive: event.op.primitive, loc: event.call.loc, chain: event.chain,
  };
  return {
    from: heldStep.lockClass, to: acquired.lockClass, heldAs: held.mode, acquiredAs, held: heldStep, acquired,
    heldBefore: event.before.held.slice(0, heldIndex).map((h) => h.object.id),
  };
}

/** The message for one broken rule, or undefined when this dependency does not break it. */
function breaks(rule: LockRule, dep: Dependency): string | undefined {
  const from = dep.from.objectId;
  const to = dep.to.objectId;
  const prefix = 'documented lock order broken';
  switch (rule.kind) {
    case 'order':
      if (dep.acquiredAs === 'sync' || to !== rule.outer || from !== rule.inner) return undefined;
      return `${prefix}: ${to} taken while ${holdingPhrase(dep.held, dep.heldAs)} (documented: ${rule.outer} outside ${rule.inner})`;
    case 'sync-inside':
      if (dep.acquiredAs === 'sync' || from !== rule.domain || dep.heldAs !== 'recursive-read' || !rule.locks.includes(to)) return undefined;
      return `${prefix}: ${to} taken inside ${withArticle(from)} read-side section ` +
        `(documented: ${from} is synchronized inside ${to} critical sections)`;
    case 'allowed-in-read-side':
      if (dep.acquiredAs !== 'sync' || to !== rule.domain || from !== rule.lock) return undefined;
      return `${prefix}: ${waitingCall(dep.acquired)} called while ${holdingPhrase(dep.held, dep.heldAs)} ` +
        `(documented: ${from} is taken inside ${to} read-side sections, so it is released before synchronizing)`;
  }
}

/** An acquisition made while something is held: the only ops a dependency can come from. */
export const acquiresWhileHolding = (event: OpEvent): boolean => event.before.held.length > 0 && acquisitionOf(event) !== undefined;

export function check(input: CheckInput): Finding[] {
  if (input.rules.length === 0) return [];
  const findings = new Map<string, Finding>();
  forEachEvent(rootWalks(input), (event) => {
    const acquiredAs = acquisitionOf(event);
    if (!acquiredAs) return;
    event.before.held.forEach((_, heldIndex) => {
      const dep = dependency(event, heldIndex, acquiredAs);
      input.rules.forEach((rule, ruleIndex) => {
        const message = breaks(rule, dep);
        const key = `${ruleIndex}|${dep.acquired.loc.file}:${dep.acquired.loc.line}:${dep.acquired.loc.col}|${dep.from.name}`;
        if (!message || findings.has(key)) return;
        findings.set(key, {
          code: 'RL003',
          severity: 'warning',
          message,
          loc: dep.acquired.loc,
          related: [...dependencyRelated(dep), citation(rule)],
          evidence: { kind: 'pattern' },
        });
      });
    });
  }, acquiresWhileHolding);
  return sortFindings([...findings.values()]);
}
