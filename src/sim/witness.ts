// Replays a schedule into a witness: every step with the lines it runs, the
// objects it touched as they stand afterwards, and the threads left blocked.
// The explorer keeps only schedules; witnesses are built here, on demand, so
// a witness and the replay of its schedule are the same by construction.

import { explainWait } from './deadlock';
import { Machine, type RunOptions, type Transition } from './machine';
import type { ThreadLabel, TraceLine, Witness, WitnessStep } from './results';
import { describeObject, initialState, type Scenario } from './scenario';
import { decodeSchedule, encodeSchedule, ScheduleError } from './schedule';

export function threadLabels(scenario: Scenario): ThreadLabel[] {
  return scenario.threads.map((t) => ({ thread: t.id, cpu: t.id, entry: t.entry, label: t.label }));
}

export function buildWitness(scenario: Scenario, machine: Machine, transitions: readonly Transition[]): Witness {
  const labels = scenario.threads.map((t) => t.label);
  const start = machine.initial(initialState(scenario), true);
  let state = start.state;
  const shown = scenario.threads.map(() => false);
  const steps: WitnessStep[] = [];
  for (const [index, transition] of transitions.entries()) {
    const { thread, choice } = transition;
    const options = machine.options(state).find((o) => o.thread === thread);
    if (!options || !options.enabled.includes(choice)) {
      throw new ScheduleError(`step ${index + 1}: CPU ${thread} ${!options ? 'has finished' : options.enabled.length === 0 ? 'is blocked' : `has no outcome ${choice} here`}`);
    }
    const pc = state.threads[thread]!.pc;
    const instr = scenario.threads[thread]!.info.program.instrs[pc]!;
    const result = machine.apply(state, transition, true);
    state = result.state;
    const lines: TraceLine[] = [...(shown[thread] ? [] : start.prefix[thread] ?? []), ...result.effects.lines];
    shown[thread] = true;
    const objects: Record<string, string> = {};
    for (const id of [...result.effects.touched].sort()) objects[id] = describeObject(state.objects[id], labels);
    const first = result.effects.lines[0];
    const step: WitnessStep = {
      index, thread, cpu: thread,
      action: choice >= 0 && instr.text ? `${instr.text}: assumed ${choice === 0 ? 'true' : choice === 1 && instr.kind !== 'switch' ? 'false' : `case ${choice}`}` : first?.text ?? instr.text ?? instr.kind,
      loc: instr.loc, stack: instr.stack, lines, objects,
    };
    if (result.effects.note !== undefined) step.note = result.effects.note;
    steps.push(step);
    if (result.effects.cut) break;
  }
  const blocked: Witness['blocked'] = [];
  state.threads.forEach((t, thread) => {
    const wait = t.status === 'running' ? machine.waitOf(state, thread) : null;
    const instr = scenario.threads[thread]!.info.program.instrs[t.pc];
    if (!wait || instr?.kind !== 'op') return;
    const waiting: TraceLine = { text: t.phase > 0 ? `(still in ${instr.op.primitive}())` : instr.call.text, loc: instr.loc, depth: instr.stack.length, kind: t.phase > 0 ? 'stmt' : 'call', note: `blocked: ${explainWait(scenario, state, thread, wait).waitsFor}` };
    blocked.push({ thread, lines: [...(shown[thread] ? [] : start.prefix[thread] ?? []), waiting] });
  });
  return { schedule: encodeSchedule(transitions.slice(0, steps.length)), threads: threadLabels(scenario), steps, blocked };
}

/** Rebuilds the witness a schedule string stands for; throws ScheduleError if it does not fit the scenario. */
export function replaySchedule(scenario: Scenario, schedule: string, options: RunOptions = {}): Witness {
  return buildWitness(scenario, new Machine(scenario, options), decodeSchedule(schedule));
}
