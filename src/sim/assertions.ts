// The reviewer's own properties, written in notes (src/parse/notes.ts):
//
//   -> tdx_td_init(kvm)          // racelens: label td_init
//   -> do_tdx_module_update(fw)  // racelens: label update
//   // racelens: never td_init && update
//   // racelens: always-before update td_init
//
// `never A && B`: no interleaving has one CPU at A while another is at B
// (with two CPUs running the same code, `never A && A` is mutual exclusion).
// `always-before A B`: no CPU reaches B before some CPU has run A to its end.
// A violation comes with a witness, like the built-in properties; an
// assertion that holds comes with the orderings that make it hold.

import type { NotesAssertion, SourceLoc } from '../model/types';
import { runOptionsOf } from './explore';
import { Machine } from './machine';
import { canRunTogether, type OrderingOptions, type OrderingReason } from './ordering';
import { PointError, resolvePoint } from './points';
import { searchPoints } from './pointSearch';
import type { Witness } from './results';
import type { Scenario } from './scenario';
import { encodeSchedule } from './schedule';
import { buildWitness } from './witness';

export interface AssertionResult {
  assertion: NotesAssertion;
  verdict: 'holds' | 'violated' | 'unknown';
  /** In words: what breaks it (with the CPUs), or why it holds, or why it could not be decided. */
  summary: string;
  witness?: Witness;
  schedule?: string;
  /** `never` that holds: the orderings that keep the two points apart. */
  reasons?: OrderingReason[];
  /** The search covered every interleaving within the loop bound. */
  exhaustive: boolean;
}

const cpuName = (scenario: Scenario, thread: number): string => `CPU ${thread} (${scenario.threads[thread]?.label ?? '?'})`;

function checkNever(scenario: Scenario, assertion: NotesAssertion, options: OrderingOptions): AssertionResult {
  const [a, b] = assertion.labels;
  const answer = canRunTogether(scenario, { label: a }, { label: b }, options);
  switch (answer.answer) {
    case 'together':
      return { assertion, verdict: 'violated', summary: `${answer.where}`, witness: answer.witness, schedule: answer.schedule, exhaustive: false };
    case 'never': {
      const summary = answer.reasons.length > 0 ? answer.reasons.map((r) => r.text).join('\n') : `${a} and ${b} are never reached by two CPUs`;
      return { assertion, verdict: 'holds', summary, reasons: answer.reasons, exhaustive: answer.exhaustive };
    }
    case 'unknown':
      return { assertion, verdict: 'unknown', summary: answer.note, exhaustive: false };
  }
}

function checkAlwaysBefore(scenario: Scenario, assertion: NotesAssertion, options: OrderingOptions): AssertionResult {
  const [a, b] = assertion.labels;
  const points = [resolvePoint(scenario, { label: a }, options.labels), resolvePoint(scenario, { label: b }, options.labels)];
  // B active somewhere while no CPU has yet left A.
  const search = searchPoints(scenario, points, (at) => at.inside.some((mask) => (mask & 2) !== 0) && (at.left & 1) === 0, options);
  if (search.found && search.at) {
    const thread = search.at.inside.findIndex((mask) => (mask & 2) !== 0);
    const inA = search.at.inside.flatMap((mask, t) => ((mask & 1) !== 0 ? [cpuName(scenario, t)] : []));
    const state = inA.length > 0 ? `while ${inA.join(', ')} is still at ${a}` : `before any CPU has run ${a}`;
    const witness = buildWitness(scenario, new Machine(scenario, runOptionsOf(options)), search.found);
    return { assertion, verdict: 'violated', summary: `${cpuName(scenario, thread)} is at ${b} ${state}`, witness, schedule: encodeSchedule(search.found), exhaustive: false };
  }
  if (search.stopped) return { assertion, verdict: 'unknown', summary: `the search stopped (${search.stopped}) after ${search.states} states`, exhaustive: false };
  return { assertion, verdict: 'holds', summary: `no CPU reaches ${b} before some CPU has run ${a} to its end`, exhaustive: !search.boundHit };
}

/** Checks each assertion against the scenario; an assertion naming a label no thread reaches is `unknown`, with why. */
export function checkAssertions(scenario: Scenario, assertions: readonly NotesAssertion[], options: OrderingOptions & { labels: ReadonlyMap<string, readonly SourceLoc[]> }): AssertionResult[] {
  return assertions.map((assertion) => {
    try {
      return assertion.kind === 'never' ? checkNever(scenario, assertion, options) : checkAlwaysBefore(scenario, assertion, options);
    } catch (error) {
      if (error instanceof PointError) return { assertion, verdict: 'unknown', summary: error.message, exhaustive: false };
      throw error;
    }
  });
}
