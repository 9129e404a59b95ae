// The simulator's public face. Build a scenario once from the call graph,
// then simulate it (as often as the user changes parameters or bounds),
// replay any witness from its schedule string, and render it as a CPU table.
//
//   const scenario = buildScenario(graph, [{ name: 'reload_store' }, { name: 'kvm_vm_ioctl', copies: 2 }]);
//   const result = simulate(scenario, { params: { data: 0 }, budgetMs: 5000, signal, onProgress });
//   const witness = replaySchedule(scenario, result.outcomes[0].witness.schedule, { params: { data: 0 } });
//   console.log(renderWitness(witness));

import type { Scenario } from './scenario';
import type { Witness } from './results';
import { runOptionsOf, type SimulateOptions } from './explore';
import { replaySchedule as replay } from './witness';

export { buildScenario } from './scenario';
export type { EntrySpec, Scenario, ScenarioOptions, ScenarioProblem } from './scenario';
export { simulate } from './explore';
export type { Bounds, Progress, SimulateOptions } from './explore';
export type { UpdateIdiom } from './properties';
export { renderWitness, type RenderOptions } from './render';
export { ScheduleError } from './schedule';
export type * from './results';
export { replayTimeline, type TimelineColumn, type TimelineReplay, type TimelineReplayOptions } from './timelineReplay';
export { canRunTogether, type OrderingAnswer, type OrderingOptions, type OrderingReason } from './ordering';
export { checkAssertions, type AssertionResult } from './assertions';
export { labelTable, parsePoint, PointError, type PointSpec } from './points';

/** Replays a schedule with the same parameters and bounds the simulation used. */
export function replaySchedule(scenario: Scenario, schedule: string, options: Pick<SimulateOptions, 'params' | 'bounds'> = {}): Witness {
  return replay(scenario, schedule, runOptionsOf(options));
}
