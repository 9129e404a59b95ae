// Shared by the lock-order, documented-order and SRCU-deadlock tests: the
// fixtures under test/fixtures/check/order and compact views of findings.
import type { Finding, FindingCode } from '../../src/check/finding';
import type { SourceLoc } from '../../src/model/types';
import { fixture } from '../helpers';
import { caretExpectations } from './checkHelpers';

/** A fixture's path parts under test/fixtures, for inputFrom. */
export function order(name: string): string[] {
  return ['check', 'order', name];
}

/** The fixtures' carets for one code, `CODE file:line`, in the order the names are given. */
export function carets(code: FindingCode, ...names: string[]): string[] {
  return names
    .flatMap((name) => caretExpectations(name, fixture(...order(name))))
    .filter((expectation) => expectation.startsWith(`${code} `));
}

/** Findings as carets spell them: `CODE file:line`. */
export function located(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.code} ${f.loc.file}:${f.loc.line + 1}`);
}

/** `file:line:col`, 1-based. */
export function where(loc: SourceLoc): string {
  return `${loc.file}:${loc.line + 1}:${loc.col + 1}`;
}

/** Related locations as `file:line:col message`. */
export function related(finding: Finding): string[] {
  return finding.related.map((r) => `${where(r.loc)} ${r.message}`);
}

/** Every correct twin: each must give no finding from any of the three checks. */
export const TWINS = [
  'abba.fixed.c', 'three_locks.fixed.c', 'call_chain.fixed.c', 'readers.fixed.c', 'nesting.fixed.c',
  'srcu_lock_inversion.fixed.c', 'srcu_self.fixed.c', 'srcu_barrier.fixed.c', 'doc_order.fixed.c',
];

/** The KVM locking doc of seed 003 (the two-version diff view). */
export const SEED_003 = ['seeds', '003_9c3a4e683cbf76c3.txt'];
