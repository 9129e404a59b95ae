// The compact text of a schedule: which thread steps, in order. Runs of one
// thread are `2x5` (thread 2, five steps); a step that takes an outcome of an
// undecided branch is `2?1` (thread 2, outcome 1: 0 is "then", 1 is "else",
// or the case index of a switch). Tokens are separated by spaces:
//   "1 0x5 1x2 0?1 0x3"
// The text is all a witness needs: replaySchedule() rebuilds every step.

import type { Transition } from './machine';

export function encodeSchedule(transitions: readonly Transition[]): string {
  const tokens: string[] = [];
  let i = 0;
  while (i < transitions.length) {
    const { thread, choice } = transitions[i]!;
    if (choice >= 0) {
      tokens.push(`${thread}?${choice}`);
      i++;
      continue;
    }
    let run = 1;
    while (i + run < transitions.length && transitions[i + run]!.thread === thread && transitions[i + run]!.choice < 0) run++;
    tokens.push(run === 1 ? `${thread}` : `${thread}x${run}`);
    i += run;
  }
  return tokens.join(' ');
}

export class ScheduleError extends Error {}

export function decodeSchedule(text: string): Transition[] {
  const transitions: Transition[] = [];
  for (const token of text.trim().split(/[\s,]+/).filter((t) => t.length > 0)) {
    const m = /^(\d+)(?:x(\d+)|\?(\d+))?$/.exec(token);
    if (!m) throw new ScheduleError(`"${token}" is not a schedule step (expected 3, 3x4 or 3?1)`);
    const thread = Number(m[1]);
    if (m[3] !== undefined) transitions.push({ thread, choice: Number(m[3]) });
    else for (let n = Number(m[2] ?? 1); n > 0; n--) transitions.push({ thread, choice: -1 });
  }
  return transitions;
}
