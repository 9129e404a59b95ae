// Shared by the context-check tests (RL006-RL008): caret fixtures and exact renderings.
import type { Finding } from '../../src/check/finding';
import { fixture } from '../helpers';
import { caretExpectations } from './checkHelpers';

export const CONTEXT = ['check', 'context'];

/** `CODE file:line` (1-based) of each finding, to compare with caret expectations. */
export function flaggedLines(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.code} ${f.loc.file}:${f.loc.line + 1}`);
}

/** The carets of a context fixture. */
export function caretsOf(name: string): string[] {
  return caretExpectations(name, fixture(...CONTEXT, name));
}

/** A finding as plain data, locations 1-based `line:col`, for exact assertions. */
export function rendered(finding: Finding | undefined): { at: string; severity: string; message: string; related: string[]; evidence: string } | undefined {
  if (!finding) return undefined;
  return {
    at: `${finding.loc.line + 1}:${finding.loc.col + 1}`,
    severity: finding.severity,
    message: finding.message,
    related: finding.related.map((r) => `${r.loc.line + 1}:${r.loc.col + 1} ${r.message}`),
    evidence: finding.evidence.kind,
  };
}

/** The finding flagged at 1-based `line`. */
export function at(findings: readonly Finding[], line: number): Finding | undefined {
  return findings.find((f) => f.loc.line + 1 === line);
}
