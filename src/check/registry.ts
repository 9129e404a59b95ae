// Every check, in the order findings are listed when codes tie. One module
// per check; each reads the same CheckInput and returns its findings.

import type { CheckInput } from './input';
import { sortFindings, type Finding, type FindingCode } from './finding';
import * as updateRace from './updateRace';
import * as lockOrder from './lockOrder';
import * as documentedOrder from './documentedOrder';
import * as srcuDeadlock from './srcuDeadlock';
import * as completionDeadlock from './completionDeadlock';
import * as atomicContext from './atomicContext';
import * as irqSafety from './irqSafety';
import * as balance from './balance';
import * as timelineClaims from './timelineClaims';

export interface CheckModule {
  codes: FindingCode[];
  check(input: CheckInput): Finding[];
}

export const CHECKS: readonly CheckModule[] = [
  { codes: ['RL001'], check: updateRace.check },
  { codes: ['RL002'], check: lockOrder.check },
  { codes: ['RL003'], check: documentedOrder.check },
  { codes: ['RL004'], check: srcuDeadlock.check },
  { codes: ['RL005'], check: completionDeadlock.check },
  { codes: ['RL006'], check: atomicContext.check },
  { codes: ['RL007'], check: irqSafety.check },
  { codes: ['RL008'], check: balance.check },
  { codes: ['RL009'], check: timelineClaims.check },
];

/**
 * One call, one report: synchronize_rcu() inside rcu_read_lock() is both a
 * sleep in atomic context (RL006) and a grace-period self-deadlock (RL004);
 * the deadlock is what the reviewer needs to hear.
 */
export const SUPERSEDES: readonly [FindingCode, FindingCode][] = [['RL004', 'RL006']];

/** Runs every enabled check; `enabled` defaults to all codes. */
export function runChecks(input: CheckInput, enabled?: ReadonlySet<FindingCode>): Finding[] {
  const findings = CHECKS.filter((c) => !enabled || c.codes.some((code) => enabled.has(code))).flatMap((c) => c.check(input));
  const at = (f: Finding) => `${f.code}@${f.loc.file}:${f.loc.line}:${f.loc.col}`;
  const present = new Set(findings.map(at));
  const kept = findings.filter((f) => !SUPERSEDES.some(([winner, loser]) =>
    f.code === loser && present.has(at({ ...f, code: winner }))));
  return sortFindings(kept);
}
