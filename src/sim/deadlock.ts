// Explains an end state in which some threads can never run again: for each
// blocked thread, what it waits for, who holds that and since which line.
// Blocked threads that wait for each other (through locks, grace periods,
// IPIs, stop_machine) form a deadlock; threads waiting for something no live
// thread will ever provide (a completion nobody completes, a lock whose
// owner has returned) are "stuck".

import type { SourceLoc } from '../model/types';
import type { Machine } from './machine';
import type { Scenario } from './scenario';
import type { Wait } from './semantics/types';
import type { SimState } from './state';
import type { BlockedThread } from './results';

function locAt(scenario: Scenario, thread: number, pc: number): SourceLoc | undefined {
  return pc >= 0 ? scenario.threads[thread]?.info.program.instrs[pc]?.loc : undefined;
}

const lineOf = (loc: SourceLoc | undefined): string => (loc ? `line ${loc.line + 1}` : 'an unknown line');

export function cpuName(scenario: Scenario, thread: number): string {
  return `CPU ${thread} (${scenario.threads[thread]?.label ?? '?'})`;
}

/** Running threads whose code from their current pc on completes `object`. */
function wouldComplete(scenario: Scenario, state: SimState, object: string): { thread: number; pc: number }[] {
  const found: { thread: number; pc: number }[] = [];
  state.threads.forEach((t, thread) => {
    if (t.status !== 'running') return;
    const instrs = scenario.threads[thread]!.info.program.instrs;
    const pc = instrs.findIndex((i, at) => at >= t.pc && i.kind === 'op' && i.op.family === 'completion' && (i.op.action === 'complete' || i.op.action === 'complete_all') && i.op.object?.id === object);
    if (pc >= 0) found.push({ thread, pc });
  });
  return found;
}

/** What a wait is, in words, and the threads it depends on. */
export function explainWait(scenario: Scenario, state: SimState, thread: number, wait: Wait): Pick<BlockedThread, 'waitsFor' | 'heldBy'> {
  const cpu = (t: number): string => cpuName(scenario, t);
  const label = (t: number): string => scenario.threads[t]?.label ?? '?';
  switch (wait.kind) {
    case 'lock': {
      const heldBy = wait.holders.map(([t, pc]) => {
        const loc = locAt(scenario, t, pc);
        const what = pc < 0 ? `queued to write ${wait.object}` : `holds ${wait.object} since ${lineOf(loc)}${state.threads[t]?.status === 'done' ? ' and has returned without releasing it' : ''}`;
        return { thread: t, label: label(t), what, ...(loc ? { loc } : {}) };
      });
      const who = wait.self ? 'which it already holds or is queued behind itself: recursive locking'
        : `held by ${heldBy.map((h) => `${cpu(h.thread)} since ${lineOf(h.loc)}`).join(', ')}`;
      return { waitsFor: `waits to take ${wait.object}${wait.mode === 'shared' ? ' for reading' : ''}, ${who}`, heldBy };
    }
    case 'completion': {
      const completers = wouldComplete(scenario, state, wait.object);
      const heldBy = completers.map(({ thread: t, pc }) => {
        const loc = locAt(scenario, t, pc);
        return { thread: t, label: label(t), what: `would complete ${wait.object} at ${lineOf(loc)} but is blocked first`, ...(loc ? { loc } : {}) };
      });
      const who = completers.length ? `which only ${completers.map((c) => cpu(c.thread)).join(', ')} would complete` : 'which no live thread completes on this path';
      return { waitsFor: `waits for ${wait.object}, ${who}`, heldBy };
    }
    case 'grace-period': {
      const heldBy = wait.readers.map(([t, pc]) => {
        const loc = locAt(scenario, t, pc);
        return { thread: t, label: label(t), what: `is inside a ${wait.object} read-side section begun at ${lineOf(loc)}`, ...(loc ? { loc } : {}) };
      });
      const who = wait.self ? `including its own, begun at ${lineOf(heldBy.find((h) => h.thread === thread)?.loc)}: synchronize inside its own read-side section`
        : heldBy.map((h) => `${cpu(h.thread)}'s, begun at ${lineOf(h.loc)}`).join(', ');
      return { waitsFor: `waits for a ${wait.object} grace period, which waits for the read-side sections that began before it: ${who}`, heldBy };
    }
    case 'ipi': {
      const heldBy = wait.cpus.map(([t, pc]) => {
        const loc = locAt(scenario, t, pc);
        return { thread: t, label: label(t), what: `has IRQs off since ${lineOf(loc)}, so it never takes the IPI`, ...(loc ? { loc } : {}) };
      });
      return { waitsFor: `waits for ${heldBy.map((h) => cpu(h.thread)).join(', ')} to run its cross-CPU callback; ${heldBy.map((h) => `${cpu(h.thread)} has IRQs off since ${lineOf(h.loc)}`).join('; ')}`, heldBy };
    }
    case 'stop-machine': {
      const heldBy = wait.cpus.map(({ thread: t, why }) => {
        const pc = state.threads[t]?.pc ?? -1;
        const loc = locAt(scenario, t, pc);
        return { thread: t, label: label(t), what: `cannot be stopped (${why}) at ${lineOf(loc)}`, ...(loc ? { loc } : {}) };
      });
      return { waitsFor: `stop_machine waits for ${heldBy.map((h) => `${cpu(h.thread)} (${h.what})`).join(', ')}`, heldBy };
    }
  }
}

/** Every blocked thread of a terminal state, and whether they form a deadlock. */
export function explainBlocked(scenario: Scenario, machine: Machine, state: SimState): { kind: 'deadlock' | 'stuck'; summary: string; threads: BlockedThread[] } {
  const threads: BlockedThread[] = [];
  state.threads.forEach((t, thread) => {
    if (t.status !== 'running') return;
    const wait = machine.waitOf(state, thread);
    const instr = scenario.threads[thread]!.info.program.instrs[t.pc];
    if (!wait || !instr) return;
    const action = instr.kind === 'op' ? instr.call.text : instr.text ?? instr.kind;
    threads.push({ thread, label: scenario.threads[thread]!.label, action, loc: instr.loc, wait, ...explainWait(scenario, state, thread, wait) });
  });
  const blocked = new Set(threads.map((b) => b.thread));
  const edges = new Map(threads.map((b) => [b.thread, b.wait.kind === 'lock' && b.wait.self ? [b.thread] : b.heldBy.map((h) => h.thread).filter((h) => blocked.has(h))]));
  const cyclic = threads.some((b) => reaches(edges, b.thread, b.thread));
  const summary = threads.map((b) => `${cpuName(scenario, b.thread)} at ${lineOf(b.loc)} ${b.waitsFor}`).join('; ');
  return { kind: cyclic ? 'deadlock' : 'stuck', summary, threads };
}

function reaches(edges: Map<number, number[]>, from: number, to: number): boolean {
  const seen = new Set<number>();
  const work = [...(edges.get(from) ?? [])];
  while (work.length > 0) {
    const t = work.pop()!;
    if (t === to) return true;
    if (seen.has(t)) continue;
    seen.add(t);
    work.push(...(edges.get(t) ?? []));
  }
  return false;
}
