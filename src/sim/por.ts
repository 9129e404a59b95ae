// Partial-order reduction: which steps of different threads commute, and a
// persistent set per state (Godefroid, "Partial-Order Methods for the
// Verification of Concurrent Systems", ch. 4: stubborn sets by the conflict
// closure over each thread's *future* accesses).
//
// A footprint lists the parts of objects a step reads or writes. Parts:
// `whole` (a lock's owner, a counter's value), `self` (this thread's slot:
// its SRCU nesting, its rwlock read hold, its CPU's IRQ flag) and `all`
// (every thread's slot: a grace period reads every reader's nesting). Two
// steps of different threads conflict when they touch the same part of the
// same object and one writes. Cross-CPU operations look at every CPU's
// state, so they conflict with everything ('any').
//
// Steps the update-phase monitor observes also touch `mon:<domain>`: as
// `all` for updaters and `self` for readers, so every updater/reader pair of
// observed steps keeps its order while readers' steps still commute.

import type { Instr, Program } from './program';
import { successors } from './program';
import type { MonitorRole } from './properties';
import { LOCAL_FAMILIES } from './semantics';

export interface Access {
  object: string;
  slot: 'whole' | 'self' | 'all';
  write: boolean;
}

export type Footprint = readonly Access[] | 'any';

const read = (object: string, slot: Access['slot'] = 'whole'): Access => ({ object, slot, write: false });
const write = (object: string, slot: Access['slot'] = 'whole'): Access => ({ object, slot, write: true });

function opAccesses(instr: Extract<Instr, { kind: 'op' }>): Footprint {
  const { op } = instr;
  const id = op.object?.id;
  switch (op.family) {
    case 'cross_cpu': return 'any';
    case 'irq': case 'preempt': return [write('cpu', 'self')];
    case 'barrier': case 'sleep': case 'lockdep': return [];
    default: break;
  }
  if (id === undefined) return [];
  switch (op.family) {
    case 'srcu': case 'rcu':
      if (op.action === 'read_lock' || op.action === 'read_unlock') return [write(id, 'self')];
      return op.action === 'synchronize' ? [read(id, 'all')] : [];
    case 'rwlock': case 'rwsem': case 'percpu_rwsem': case 'cpu_hotplug':
      return op.mode === 'shared' ? [write(id, 'self'), read(id)] : [write(id), read(id, 'all')];
    case 'completion':
      return [op.action === 'done' ? read(id) : write(id)];
    case 'atomic': case 'access':
      return [op.action === 'read' || op.action === 'load' ? read(id) : write(id)];
    default:
      return [write(id)];
  }
}

/** What one instruction touches; locals-only instructions touch nothing. */
export function instrFootprint(instr: Instr, reads: readonly string[], roles: readonly MonitorRole[]): Footprint {
  let base: Footprint;
  if (instr.kind === 'op') base = opAccesses(instr);
  else if (instr.kind === 'access') base = [instr.access === 'store' ? write(instr.object) : read(instr.object)];
  else base = reads.map((id) => read(id));
  // A shared step that touches no object still ends its thread's run, which turns IRQs on and
  // answers IPIs (machine.ts): give it the CPU's own slot, which cross-CPU steps conflict with.
  if (base === 'any') return base;
  if (base.length === 0) return instr.kind === 'op' && !LOCAL_FAMILIES.has(instr.op.family) ? [write('cpu', 'self')] : base;
  const touched = new Set(base.map((a) => a.object));
  const monitor = roles.filter((r) => [...touched].some((id) => r.objects.has(id))).map((r) => write(`mon:${r.domain}`, r.updater ? 'all' : 'self'));
  return [...base, ...monitor];
}

const keyOf = (a: Access): string => `${a.object}|${a.slot}|${a.write ? 'w' : 'r'}`;

/** For each pc, everything the thread may still touch from there on (a backward fixpoint over the program). */
export function futureFootprints(program: Program, footprint: readonly Footprint[]): Footprint[] {
  const n = program.instrs.length;
  const future: (Map<string, Access> | 'any')[] = Array.from({ length: n }, () => new Map<string, Access>());
  let changed = true;
  while (changed) {
    changed = false;
    for (let pc = n - 1; pc >= 0; pc--) {
      const current = future[pc]!;
      if (current === 'any') continue;
      const own = footprint[pc] ?? [];
      const sources = [own, ...successors(program, pc).map((s) => future[s] ?? [])];
      const before = current.size;
      let any = false;
      for (const source of sources) {
        if (source === 'any') { any = true; break; }
        for (const a of source instanceof Map ? source.values() : source) current.set(keyOf(a), a);
      }
      if (any) { future[pc] = 'any'; changed = true; } else if (current.size !== before) changed = true;
    }
  }
  return future.map((f) => (f === 'any' ? 'any' : [...f.values()]));
}

function slotsOverlap(a: Access['slot'], b: Access['slot']): boolean {
  if (a === 'whole' || b === 'whole') return a === b;
  return a === 'all' || b === 'all'; // self/self of two different threads never overlap
}

/** Whether steps with these footprints, run by two different threads, may not commute. */
export function conflicts(a: Footprint, b: Footprint): boolean {
  if (a === 'any') return b === 'any' || b.length > 0;
  if (b === 'any') return a.length > 0;
  for (const x of a) {
    for (const y of b) {
      if (x.object === y.object && (x.write || y.write) && slotsOverlap(x.slot, y.slot)) return true;
    }
  }
  return false;
}

/** One thread's options in a state. */
export interface ThreadOptions {
  thread: number;
  /** The transitions it can take now (choices of a branch are several); empty when blocked. */
  enabled: number[];
  /** Its next step is a local choice: independent of everything and never disabled. */
  localChoice: boolean;
  next: Footprint;
  future: Footprint;
}

/**
 * A persistent set: threads whose transitions are explored from this state.
 * For a thread in the set, every other thread whose future may conflict with
 * its next step (enabled: might have to go first; blocked: might enable it)
 * is in the set too. Of the sets seeded by each enabled thread, the one with
 * fewest transitions wins.
 */
export function persistentThreads(options: readonly ThreadOptions[]): number[] {
  const local = options.find((o) => o.localChoice && o.enabled.length > 0);
  if (local) return [local.thread];
  let best: number[] | undefined;
  let bestSize = Infinity;
  for (const seed of options) {
    if (seed.enabled.length === 0) continue;
    const chosen = new Set([seed.thread]);
    const work = [seed];
    while (work.length > 0) {
      const u = work.pop()!;
      for (const v of options) {
        if (chosen.has(v.thread) || !conflicts(u.next, v.future)) continue;
        chosen.add(v.thread);
        work.push(v);
      }
    }
    const size = options.filter((o) => chosen.has(o.thread)).reduce((sum, o) => sum + o.enabled.length, 0);
    if (size < bestSize) {
      best = [...chosen].sort((a, b) => a - b);
      bestSize = size;
      if (size === 1) break;
    }
  }
  return best ?? [];
}
