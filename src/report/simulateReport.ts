// `racelens simulate`: the verdict, the bounds and what was explored, then
// every deadlock and violation with its witness as the CPU table a reviewer
// pastes into a mail, the end states, the notes' own assertions, and each
// typed timeline replayed. Text or JSON.

import type { InputProblem, SourceLoc } from '../model/types';
import { renderWitness, type AssertionResult, type Bounds, type Scenario, type SimResult, type TimelineReplay, type Witness } from '../sim';

export interface SimulateReport {
  scenario: Scenario;
  params: Readonly<Record<string, string | number | boolean>>;
  bounds: Required<Pick<Bounds, 'loopUnroll' | 'maxDepth' | 'maxStates'>> & { budgetMs: number };
  result: SimResult;
  assertions: AssertionResult[];
  timelines: TimelineReplay[];
  /** Draw each replayed timeline's witness as a CPU table too (--timeline). */
  timelineTables: boolean;
  problems: InputProblem[];
}

const where = (loc: SourceLoc): string => `${loc.file}:${loc.line + 1}:${loc.col + 1}`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The one-line answer: what was found, in order of how bad it is. */
export function verdictOf(report: SimulateReport): string {
  const { result, assertions } = report;
  const broken = assertions.filter((a) => a.verdict === 'violated').length;
  const deadlocks = result.deadlocks.filter((d) => d.kind === 'deadlock').length;
  const stuck = result.deadlocks.length - deadlocks;
  const parts: string[] = [];
  if (deadlocks) parts.push(plural(deadlocks, 'deadlock'));
  if (stuck) parts.push(`${plural(stuck, 'hang')} (CPUs waiting for good)`);
  if (result.violations.length) parts.push(`${plural(result.violations.length, 'violation')} (${[...new Set(result.violations.map((v) => v.property))].join(', ')})`);
  if (broken) parts.push(`${plural(broken, 'assertion')} violated`);
  return parts.length > 0 ? parts.join(', ') : 'no deadlock, no violation';
}

/** Whether the command should exit 1. */
export function foundProblems(report: SimulateReport): boolean {
  return report.result.deadlocks.length > 0 || report.result.violations.length > 0 || report.assertions.some((a) => a.verdict === 'violated');
}

/** A violation's witness without the CPUs that never ran and only wait at the end: they take no part in it. */
function withoutBystanders(witness: Witness, involved: readonly number[]): Witness {
  const ran = new Set([...witness.steps.map((s) => s.thread), ...involved]);
  return { ...witness, blocked: witness.blocked.filter((b) => ran.has(b.thread)) };
}

function table(witness: Witness, out: string[]): void {
  out.push(`  schedule: ${witness.schedule}`, '', ...renderWitness(witness).trimEnd().split('\n'), '');
}

function header(report: SimulateReport, out: string[]): void {
  const { scenario, params, bounds, result } = report;
  const threads = scenario.threads.map((t) => `CPU ${t.id} ${t.label}`).join(', ');
  const fixed = Object.entries(params).map(([k, v]) => `${k} = ${String(v)}`);
  out.push(`Simulating ${threads}${fixed.length ? ` with ${fixed.join(', ')}` : ''}`);
  out.push(`Verdict: ${verdictOf(report)}`);
  const s = result.stats;
  const within = s.stopped ? `stopped early (${s.stopped}): not every interleaving was explored`
    : s.boundHit ? 'a bound cut some executions: exhaustive within the bounds only'
      : 'every interleaving explored';
  out.push(`Bounds: loops unrolled ${bounds.loopUnroll} times, at most ${bounds.maxDepth} steps per execution, ${bounds.maxStates} states, ${bounds.budgetMs / 1000} s; ${within}`);
  out.push(`Explored: ${plural(s.executions, 'execution')}, ${plural(s.states, 'state')}, ${plural(s.transitions, 'transition')} in ${s.ms} ms; pruned ${s.pruned.total} (cached ${s.pruned.cached}, sleeping ${s.pruned.sleeping}, persistent ${s.pruned.persistent})`);
}

function findings(report: SimulateReport, out: string[]): void {
  const { result } = report;
  result.deadlocks.forEach((d, i) => {
    out.push('', `${d.kind === 'deadlock' ? 'Deadlock' : 'Hang'} ${i + 1}: ${d.summary.replace(/^(?:deadlock|stuck): /, '')}`);
    for (const t of d.threads) out.push(`  CPU ${t.thread} (${t.label}) at ${where(t.loc)}: ${t.action} ${t.waitsFor}`);
    table(d.witness, out);
  });
  result.violations.forEach((v, i) => {
    out.push('', `Violation ${i + 1} (${v.property}) at ${where(v.loc)}`, `  ${v.summary}`);
    table(withoutBystanders(v.witness, v.threads), out);
  });
  for (const a of report.assertions.filter((x) => x.verdict === 'violated')) {
    out.push('', `Assertion violated at ${where(a.assertion.loc)}: ${a.assertion.text}`, `  ${a.summary}`);
    if (a.witness) table(withoutBystanders(a.witness, []), out);
  }
}

function outcomes(report: SimulateReport, out: string[]): void {
  const list = report.result.outcomes;
  out.push('', `Outcomes (${list.length})`);
  for (const o of list) out.push(`  ${o.key}`, `    schedule: ${o.witness.schedule}`);
  for (const b of report.result.boundHits) out.push(`  bound (${b.kind}) at ${where(b.loc)}: ${b.summary}`);
}

function assertionLines(report: SimulateReport, out: string[]): void {
  if (report.assertions.length === 0) return;
  out.push('', 'Assertions');
  for (const a of report.assertions) {
    out.push(`  ${where(a.assertion.loc)}: ${a.assertion.text}: ${a.verdict === 'holds' ? `holds${a.exhaustive ? '' : ' (within bounds)'}` : a.verdict}`);
    if (a.verdict !== 'violated') for (const line of a.summary.split('\n')) out.push(`    ${line}`);
  }
}

function timelineLines(report: SimulateReport, out: string[]): void {
  if (report.timelines.length === 0) return;
  out.push('', 'Timelines');
  for (const t of report.timelines) {
    const columns = t.columns.map((c) => `${c.cpuLabel}: ${c.entry}`).join(', ');
    out.push(`  ${where(t.timeline.loc)} (${columns}): ${t.feasible ? 'feasible' : 'impossible'}`);
    if (!t.feasible && t.row) out.push(`    first impossible row: ${where(t.row.loc)}: ${t.row.text.trim()}`);
    if (t.reason) out.push(`    ${t.reason}`);
    out.push(`    schedule: ${t.schedule || '(none)'}`);
    for (const note of t.notes) out.push(`    note: ${note}`);
    if (report.timelineTables && t.witness) out.push('', ...renderWitness(t.witness).trimEnd().split('\n'), '');
  }
}

export function renderSimulateText(report: SimulateReport): string {
  const out: string[] = [];
  header(report, out);
  findings(report, out);
  outcomes(report, out);
  assertionLines(report, out);
  timelineLines(report, out);
  const problems = [...report.scenario.problems.map((p) => ({ ...p, where: p.loc ? where(p.loc) : '' })), ...report.problems.map((p) => ({ ...p, where: where(p.loc) }))];
  if (problems.length > 0) {
    out.push('', 'Input problems');
    for (const p of problems) out.push(`  ${p.where ? `${p.where}: ` : ''}${p.severity}: ${p.message}`);
  }
  return out.join('\n') + '\n';
}

export function renderSimulateJson(report: SimulateReport): string {
  const { scenario, params, bounds, result } = report;
  return JSON.stringify({
    threads: scenario.threads.map((t) => ({ cpu: t.id, entry: t.entry, label: t.label })),
    params,
    verdict: verdictOf(report),
    bounds,
    stats: result.stats,
    deadlocks: result.deadlocks,
    violations: result.violations,
    outcomes: result.outcomes,
    boundHits: result.boundHits,
    assertions: report.assertions,
    timelines: report.timelines.map(({ scenario: _scenario, ...rest }) => rest),
    problems: [...scenario.problems, ...report.problems],
  }, null, 2) + '\n';
}
