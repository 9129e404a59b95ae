// What every check produces. A finding names its objects and how they were
// identified, points at one primary location, lists each step of its chain as
// related locations, and says what kind of evidence backs it. A pattern is
// never presented as a proof.

import type { SourceLoc } from '../model/types';

export type FindingCode =
  | 'RL001' // read side races with update start
  | 'RL002' // lock-order cycle
  | 'RL003' // documented lock order broken
  | 'RL004' // SRCU/RCU grace-period deadlock
  | 'RL005' // completion deadlock
  | 'RL006' // sleeping call in atomic context
  | 'RL007' // IRQ-safety inversion
  | 'RL008' // unbalanced lock or read-side section
  | 'RL009'; // typed timeline cannot happen

export const FINDING_TITLES: Readonly<Record<FindingCode, string>> = {
  RL001: 'read side races with update start',
  RL002: 'lock-order cycle',
  RL003: 'documented lock order broken',
  RL004: 'grace-period deadlock',
  RL005: 'completion deadlock',
  RL006: 'sleeping call in atomic context',
  RL007: 'IRQ-safety inversion',
  RL008: 'unbalanced lock or read-side section',
  RL009: 'typed timeline cannot happen',
};

export type Severity = 'error' | 'warning' | 'info';

export type Evidence =
  /** Exhaustive simulation within the stated bounds found it, or found that it cannot happen. */
  | { kind: 'proved'; bounds: string; executions: number }
  /** A concrete interleaving exists; `schedule` replays it. */
  | { kind: 'witnessed'; schedule: string }
  /** Found statically from the code's shape, not confirmed by simulation. */
  | { kind: 'pattern' };

export interface RelatedLocation {
  loc: SourceLoc;
  /** What happens there, e.g. "kvm->lock taken here". */
  message: string;
}

export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
  loc: SourceLoc;
  related: RelatedLocation[];
  evidence: Evidence;
  /** An email-ready rendering of the witness or scenario (one line per row). */
  trace?: string[];
  /**
   * The entry points the simulator ran for this finding, CPU n running
   * entries[n]: `buildScenario(graph, entries)` with default options, then
   * `replaySchedule` with the evidence's schedule, rebuilds the witness (the
   * editor does so to draw it).
   */
  entries?: string[];
  /** Set when a `racelens-ignore` comment silences the finding; it stays in JSON output. */
  suppressed?: { reason: string; loc: SourceLoc };
}

export function evidenceLabel(evidence: Evidence): string {
  switch (evidence.kind) {
    case 'proved': return `proved within bounds (${evidence.bounds}; ${evidence.executions} executions explored)`;
    case 'witnessed': return `witnessed (schedule ${evidence.schedule})`;
    case 'pattern': return 'pattern (found statically, not confirmed by simulation)';
  }
}

/** Findings in a deterministic order: file, line, column, code, message. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) =>
    a.loc.file.localeCompare(b.loc.file) || a.loc.line - b.loc.line || a.loc.col - b.loc.col ||
    a.code.localeCompare(b.code) || a.message.localeCompare(b.message));
}
