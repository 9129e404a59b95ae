// The verdicts RaceLens and Spin are compared on, in one form for both:
//   deadlock     some execution ends with a CPU blocked for good
//   violations   which properties broke where: the update-phase exclusion by
//                (domain, reader, updater); a sleep in atomic context or a
//                misuse by (thread, source line and column)
//   outcomes     the end states, in explore.ts's outcome-key form
// Both sides say the same thing in the same words, or the test fails.

import type { SimResult } from '../results';
import type { Scenario } from '../scenario';
import { renderValue } from '../values';
import type { PromelaModel } from './export';
import type { PanRun } from './pan';

export interface Verdicts {
  deadlock: boolean;
  violations: string[];
  outcomes: string[];
}

function siteOf(scenario: Scenario, thread: number, loc: { line: number; col: number }): string {
  return `${scenario.threads[thread]!.label}@${loc.line + 1}:${loc.col + 1}`;
}

export function simulatorVerdicts(scenario: Scenario, result: SimResult): Verdicts {
  const violations = result.violations.map((v) => {
    if (v.property !== 'update-phase-exclusion') return `${v.property}|${siteOf(scenario, v.threads[0]!, v.loc)}`;
    const domain = /inside the (\S+) read side/.exec(v.summary)?.[1] ?? '?';
    const [reader, updater] = v.threads.map((t) => scenario.threads[t]!.label);
    return `update-phase-exclusion|${domain}|${reader}|${updater}`;
  });
  return {
    deadlock: result.deadlocks.length > 0,
    violations: [...new Set(violations)].sort(),
    outcomes: result.outcomes.map((o) => o.key).sort(),
  };
}

export function spinVerdicts(scenario: Scenario, model: PromelaModel, run: PanRun): Verdicts {
  const violations = [...run.assertions].map((name) => {
    const key = model.sites.get(name);
    if (!key) throw new Error(`pan reported an assertion the model does not name: ${name}`);
    const [property, ...rest] = key.split('|');
    if (property === 'update-phase') return `update-phase-exclusion|${rest.join('|')}`;
    const label = rest[0]!;
    const pc = Number(rest[1]);
    const thread = scenario.threads.findIndex((t) => t.label === label);
    return `${property}|${siteOf(scenario, thread, scenario.threads[thread]!.info.program.instrs[pc]!.loc)}`;
  });
  return {
    deadlock: run.invalidEndStates > 0,
    violations: [...new Set(violations)].sort(),
    outcomes: run.outcomes.map((values) => outcomeKey(model, values)).sort(),
  };
}

/** An OUTCOME line as explore.ts writes an outcome's key. */
export function outcomeKey(model: PromelaModel, values: readonly number[]): string {
  const { labels, cells, domains } = model.outcome;
  const render = (n: number): string => {
    const value = model.symbols.decode(n);
    return value === undefined ? 'none' : renderValue(value);
  };
  const parts = [
    ...labels.map((label, t) => `${label}: ret = ${render(values[t]!)}`),
    ...cells.map((id, i) => `${id} = ${render(values[labels.length + i]!)}`),
    ...domains.filter((_, i) => values[labels.length + cells.length + i] === 1).map((d) => `after update-phase exclusion on ${d} was broken`),
  ];
  return parts.join(' | ');
}
