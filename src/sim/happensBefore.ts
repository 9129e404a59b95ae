// The orderings one execution's steps must keep, each with the rule that
// imposes it, so "never at the same time" can be explained as a chain:
//
//   po    program order within a CPU
//   gp    a grace period waits for the read-side sections that began before
//         it: the section's unlock precedes the end of synchronize
//         (Documentation/RCU/Design/Requirements: the grace-period guarantee)
//   rf    a read (or a wait that passes) sees the write (complete) before it
//   fr    a read precedes the write that overwrites what it saw (a wait
//         passed before init_completion reset the completion)
//   co    two writes of one object, in the order they happened
//   lock  a release precedes the next conflicting acquire of the lock
//
// Steps are transitions of a traced execution (stepTrace.ts); an edge joins
// two steps of different CPUs, except po.

import type { Instr } from './program';
import type { Scenario } from './scenario';
import type { TracedStep } from './stepTrace';
import { renderValue } from './values';

export type EdgeKind = 'po' | 'gp' | 'rf' | 'fr' | 'co' | 'lock';

export interface HbEdge {
  from: number;
  to: number;
  kind: EdgeKind;
  object?: string;
  /** gp: the step that began the read-side section, and the one that began synchronize. */
  sectionBegin?: number;
  syncStart?: number;
}

/** What one step did to shared objects. */
interface Action {
  reads: string[];
  writes: string[];
  sectionBegin?: string;
  sectionEnd?: string;
  syncStart?: string;
  syncEnd?: string;
  acquire?: { lock: string; shared: boolean };
  release?: { lock: string; shared: boolean };
}

function instrOf(scenario: Scenario, step: TracedStep): Instr | undefined {
  return scenario.threads[step.transition.thread]?.info.program.instrs[step.pc];
}

const depthOf = (step: TracedStep, id: string, when: 'before' | 'after'): number => {
  const d = step[when].objects[id];
  return d?.kind === 'domain' ? d.depth[step.transition.thread] ?? 0 : 0;
};

function actionOf(scenario: Scenario, step: TracedStep): Action {
  const action: Action = { reads: [], writes: [] };
  const instr = instrOf(scenario, step);
  if (!instr) return action;
  if (instr.kind === 'access') {
    (instr.access === 'store' ? action.writes : action.reads).push(instr.object);
    return action;
  }
  if (instr.kind !== 'op') {
    action.reads.push(...(scenario.threads[step.transition.thread]?.info.reads[step.pc] ?? []));
    return action;
  }
  const { op } = instr;
  const id = op.object?.id;
  if (id === undefined) return action;
  switch (op.family) {
    case 'completion': {
      // A wait reads the completion, and consumes one complete() unless it was completed for all.
      const changed = JSON.stringify(step.before.objects[id]) !== JSON.stringify(step.after.objects[id]);
      if (op.action === 'wait' || op.action === 'try_wait' || op.action === 'done') {
        action.reads.push(id);
        if (changed) action.writes.push(id);
      } else action.writes.push(id);
      break;
    }
    case 'srcu': case 'rcu':
      if (op.action === 'read_lock' && depthOf(step, id, 'before') === 0) action.sectionBegin = id;
      if (op.action === 'read_unlock' && depthOf(step, id, 'after') === 0 && depthOf(step, id, 'before') > 0) action.sectionEnd = id;
      if (op.action === 'synchronize') {
        if (step.phase === 0) action.syncStart = id;
        if (!step.waiting) action.syncEnd = id;
      }
      break;
    case 'atomic': case 'access':
      if (op.action !== 'set' && op.action !== 'store') action.reads.push(id);
      if (op.action !== 'read' && op.action !== 'load') action.writes.push(id);
      break;
    case 'mutex': case 'spinlock': case 'raw_spinlock': case 'rwlock': case 'rwsem': case 'percpu_rwsem': case 'cpu_hotplug': {
      const shared = op.mode === 'shared';
      const held = (s: 'before' | 'after'): string => JSON.stringify(step[s].objects[id]);
      if ((op.action === 'acquire' || op.action === 'try_acquire') && !step.waiting && held('before') !== held('after')) action.acquire = { lock: id, shared };
      if (op.action === 'release') action.release = { lock: id, shared };
      break;
    }
    default:
      break;
  }
  return action;
}

/** Every ordering edge of one execution. */
export function happensBefore(scenario: Scenario, steps: readonly TracedStep[]): HbEdge[] {
  const edges: HbEdge[] = [];
  const threadOf = (i: number): number => steps[i]!.transition.thread;
  const lastOfThread = new Map<number, number>();
  const lastWrite = new Map<string, number>();
  const readsSince = new Map<string, number[]>();
  const sections: { thread: number; domain: string; begin: number; end?: number }[] = [];
  const syncs: { thread: number; domain: string; start: number; end?: number }[] = [];
  const releases = new Map<string, { step: number; shared: boolean }[]>();
  steps.forEach((step, i) => {
    const thread = step.transition.thread;
    const previous = lastOfThread.get(thread);
    if (previous !== undefined) edges.push({ from: previous, to: i, kind: 'po' });
    lastOfThread.set(thread, i);
    const action = actionOf(scenario, step);
    for (const id of action.reads) {
      const w = lastWrite.get(id);
      if (w !== undefined && threadOf(w) !== thread) edges.push({ from: w, to: i, kind: 'rf', object: id });
      readsSince.set(id, [...(readsSince.get(id) ?? []), i]);
    }
    for (const id of action.writes) {
      const readers = (readsSince.get(id) ?? []).filter((r) => threadOf(r) !== thread);
      for (const r of readers) edges.push({ from: r, to: i, kind: 'fr', object: id });
      const w = lastWrite.get(id);
      if (w !== undefined && threadOf(w) !== thread && !action.reads.includes(id)) edges.push({ from: w, to: i, kind: 'co', object: id });
      lastWrite.set(id, i);
      readsSince.set(id, []);
    }
    if (action.sectionBegin) sections.push({ thread, domain: action.sectionBegin, begin: i });
    if (action.sectionEnd) {
      const open = sections.filter((s) => s.thread === thread && s.domain === action.sectionEnd && s.end === undefined).pop();
      if (open) open.end = i;
    }
    if (action.syncStart) syncs.push({ thread, domain: action.syncStart, start: i });
    if (action.syncEnd) {
      const sync = syncs.filter((s) => s.thread === thread && s.domain === action.syncEnd && s.end === undefined).pop();
      if (sync) sync.end = i;
    }
    if (action.acquire) {
      // The latest conflicting release by each other CPU.
      const byThread = new Map<number, number>();
      for (const r of releases.get(action.acquire.lock) ?? []) {
        if (threadOf(r.step) !== thread && (!r.shared || !action.acquire.shared)) byThread.set(threadOf(r.step), r.step);
      }
      for (const r of byThread.values()) edges.push({ from: r, to: i, kind: 'lock', object: action.acquire.lock });
    }
    if (action.release) releases.set(action.release.lock, [...(releases.get(action.release.lock) ?? []), { step: i, shared: action.release.shared }]);
  });
  for (const sync of syncs) {
    if (sync.end === undefined) continue;
    for (const section of sections) {
      if (section.thread === sync.thread || section.domain !== sync.domain || section.begin > sync.start || section.end === undefined) continue;
      edges.push({ from: section.end, to: sync.end, kind: 'gp', object: sync.domain, sectionBegin: section.begin, syncStart: sync.start });
    }
  }
  return edges;
}

/** A chain from step `from` to step `to` with the fewest edges between CPUs (0-1 BFS); undefined when none. */
export function chainBetween(edges: readonly HbEdge[], stepCount: number, from: number, to: number): HbEdge[] | undefined {
  const out = new Map<number, HbEdge[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e]);
  const cost = new Array<number>(stepCount).fill(Infinity);
  const via = new Array<HbEdge | undefined>(stepCount);
  const deque: number[] = [from];
  cost[from] = 0;
  while (deque.length > 0) {
    const node = deque.shift()!;
    for (const e of out.get(node) ?? []) {
      const w = e.kind === 'po' ? 0 : 1;
      if (cost[node]! + w >= cost[e.to]!) continue;
      cost[e.to] = cost[node]! + w;
      via[e.to] = e;
      if (w === 0) deque.unshift(e.to);
      else deque.push(e.to);
    }
  }
  if (cost[to] === Infinity) return undefined;
  const chain: HbEdge[] = [];
  for (let node = to; node !== from;) {
    const e = via[node]!;
    chain.push(e);
    node = e.from;
  }
  return chain.reverse();
}

/** How a step reads in a reason: `CPU 1's srcu_read_unlock(&fw->srcu, idx) (line 24)`. */
export function stepText(scenario: Scenario, steps: readonly TracedStep[], index: number, withCpu = true): string {
  const step = steps[index]!;
  const instr = instrOf(scenario, step);
  const text = (instr?.kind === 'op' ? instr.call.text : instr?.text ?? '?').replace(/;$/, '');
  const where = instr ? ` (line ${instr.loc.line + 1})` : '';
  return `${withCpu ? `CPU ${step.transition.thread}'s ` : ''}${text}${where}`;
}

/** One edge between CPUs, as the rule that imposes it. */
export function describeEdge(scenario: Scenario, steps: readonly TracedStep[], edge: HbEdge): string {
  const at = (i: number): string => stepText(scenario, steps, i);
  const family = edge.object !== undefined ? scenario.objects.get(edge.object)?.family : undefined;
  switch (edge.kind) {
    case 'gp':
      return `${at(edge.sectionBegin!)} precedes ${at(edge.syncStart!)}, which waits for ${at(edge.from)}`;
    case 'rf': {
      if (family === 'completion') return `${at(edge.to)} passes only after ${at(edge.from)}`;
      const cell = steps[edge.from]!.after.objects[edge.object!];
      const value = cell?.kind === 'value' ? ` = ${renderValue(cell.value)}` : '';
      return `${at(edge.to)} reads ${edge.object}${value}, written by ${at(edge.from)}`;
    }
    case 'fr':
      if (family === 'completion') return `${at(edge.from)} passes before ${at(edge.to)} resets ${edge.object}`;
      return `${at(edge.from)} reads ${edge.object} before ${at(edge.to)} changes it`;
    case 'co':
      return `${at(edge.from)} writes ${edge.object} before ${at(edge.to)} does`;
    case 'lock':
      return `${at(edge.from)} releases ${edge.object} before ${at(edge.to)} takes it`;
    case 'po':
      return `${at(edge.from)} then ${stepText(scenario, steps, edge.to, false)}`;
  }
}
