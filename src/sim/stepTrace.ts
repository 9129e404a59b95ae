// Which instructions a transition ran. The machine runs a thread's shared
// step and then every local step up to its next shared step, and reports
// the lines it ran only as text with locations (for witnesses). Timeline
// replay and ordering questions need the program counters themselves: a
// timeline row may be a local step (`end_update = true;`), and "is CPU 1
// inside tdx_td_init() now?" asks whether the local steps of its last
// transition passed through that call.
//
// The pcs are recovered by walking the program from where the thread stood
// before the transition, matching each instruction that leaves a line (every
// operation, and every instruction with text) against the recorded lines in
// order, until the thread's new pc. Where a branch could go either way, the
// next line decides; two paths that leave the same lines differ only in
// text-less jumps and exits, which no question asks about.

import type { Effects, Machine, Transition } from './machine';
import { successors, type Instr, type Program } from './program';
import type { TraceLine } from './results';
import type { SimState } from './state';

/** One transition, with the pcs it ran. */
export interface TracedStep {
  transition: Transition;
  /** The thread's pc and phase before the step. */
  pc: number;
  phase: number;
  /** Every pc the step ran, in order; a resumed operation's pc is not repeated (it was counted when it began). */
  pcs: number[];
  /** The local steps run after the step's own instruction: what the thread may still be doing until its next step. */
  tail: number[];
  /** The step began a two-part operation (a grace period, an IPI) and the thread now waits in it. */
  waiting: boolean;
  before: SimState;
  after: SimState;
  effects: Effects;
}

const leavesLine = (instr: Instr): boolean => instr.kind === 'op' || (instr.text !== undefined && instr.kind !== 'end');

function sameLine(instr: Instr, line: TraceLine): boolean {
  if (line.loc.line !== instr.loc.line || line.loc.col !== instr.loc.col || line.loc.file !== instr.loc.file) return false;
  // An operation's line may read `x() returns`; other instructions print their own text.
  return instr.kind === 'op' || line.text === instr.text;
}

/**
 * The pcs a thread ran from `start`, leaving `lines`, to stop at `end`
 * (not run), or to finish (`end` instruction run) when `finished`.
 * `cutAt`: the execution was abandoned on an instruction that left its line
 * but did not move. Undefined when no path fits (then callers fall back).
 */
export function walkPcs(program: Program, start: number, lines: readonly TraceLine[], end: number, finished: boolean, cutAt?: number): number[] | undefined {
  const path: number[] = [];
  const visit = (pc: number, used: number, budget: number): boolean => {
    if (budget <= 0) return false;
    if (!finished && cutAt === undefined && used === lines.length && pc === end) return true;
    const instr = program.instrs[pc];
    if (!instr) return false;
    if (instr.kind === 'end') {
      if (!finished || used !== lines.length) return false;
      path.push(pc);
      return true;
    }
    let next = used;
    if (leavesLine(instr)) {
      const line = lines[used];
      if (!line || !sameLine(instr, line)) return false;
      next++;
    }
    path.push(pc);
    if (cutAt === pc && next === lines.length) return true;
    for (const successor of successors(program, pc)) if (visit(successor, next, budget - 1)) return true;
    path.pop();
    return false;
  };
  // Every cycle of a program holds an instruction with text, so the walk is bounded by the lines; the budget only guards bugs.
  return visit(start, 0, program.instrs.length * (lines.length + 2)) ? path : undefined;
}

/** Falls back to the straight range when the lines cannot be matched (should not happen). */
function rangeOf(start: number, end: number): number[] {
  const pcs: number[] = [];
  for (let pc = start; pc < end; pc++) pcs.push(pc);
  return pcs;
}

function pcsOf(machine: Machine, thread: number, start: number, lines: readonly TraceLine[], after: SimState, effects: Effects): number[] {
  const program = machine.scenario.threads[thread]!.info.program;
  const t = after.threads[thread]!;
  const cutAt = effects.cut?.thread === thread ? effects.cut.pc : undefined;
  return walkPcs(program, start, lines, t.pc, t.status === 'done', cutAt) ?? rangeOf(start, t.status === 'done' ? program.instrs.length : t.pc);
}

/** Applies one transition, recording the pcs it ran. */
export function traceStep(machine: Machine, state: SimState, transition: Transition): TracedStep {
  const { thread } = transition;
  const t = state.threads[thread]!;
  const { state: after, effects } = machine.apply(state, transition, true);
  const waiting = after.threads[thread]!.phase > 0 && after.threads[thread]!.pc === t.pc;
  let pcs: number[];
  let tail: number[];
  if (waiting) {
    pcs = t.phase > 0 ? [] : [t.pc];
    tail = [];
  } else if (t.phase > 0) {
    pcs = pcsOf(machine, thread, t.pc, effects.lines, after, effects).slice(1);
    tail = pcs;
  } else {
    pcs = pcsOf(machine, thread, t.pc, effects.lines, after, effects);
    tail = pcs.slice(1);
  }
  return { transition, pc: t.pc, phase: t.phase, pcs, tail, waiting, before: state, after, effects };
}

/** The start state (each thread's local prefix run) and, per thread, the pcs of that prefix. */
export function traceStart(machine: Machine, state: SimState): { state: SimState; pcs: number[][]; effects: Effects } {
  const start = machine.initial(state, true);
  const pcs = start.prefix.map((lines, thread) => pcsOf(machine, thread, 0, lines.filter((l) => l.kind !== 'entry'), start.state, start.effects));
  return { state: start.state, pcs, effects: start.effects };
}
