// The engine's on-demand runs: Simulate Race (with its choices and open
// parameters) and Verify Timeline. Each answer is the simulator's; this
// file only picks the scenario and packs the witnesses for the editor.

import type { RaceLensConfig } from '../../model/config';
import type { CheckInput } from '../../check/input';
import { buildScenario, checkAssertions, labelTable, replayTimeline, simulate, type EntrySpec, type Scenario, type Witness } from '../../sim';
import { renderSimulateText, verdictOf, type SimulateReport } from '../../report/simulateReport';
import { entriesAt, entryChoices, scenarioParams } from '../../report/simulationChoices';
import { lastStep, scenarioObjects, type Params, type TimelineSource } from '../../report/timelineSource';
import type { ChoicesOutput, RunContext, SimulateOutput, SimulateRequest, VerifyOutput } from './protocol';
import type { SimulationSettings } from '../../report/editorSettings';

/** Outcomes beyond this many are listed in the report, not kept as timelines. */
const MAX_OUTCOME_TIMELINES = 20;

let runs = 0;

function boundsOf(simulation: SimulationSettings) {
  return { loopUnroll: simulation.loopUnroll, maxDepth: simulation.maxDepth, maxStates: simulation.maxStates };
}

function source(id: string, title: string, scenario: Scenario, witness: Witness, rerun: TimelineSource['rerun'], summary?: string, breaks = true): TimelineSource {
  const s: TimelineSource = { id, title, witness, objects: scenarioObjects(scenario) };
  if (summary) s.summary = summary;
  if (rerun) s.rerun = rerun;
  const at = breaks ? lastStep(witness) : undefined;
  if (at !== undefined) s.breakStep = at;
  return s;
}

export function simulateRun(input: CheckInput, config: RaceLensConfig, request: SimulateRequest, context: RunContext): SimulateOutput {
  const run = ++runs;
  const { entries, params, simulation } = request;
  // Entries can come from a command's arguments (a keybinding, another extension): held to what the picker allows.
  const cpus = entries.reduce((n, e) => n + Math.max(1, e.copies ?? 1), 0);
  if (cpus > simulation.maxThreads) {
    throw new Error(`${cpus} CPUs asked for; at most ${simulation.maxThreads} (setting racelens.simulation.maxThreads)`);
  }
  const scenario = buildScenario(input.graph, entries, { aliases: config.aliases });
  const unknown = scenario.problems.filter((p) => p.severity === 'error');
  if (unknown.length > 0) throw new Error(unknown.map((p) => p.message).join('; '));
  const bounds = boundsOf(simulation);
  const options = { params, bounds, budgetMs: simulation.timeBudgetMs, ...context };
  const result = simulate(scenario, options);
  const assertions = checkAssertions(scenario, input.files.flatMap((m) => m.assertions ?? []), { params, bounds, budgetMs: simulation.timeBudgetMs, labels: labelTable(input.graph) });
  const report: SimulateReport = {
    scenario, params, bounds: { ...bounds, budgetMs: simulation.timeBudgetMs }, result, assertions, timelines: [],
    timelineTables: false, problems: [],
  };
  const rerun = { entries, params };
  const names = scenario.threads.map((t) => t.label).join(' vs ');
  const timelines: TimelineSource[] = [
    ...result.violations.map((v, i) => source(`sim${run}:violation${i}`, `Violation (${v.property}): ${names}`, scenario, v.witness, rerun, v.summary)),
    ...result.deadlocks.map((d, i) => source(`sim${run}:deadlock${i}`, `${d.kind === 'deadlock' ? 'Deadlock' : 'Hang'}: ${names}`, scenario, d.witness, rerun, d.summary)),
    ...assertions.flatMap((a, i) => (a.verdict === 'violated' && a.witness
      ? [source(`sim${run}:assertion${i}`, `Assertion violated: ${a.assertion.text}`, scenario, a.witness, rerun, a.summary)] : [])),
    ...result.outcomes.slice(0, MAX_OUTCOME_TIMELINES).map((o, i) => source(`sim${run}:outcome${i}`, `Outcome ${i + 1}: ${names}`, scenario, o.witness, rerun, o.key, false)),
  ];
  return { verdict: verdictOf(report), report: renderSimulateText(report), timelines, stats: result.stats };
}

export function choices(input: CheckInput, args: { file?: string; line?: number; from?: string }): ChoicesOutput {
  const roots = input.roots.map((fn) => fn.name);
  const here = args.from !== undefined ? [args.from].filter((name) => input.graph.definition(name))
    : args.file !== undefined && args.line !== undefined ? entriesAt(input.graph, roots, args.file, args.line) : [];
  const side = here.slice(0, 1);
  return { here, roots, others: side.length > 0 ? entryChoices(input.graph, roots, side) : entryChoices(input.graph, roots, []) };
}

export function params(input: CheckInput, config: RaceLensConfig, entries: EntrySpec[]): string[] {
  const known = entries.filter((e) => input.graph.definition(e.name));
  return known.length > 0 ? scenarioParams(buildScenario(input.graph, known, { aliases: config.aliases })) : [];
}

export function verifyTimeline(input: CheckInput, config: RaceLensConfig, args: { file: string; line: number; params: Params; simulation: SimulationSettings }): VerifyOutput | undefined {
  const model = input.files.find((m) => m.file === args.file);
  const timeline = model?.timelines.find((t) => t.loc.line <= args.line && args.line <= Math.max(t.loc.line, ...t.events.map((e) => e.loc.line)));
  if (!timeline) return undefined;
  const replay = replayTimeline(input.graph, timeline, { params: args.params, bounds: boundsOf(args.simulation), scenario: { aliases: config.aliases } });
  const output: VerifyOutput = {
    feasible: replay.feasible,
    columns: replay.columns.map((c) => `${c.cpuLabel} runs ${c.entry}()`),
    notes: replay.notes,
  };
  if (replay.row) output.row = { loc: replay.row.loc, text: replay.row.text.trim() };
  if (replay.reason) output.reason = replay.reason;
  if (replay.witness && replay.scenario) {
    const title = `Typed timeline at line ${timeline.loc.line + 1}: ${replay.feasible ? 'feasible' : 'impossible'}`;
    output.timeline = source(`timeline@${args.file}:${timeline.loc.line}`, title, replay.scenario, replay.witness,
      undefined, replay.feasible ? output.columns.join(', ') : replay.reason, !replay.feasible);
  }
  return output;
}
