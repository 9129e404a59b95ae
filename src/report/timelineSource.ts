// A witness together with what it takes to show it anywhere: the objects of
// its scenario and their state before the first step, where the property
// breaks, the evidence, and how to run it again. Plain data only, so it
// crosses worker threads, goes into a webview's saved state, and comes back.

import { describeObject, initialState, type EntrySpec, type Scenario } from '../sim/scenario';
import type { Witness } from '../sim/results';

export type ObjectKind = 'completion' | 'domain' | 'lock' | 'value';

/** One object of the scenario and how it reads before any CPU has run. */
export interface ObjectStart {
  id: string;
  kind: ObjectKind;
  initial: string;
}

export type Params = Record<string, string | number | boolean>;

export interface TimelineSource {
  /** Stable key: the finding (`RL001@file:line:col`), the simulation and witness number, the timeline. */
  id: string;
  title: string;
  /** What goes wrong, in the simulator's or the check's words. */
  summary?: string;
  /** The evidence label (`witnessed (schedule 0 1x4 0)`). */
  evidence?: string;
  witness: Witness;
  objects: ObjectStart[];
  /** Index into `witness.steps` of the step after which the property is broken. */
  breakStep?: number;
  /** What Simulate Again runs. */
  rerun?: { entries: EntrySpec[]; params: Params };
}

/** The scenario's objects with their start states, in id order. */
export function scenarioObjects(scenario: Scenario): ObjectStart[] {
  const labels = scenario.threads.map((t) => t.label);
  const start = initialState(scenario);
  return [...scenario.objects.values()]
    .map((info) => ({ id: info.id, kind: info.kind, initial: describeObject(start.objects[info.id], labels) }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** The last step: where a witness of a violation, a deadlock or a broken assertion stops. */
export function lastStep(witness: Witness): number | undefined {
  return witness.steps.length > 0 ? witness.steps.length - 1 : undefined;
}
