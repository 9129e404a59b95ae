// "Can A run while B runs?" for two program points (points.ts). Answered
// with a witness when some interleaving has one CPU at A and another at B at
// once (pointSearch.ts); otherwise with "never" and the reason: in every
// execution (executions.ts) one point ends before the other begins, kept so
// by a chain of orderings the primitives impose (happensBefore.ts), e.g.
// "CPU 1's srcu_read_lock precedes CPU 0's synchronize_srcu, which waits for
// CPU 1's srcu_read_unlock". Executions are grouped by their chain.

import type { SourceLoc } from '../model/types';
import { runOptionsOf } from './explore';
import { enumerateExecutions, type EnumerationLimits, type Execution } from './executions';
import { chainBetween, describeEdge, happensBefore, type HbEdge } from './happensBefore';
import { Machine } from './machine';
import { resolvePoint, type PointSpec, type ResolvedPoint } from './points';
import { insideMask, searchPoints, type PointState } from './pointSearch';
import type { Witness } from './results';
import type { Scenario } from './scenario';
import { encodeSchedule } from './schedule';
import { buildWitness } from './witness';

export interface OrderingOptions extends EnumerationLimits {
  /** Labels from the notes (`labelTable(graph)`), for points given by name. */
  labels?: ReadonlyMap<string, readonly SourceLoc[]>;
}

export interface OrderingReason {
  /** The point that ends first, and the one that begins after it. */
  first: string;
  second: string;
  /** The orderings between CPUs along the chain, each as the rule that imposes it. */
  links: string[];
  text: string;
  /** How many of the executions examined were kept apart by this chain. */
  executions: number;
}

export type OrderingAnswer =
  | { answer: 'together'; a: string; b: string; threads: [number, number]; where: string; schedule: string; witness: Witness }
  | {
      answer: 'never';
      a: string;
      b: string;
      reasons: OrderingReason[];
      /** Every interleaving was searched (no bound cut an execution). */
      exhaustive: boolean;
      /** Executions examined for the reasons, and those in which both points were reached but no chain was found. */
      executions: number;
      unexplained: number;
      note?: string;
    }
  | { answer: 'unknown'; a: string; b: string; note: string };

/** The two threads (a at point 0, b at point 1) of a point state, if any. */
export function pairAt(at: PointState): [number, number] | undefined {
  for (const [i, maskA] of at.inside.entries()) {
    if (!(maskA & 1)) continue;
    for (const [j, maskB] of at.inside.entries()) if (i !== j && maskB & 2) return [i, j];
  }
  return undefined;
}

const cpuName = (scenario: Scenario, thread: number): string => `CPU ${thread} (${scenario.threads[thread]?.label ?? '?'})`;

export function canRunTogether(scenario: Scenario, a: PointSpec, b: PointSpec, options: OrderingOptions = {}): OrderingAnswer {
  const A = resolvePoint(scenario, a, options.labels);
  const B = resolvePoint(scenario, b, options.labels);
  const search = searchPoints(scenario, [A, B], (at) => pairAt(at) !== undefined, options);
  if (search.found && search.at) {
    const [ta, tb] = pairAt(search.at)!;
    const witness = buildWitness(scenario, new Machine(scenario, runOptionsOf(options)), search.found);
    return {
      answer: 'together', a: A.name, b: B.name, threads: [ta, tb], witness, schedule: encodeSchedule(search.found),
      where: `${cpuName(scenario, ta)} is at ${A.name} while ${cpuName(scenario, tb)} is at ${B.name}`,
    };
  }
  if (search.stopped) return { answer: 'unknown', a: A.name, b: B.name, note: `the search stopped (${search.stopped}) after ${search.states} states without finding them together` };
  const explained = explainApart(scenario, A, B, options);
  const answer: OrderingAnswer = { answer: 'never', a: A.name, b: B.name, exhaustive: !search.boundHit, ...explained };
  if (search.boundHit) answer.note = `exhaustive within the loop bound (${options.bounds?.loopUnroll ?? 2}) only`;
  return answer;
}

/** One stretch of a thread at a point: the step after which it is there (-1: from its start), and the step that takes it away. */
interface Occurrence {
  thread: number;
  enter: number;
  exit?: number;
}

function occurrences(execution: Execution, points: readonly ResolvedPoint[], bit: number): Occurrence[] {
  const found: Occurrence[] = [];
  const open = new Map<number, Occurrence>();
  const note = (thread: number, inside: boolean, index: number): void => {
    const current = open.get(thread);
    if (inside && !current) open.set(thread, { thread, enter: index });
    if (!inside && current) {
      current.exit = index;
      found.push(current);
      open.delete(thread);
    }
  };
  execution.prefix.forEach((pcs, thread) => note(thread, (insideMask(points, thread, pcs, execution.start) & bit) !== 0, -1));
  execution.steps.forEach((step, index) => note(step.transition.thread, (insideMask(points, step.transition.thread, step.tail, step.after) & bit) !== 0, index));
  return [...found, ...open.values()];
}

/** Groups, over the executions, the chains that kept A and B apart. */
function explainApart(scenario: Scenario, A: ResolvedPoint, B: ResolvedPoint, options: OrderingOptions): Pick<Extract<OrderingAnswer, { answer: 'never' }>, 'reasons' | 'executions' | 'unexplained' | 'note'> {
  const groups = new Map<string, OrderingReason>();
  let unexplained = 0;
  const points = [A, B];
  const enumeration = enumerateExecutions(scenario, options, (execution) => {
    const atA = occurrences(execution, points, 1);
    const atB = occurrences(execution, points, 2);
    if (atA.length === 0 || atB.length === 0) return;
    let edges: HbEdge[] | undefined;
    for (const oa of atA) {
      for (const ob of atB) {
        if (oa.thread === ob.thread) continue;
        const aFirst = oa.exit !== undefined && oa.exit < ob.enter;
        const bFirst = ob.exit !== undefined && ob.exit < oa.enter;
        if (!aFirst && !bFirst) { unexplained++; continue; }
        const [from, to, first, second] = aFirst ? [oa.exit!, ob.enter, A.name, B.name] : [ob.exit!, oa.enter, B.name, A.name];
        edges ??= happensBefore(scenario, execution.steps);
        const chain = chainBetween(edges, execution.steps.length, from, to);
        if (!chain) { unexplained++; continue; }
        const reason = reasonOf(scenario, execution, chain, first, second, aFirst ? [oa.thread, ob.thread] : [ob.thread, oa.thread]);
        const known = groups.get(reason.key);
        if (known) known.executions++;
        else groups.set(reason.key, { first, second, links: reason.links, text: reason.text, executions: 1 });
      }
    }
  });
  const reasons = [...groups.values()].sort((x, y) => y.executions - x.executions || x.text.localeCompare(y.text));
  const result: ReturnType<typeof explainApart> = { reasons, executions: enumeration.executions, unexplained };
  if (enumeration.stopped) result.note = `reasons drawn from the first ${enumeration.executions} executions (${enumeration.stopped} bound)`;
  return result;
}

function reasonOf(scenario: Scenario, execution: Execution, chain: readonly HbEdge[], first: string, second: string, threads: [number, number]): { key: string; links: string[]; text: string } {
  const steps = execution.steps;
  const cross = chain.filter((e) => e.kind !== 'po');
  const where = (i: number | undefined): string => (i === undefined ? '' : `${steps[i]!.transition.thread}@${steps[i]!.pc}`);
  const key = [first, ...cross.map((e) => `${e.kind}:${where(e.from)}>${where(e.to)}:${where(e.sectionBegin)}:${where(e.syncStart)}`)].join('|');
  const links = cross.map((e) => describeEdge(scenario, steps, e));
  const text = `${first} on ${cpuName(scenario, threads[0])} ends before ${second} on ${cpuName(scenario, threads[1])} begins: ${links.join('; ')}`;
  return { key, links, text };
}
