// Findings, input problems and the notes' broken assertions as diagnostics
// (source "RaceLens", code RL00x, `input` or `assertion`). Each step of a
// finding's chain is a related location ("grace period starts here"), and
// the message says what backs the finding. Suppressed findings and checks
// turned off are not shown.

import * as vscode from 'vscode';
import type { Evidence, Finding } from '../../check/finding';
import type { InputProblem } from '../../model/types';
import type { DiagnosticLevel } from '../../report/editorSettings';
import { findingKey, type AssertionView } from '../analysis/protocol';
import { locationOf, rangeOf } from '../locations';
import type { Services } from '../services';
import type { Snapshot } from '../workspaceAnalysis';

const SEVERITY: Record<DiagnosticLevel | 'info', vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

function backedBy(evidence: Evidence): string {
  switch (evidence.kind) {
    case 'witnessed': return 'witnessed by the simulator';
    case 'proved': return 'proved within bounds';
    case 'pattern': return 'pattern, not confirmed by simulation';
  }
}

export function register(s: Services): void {
  const collection = vscode.languages.createDiagnosticCollection('racelens');
  s.context.subscriptions.push(collection, s.analysis.onDidUpdate((snapshot) => publish(s, collection, snapshot)));
}

function publish(s: Services, collection: vscode.DiagnosticCollection, snapshot: Snapshot): void {
  const byFile = new Map<string, vscode.Diagnostic[]>();
  const add = (file: string, diagnostic: vscode.Diagnostic): void => {
    diagnostic.source = 'RaceLens';
    byFile.set(file, [...(byFile.get(file) ?? []), diagnostic]);
  };
  for (const finding of snapshot.findings) add(finding.loc.file, fromFinding(s, finding, snapshot.output.introduced[findingKey(finding)]));
  for (const problem of snapshot.output.problems) add(problem.loc.file, fromProblem(problem));
  for (const assertion of snapshot.output.assertions) {
    const diagnostic = fromAssertion(assertion);
    if (diagnostic) add(assertion.loc.file, diagnostic);
  }
  collection.clear();
  collection.set([...byFile].map(([file, diagnostics]) => [s.keys.uriOf(file), diagnostics]));
}

/** `introduced`: the patch among the inputs brings this finding in, and this says so. */
function fromFinding(s: Services, finding: Finding, introduced: string | undefined): vscode.Diagnostic {
  const level = s.settings.current.severity[finding.code] ?? finding.severity;
  const diagnostic = new vscode.Diagnostic(rangeOf(finding.loc), `${introduced ?? finding.message} (${backedBy(finding.evidence)})`, SEVERITY[level]);
  diagnostic.code = finding.code;
  diagnostic.relatedInformation = finding.related.map((r) => new vscode.DiagnosticRelatedInformation(locationOf(s.keys, r.loc), r.message));
  return diagnostic;
}

function fromProblem(problem: InputProblem): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(rangeOf(problem.loc), problem.message, SEVERITY[problem.severity]);
  diagnostic.code = 'input';
  return diagnostic;
}

function fromAssertion(assertion: AssertionView): vscode.Diagnostic | undefined {
  if (assertion.verdict === 'holds') return undefined;
  const violated = assertion.verdict === 'violated';
  const diagnostic = new vscode.Diagnostic(
    rangeOf(assertion.loc),
    violated ? `assertion violated: ${assertion.text}: ${assertion.summary}` : `assertion not decided: ${assertion.text}: ${assertion.summary}`,
    violated ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Information,
  );
  diagnostic.code = 'assertion';
  return diagnostic;
}
