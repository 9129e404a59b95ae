// `racelens simulate`: runs every interleaving of the chosen entry points,
// checks the notes' assertions, and replays the typed timelines found in
// the inputs. Exit status 1 when a deadlock or a violation is found.

import { CallGraph } from '../model/callGraph';
import { exportPromela } from '../sim/promela/export';
import { buildScenario, checkAssertions, labelTable, replayTimeline, simulate, type EntrySpec } from '../sim';
import { sharedEntries } from '../sim/sharedEntries';
import { foundProblems, renderSimulateJson, renderSimulateText, type SimulateReport } from '../report/simulateReport';
import { UsageError } from './inputs';
import type { Args, Loaded } from './main';

const BOUNDS = { loopUnroll: 2, maxDepth: 2000, maxStates: 200_000 };
const BUDGET_MS = 10_000;

/** `NAME` or `NAMExN` (N CPUs run NAME); a defined name wins over reading its tail as a count. */
function entrySpec(graph: CallGraph, text: string): EntrySpec {
  if (graph.definition(text)) return { name: text };
  const copies = /^(.+)x(\d+)$/.exec(text);
  if (copies && graph.definition(copies[1]!) && Number(copies[2]) >= 1) return { name: copies[1]!, copies: Number(copies[2]) };
  throw new UsageError(`entry point ${text} is not defined in the inputs`);
}

/** `--param data=0`: numbers and booleans as such, anything else as a symbol. */
function paramsOf(written: readonly string[]): Record<string, number | boolean | string> {
  const params: Record<string, number | boolean | string> = {};
  for (const param of written) {
    const at = param.indexOf('=');
    const value = param.slice(at + 1);
    params[param.slice(0, at)] = value === 'true' ? true : value === 'false' ? false : /^-?(?:0x[0-9a-f]+|\d+)$/i.test(value) ? Number(value) : value;
  }
  return params;
}

export function runSimulate(args: Args, { models, entries: wanted, aliases }: Loaded): number {
  const graph = new CallGraph(models);
  const entries = wanted.length > 0 ? wanted.map((name) => entrySpec(graph, name)) : sharedEntries(graph).map((name) => ({ name }));
  if (entries.length === 0) throw new UsageError('no entry points to simulate: the inputs define no functions (name some with --entry)');
  const params = paramsOf(args.params);
  const scenario = buildScenario(graph, entries, { aliases });
  if (args.flags.has('--promela')) {
    // The same scenario for Spin: `spin -a model.pml && gcc -O2 -o pan pan.c && ./pan`.
    process.stdout.write(exportPromela(scenario, { params, bounds: BOUNDS }));
    return 0;
  }
  const run = { params, bounds: BOUNDS, budgetMs: BUDGET_MS };
  const result = simulate(scenario, run);
  const labels = labelTable(graph);
  const assertions = checkAssertions(scenario, models.flatMap((m) => m.assertions ?? []), { ...run, labels });
  const timelines = models.flatMap((m) => m.timelines).map((timeline) => replayTimeline(graph, timeline, { ...run, scenario: { aliases } }));
  const report: SimulateReport = {
    scenario, params, bounds: { ...BOUNDS, budgetMs: BUDGET_MS }, result, assertions, timelines,
    timelineTables: args.flags.has('--timeline'),
    problems: models.flatMap((m) => m.problems),
  };
  process.stdout.write(args.flags.has('--json') ? renderSimulateJson(report) : renderSimulateText(report));
  return foundProblems(report) ? 1 : 0;
}
