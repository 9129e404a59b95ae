// Searches every interleaving for a state in which threads stand at given
// program points: "CPU 1 inside tdx_td_init() while CPU 0 is inside
// do_tdx_module_update()". Breadth first, so the witness is a shortest one;
// states are cached together with which points each thread may be at (that
// depends on the local steps of its last transition, see points.ts), and
// with which points some thread has already left (for "always before").
//
// No partial-order reduction here: the question is about states, and local
// steps placed between shared ones, which the explorer's reductions do not
// promise to keep. The scenarios reviewers ask about are small.

import type { Bounds, SimulateOptions } from './explore';
import { runOptionsOf } from './explore';
import { Machine, type Transition } from './machine';
import { mayBeAt, type ResolvedPoint } from './points';
import { initialState, type Scenario } from './scenario';
import { stateKey, type SimState } from './state';
import { traceStart, traceStep, type TracedStep } from './stepTrace';

/** Per thread, a bit per point the thread may be at; and a bit per point some thread has left. */
export interface PointState {
  inside: readonly number[];
  left: number;
}

export interface SearchOptions extends Pick<SimulateOptions, 'params' | 'bounds' | 'signal'> {
  /** Wall-clock budget; default 10 s. */
  budgetMs?: number;
}

export interface SearchResult {
  /** The schedule to the first state found, if any. */
  found?: Transition[];
  /** Where the threads stood in it. */
  at?: PointState;
  states: number;
  /** A loop bound cut an execution: exhaustive only within bounds. */
  boundHit: boolean;
  stopped?: 'cancelled' | 'budget' | 'states';
}

/** Bit i: the thread may be at points[i]. */
export function insideMask(points: readonly ResolvedPoint[], thread: number, tail: readonly number[], state: SimState): number {
  const t = state.threads[thread]!;
  let mask = 0;
  points.forEach((point, i) => {
    if (mayBeAt(point, thread, tail, t.pc, t.status === 'done')) mask |= 1 << i;
  });
  return mask;
}

/** The point state after `step`, from the one before it. */
export function nextPointState(points: readonly ResolvedPoint[], before: PointState, step: TracedStep): PointState {
  const { thread } = step.transition;
  const inside = before.inside.slice();
  inside[thread] = insideMask(points, thread, step.tail, step.after);
  const left = before.left | (before.inside[thread]! & ~inside[thread]!);
  return { inside, left };
}

/** The start state (every thread's local prefix run) with its point state. */
export function startWithPoints(machine: Machine, points: readonly ResolvedPoint[]): { state: SimState; at: PointState } {
  const start = traceStart(machine, initialState(machine.scenario));
  const inside = start.pcs.map((pcs, thread) => insideMask(points, thread, pcs, start.state));
  return { state: start.state, at: { inside, left: 0 } };
}

interface Node {
  /** Dropped once the node is expanded: only parents and transitions are needed for paths. */
  state: SimState | undefined;
  at: PointState;
  parent: number;
  transition?: Transition;
}

const DEFAULT_BOUNDS: Required<Pick<Bounds, 'maxStates'>> = { maxStates: 200_000 };

/** Breadth-first search for a state where `wanted` holds. */
export function searchPoints(scenario: Scenario, points: readonly ResolvedPoint[], wanted: (at: PointState) => boolean, options: SearchOptions = {}): SearchResult {
  const machine = new Machine(scenario, runOptionsOf(options));
  const maxStates = options.bounds?.maxStates ?? DEFAULT_BOUNDS.maxStates;
  const budgetMs = options.budgetMs ?? 10_000;
  const began = Date.now();
  const start = startWithPoints(machine, points);
  const nodes: Node[] = [{ state: start.state, at: start.at, parent: -1 }];
  const seen = new Set<string>([keyOf(start.state, start.at)]);
  const result: SearchResult = { states: 1, boundHit: false };
  const pathTo = (index: number): Transition[] => {
    const path: Transition[] = [];
    for (let n = nodes[index]; n && n.transition; n = nodes[n.parent]) path.push(n.transition);
    return path.reverse();
  };
  if (wanted(start.at)) return { ...result, found: [], at: start.at };
  for (let head = 0; head < nodes.length; head++) {
    if (head % 256 === 0) {
      if (options.signal?.aborted) return { ...result, stopped: 'cancelled' };
      if (Date.now() - began > budgetMs) return { ...result, stopped: 'budget' };
    }
    const node = nodes[head]!;
    const state = node.state!;
    node.state = undefined;
    for (const option of machine.options(state)) {
      for (const choice of option.enabled) {
        const transition = { thread: option.thread, choice };
        const step = traceStep(machine, state, transition);
        const at = nextPointState(points, node.at, step);
        if (step.effects.cut || step.effects.unrolled.length > 0) result.boundHit = true;
        const key = keyOf(step.after, at);
        if (seen.has(key)) continue;
        seen.add(key);
        result.states++;
        nodes.push({ state: step.after, at, parent: head, transition });
        if (wanted(at)) return { ...result, found: pathTo(nodes.length - 1), at };
        if (step.effects.cut) nodes.pop(); // an abandoned execution goes no further
        if (seen.size >= maxStates) return { ...result, boundHit: true, stopped: 'states' };
      }
    }
  }
  return result;
}

function keyOf(state: SimState, at: PointState): string {
  return `${stateKey(state)}\n${at.inside.join(',')}|${at.left}`;
}
