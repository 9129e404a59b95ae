// Enumerates complete executions, one per class of equivalent interleavings
// as far as sleep sets get (Godefroid's thesis, ch. 5): after exploring step
// a and then step b from a state, a is not tried again after b when the two
// commute. Used to explain a "never": each execution shows the orderings
// that kept two points apart in it (happensBefore.ts).

import { runOptionsOf } from './explore';
import { Machine, type Transition } from './machine';
import { conflicts, type Footprint } from './por';
import { initialState, type Scenario } from './scenario';
import type { SimState } from './state';
import { traceStart, traceStep, type TracedStep } from './stepTrace';
import type { SearchOptions } from './pointSearch';

export interface Execution {
  /** Per thread, the pcs its local prefix ran before its first step. */
  prefix: number[][];
  start: SimState;
  steps: TracedStep[];
  /** The execution was abandoned at a loop bound. */
  cut: boolean;
}

export interface EnumerationLimits extends SearchOptions {
  /** Stop after this many executions; default 5000. */
  maxExecutions?: number;
}

export interface Enumeration {
  executions: number;
  /** Stopped before every class was seen (budget, execution or cancellation bound). */
  stopped?: 'budget' | 'executions' | 'cancelled';
}

const keyOf = (t: Transition): string => `${t.thread}:${t.choice}`;

/** Calls `visit` with each execution; the steps array is reused, so copy what you keep. */
export function enumerateExecutions(scenario: Scenario, limits: EnumerationLimits, visit: (execution: Execution) => void): Enumeration {
  const machine = new Machine(scenario, runOptionsOf(limits));
  const start = traceStart(machine, initialState(scenario));
  const maxExecutions = limits.maxExecutions ?? 5000;
  const budgetMs = limits.budgetMs ?? 10_000;
  const began = Date.now();
  const result: Enumeration = { executions: 0 };
  const steps: TracedStep[] = [];
  const emit = (cut: boolean): void => {
    result.executions++;
    visit({ prefix: start.pcs, start: start.state, steps, cut });
  };
  const stop = (): boolean => {
    if (result.stopped) return true;
    if (limits.signal?.aborted) result.stopped = 'cancelled';
    else if (result.executions >= maxExecutions) result.stopped = 'executions';
    else if (Date.now() - began > budgetMs) result.stopped = 'budget';
    return result.stopped !== undefined;
  };
  const explore = (state: SimState, sleep: Map<string, Transition>): void => {
    if (stop()) return;
    const options = machine.options(state);
    const enabled = options.flatMap((o) => o.enabled.map((choice) => ({ thread: o.thread, choice })));
    if (enabled.length === 0) return emit(false);
    const footprint = new Map<number, Footprint>(options.map((o) => [o.thread, o.localChoice ? [] : o.next]));
    const independent = (a: Transition, b: Transition): boolean => a.thread !== b.thread && !conflicts(footprint.get(a.thread) ?? 'any', footprint.get(b.thread) ?? 'any');
    const done: Transition[] = [];
    for (const transition of enabled) {
      if (sleep.has(keyOf(transition))) continue;
      const step = traceStep(machine, state, transition);
      steps.push(step);
      if (step.effects.cut) emit(true);
      else {
        const childSleep = new Map<string, Transition>();
        for (const z of [...sleep.values(), ...done]) if (independent(z, transition)) childSleep.set(keyOf(z), z);
        explore(step.after, childSleep);
      }
      steps.pop();
      done.push(transition);
      if (result.stopped) return;
    }
  };
  explore(start.state, new Map());
  return result;
}
