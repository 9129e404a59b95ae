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

import { evaluate, parseExpr, type Expr } from './expr';
import type { Instr, Program } from './program';
import { isBiasName, truth, type Value } from './values';
import { successors } from './program';
import type { MonitorRole } from './properties';
import { LOCAL_FAMILIES } from './semantics';

export interface Access {
  object: string;
  slot: 'whole' | 'self' | 'all';
  write: boolean;
  /**
   * Writes with the same tag commute with each other: atomic additions
   * without a result (a + x + y either way, unknowns stay unknown), and
   * atomic_inc_unless_negative() with itself (it fails exactly when the
   * counter is negative, which another such increment never changes).
   */
  commutes?: 'add' | 'inc_unless_negative' | 'dec_unless_positive';
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
    case 'atomic':
      if (op.action === 'add' || op.action === 'sub') return [{ ...write(id), commutes: 'add' }];
      if (op.action === 'inc_unless_negative' || op.action === 'dec_unless_positive') return [{ ...write(id), commutes: op.action }];
      return [op.action === 'read' ? read(id) : write(id)];
    case 'access':
      return [op.action === 'load' ? read(id) : write(id)];
    default:
      return [write(id)];
  }
}

/**
 * Whether running the instruction may abandon the execution: a loop test or
 * a backward goto at its bound (machine.ts's `cut`). Abandoning stops every
 * thread, so it disables every other thread's steps: it conflicts with
 * everything, or a persistent set could run it first and lose what the other
 * threads reach before it in other orders.
 */
export function mayCut(instr: Instr): boolean {
  return (instr.kind === 'jump' && instr.counter !== undefined) || (instr.kind === 'loopTest' && instr.cond?.kind !== 'opaque');
}

/** What one instruction touches; locals-only instructions touch nothing. */
export function instrFootprint(instr: Instr, reads: readonly string[], roles: readonly MonitorRole[]): Footprint {
  if (mayCut(instr)) return 'any';
  let base: Footprint;
  if (instr.kind === 'op') base = opAccesses(instr);
  else if (instr.kind === 'access') base = [instr.access === 'store' ? write(instr.object) : read(instr.object)];
  else base = reads.map((id) => read(id));
  // A shared step that touches no object still ends its thread's run, which turns IRQs on and
  // answers IPIs (machine.ts): give it the CPU's own slot, which cross-CPU steps conflict with.
  if (base === 'any') return base;
  if (base.length === 0) return instr.kind === 'op' && !LOCAL_FAMILIES.has(instr.op.family) ? [write('cpu', 'self')] : base;
  const monitor = roles.filter((r) => monitorVisible(instr, reads, r)).map((r) => write(`mon:${r.domain}`, r.updater ? 'all' : 'self'));
  return monitor.length > 0 ? [...base, ...monitor] : base;
}

/**
 * Whether a step can change whether the update-phase exclusion holds
 * (properties.ts): a reader entering or leaving the read side or checking
 * its guard, an updater's synchronize returning or its update ending. An
 * updater publishing its guard cannot: it moves its phase from idle or ended
 * to "published", never to or from "exclusive", so it needs no ordering
 * against readers beyond what the data it touches already gives.
 */
function monitorVisible(instr: Instr, reads: readonly string[], role: MonitorRole): boolean {
  const guard = (id: string | undefined): boolean => id !== undefined && id !== role.domain && role.objects.has(id);
  // Readers' events are visible for every role (monitorRoles gives a thread that reads and updates
  // one role, with `updater` set); updaters' only when the role updates.
  const updater = role.updater;
  if (reads.some(guard)) return true;
  if (instr.kind === 'access') return guard(instr.object) && (instr.access === 'load' || (updater && constantTruth(instr.value) !== true));
  if (instr.kind !== 'op' || !instr.op.object) return false;
  const { op } = instr;
  const id = op.object!.id;
  if (id === role.domain) return op.action === 'read_lock' || op.action === 'read_unlock' || (updater && op.action === 'synchronize');
  if (!guard(id)) return false;
  switch (op.family) {
    case 'completion': return op.action === 'wait' || op.action === 'try_wait' || (updater && op.action === 'complete_all');
    case 'access': return op.action === 'load' || (updater && op.action === 'store' && constantTruth(op.operand !== undefined ? parseExpr(op.operand) : undefined) !== true);
    case 'atomic': return op.action === 'inc_unless_negative' || op.action === 'add_unless' || (updater && (op.action === 'sub' || op.action === 'sub_return') && isBiasName(op.operand ?? ''));
    default: return false;
  }
}

const CONSTANTS = { name: (n: string): Value => (n === 'true' ? 1 : n === 'false' || n === 'NULL' ? 0 : null), path: () => null, call: () => null };

/** properties.ts's reading of a stored value: a constant's truth, or unknown. */
function constantTruth(expr: Expr | undefined): boolean | null {
  return expr ? truth(evaluate(expr, CONSTANTS)) : null;
}

const keyOf = (a: Access): string => `${a.object}|${a.slot}|${a.write ? 'w' : 'r'}|${a.commutes ?? ''}`;

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

/**
 * What a transition starting at each pc touches: its own instruction and
 * the local instructions it runs up to the next shared one (machine.ts runs
 * them in the same transition). Local instructions touch nothing, unless
 * they may abandon the execution.
 */
export function transitionFootprints(program: Program, footprint: readonly Footprint[], shared: readonly boolean[]): Footprint[] {
  return program.instrs.map((_, pc) => {
    const own = footprint[pc] ?? [];
    if (own === 'any') return own;
    const seen = new Set<number>();
    const work = successors(program, pc);
    while (work.length > 0) {
      const at = work.pop()!;
      if (seen.has(at) || shared[at]) continue;
      seen.add(at);
      if (footprint[at] === 'any') return 'any';
      work.push(...successors(program, at));
    }
    return own;
  });
}

/** A thread's footprint tables, refined with what the scenario's options say. */
export interface FootprintTables {
  /** Per pc: what a transition from there touches (its local run included). */
  next: Footprint[];
  /** Per pc: everything the thread may still touch. */
  future: Footprint[];
  /** Per pc of a completion wait: the footprint when the completion is done for all (the wait only reads it). */
  waitDone: (Footprint | undefined)[];
}

/**
 * The tables the explorer uses. A kvm_make_all_cpus_request() that does not
 * wait only sends requests (semantics/crossCpu.ts): it touches no other CPU,
 * so it is not the 'any' of the cross-CPU operations that wait.
 */
export function footprintTables(program: Program, footprint: readonly Footprint[], shared: readonly boolean[], kickWaits: boolean): FootprintTables {
  const refined = program.instrs.map((instr, pc) => {
    if (instr.kind !== 'op' || instr.op.action !== 'kick' || kickWaits || instr.call.args.some((a) => /WAIT/.test(a))) return footprint[pc] ?? [];
    return [write('cpu', 'self')];
  });
  const next = transitionFootprints(program, refined, shared);
  const waitDone = program.instrs.map((instr, pc) => {
    const own = next[pc];
    if (instr.kind !== 'op' || instr.op.family !== 'completion' || instr.op.action !== 'wait' || own === 'any' || !own) return undefined;
    const id = instr.op.object?.id;
    return own.map((a) => (a.object === id ? { ...a, write: false } : a));
  });
  return { next, future: futureFootprints(program, refined), waitDone };
}

function slotsOverlap(a: Access['slot'], b: Access['slot']): boolean {
  if (a === 'whole' || b === 'whole') return a === b;
  return a === 'all' || b === 'all'; // self/self of two different threads never overlap
}

/** Conflicts between footprint arrays already decided (footprints are per-pc tables, so their identities repeat). */
const DECIDED = new WeakMap<readonly Access[], WeakMap<readonly Access[], boolean>>();

/** Whether steps with these footprints, run by two different threads, may not commute. */
export function conflicts(a: Footprint, b: Footprint): boolean {
  if (a === 'any') return b === 'any' || b.length > 0;
  if (b === 'any') return a.length > 0;
  let row = DECIDED.get(a);
  if (!row) DECIDED.set(a, row = new WeakMap());
  let known = row.get(b);
  if (known === undefined) row.set(b, known = accessesConflict(a, b));
  return known;
}

function accessesConflict(a: readonly Access[], b: readonly Access[]): boolean {
  for (const x of a) {
    for (const y of b) {
      if (x.object === y.object && (x.write || y.write) && slotsOverlap(x.slot, y.slot) && !(x.commutes !== undefined && x.commutes === y.commutes)) return true;
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
  /**
   * When blocked: threads of which one must move before it can go on (a
   * necessary enabling set: one holder of the lock it waits for, one reader
   * its grace period waits for, every thread that may complete its
   * completion). Absent: every thread whose future conflicts with its step.
   */
  enablers?: number[];
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
  // Sets of options as bit masks (a scenario has a handful of CPUs); conflicts computed once per pair.
  // A blocked thread in the set brings the threads that may enable it (Godefroid, ch. 4: the
  // transitions that can make a disabled transition enabled); an enabled one, those that may conflict.
  const m = options.length;
  // More CPUs than a mask has bits: every thread (no reduction, still exhaustive).
  if (m > 30) return options.map((o) => o.thread);
  const reaches = new Array<number>(m).fill(0);
  for (let u = 0; u < m; u++) {
    const o = options[u]!;
    if (o.enabled.length === 0 && o.enablers) {
      for (let v = 0; v < m; v++) if (o.enablers.includes(options[v]!.thread)) reaches[u]! |= 1 << v;
      continue;
    }
    for (let v = 0; v < m; v++) if (u !== v && conflicts(o.next, options[v]!.future)) reaches[u]! |= 1 << v;
  }
  let best = 0;
  let bestSize = Infinity;
  for (let seed = 0; seed < m; seed++) {
    if (options[seed]!.enabled.length === 0) continue;
    let chosen = 1 << seed;
    let frontier = chosen;
    while (frontier !== 0) {
      const u = 31 - Math.clz32(frontier);
      frontier &= ~(1 << u);
      const added = reaches[u]! & ~chosen;
      chosen |= added;
      frontier |= added;
    }
    let size = 0;
    for (let v = 0; v < m; v++) if (chosen & (1 << v)) size += options[v]!.enabled.length;
    if (size < bestSize) {
      best = chosen;
      bestSize = size;
      if (size === 1) break;
    }
  }
  const threads: number[] = [];
  for (let v = 0; v < m; v++) if (best & (1 << v)) threads.push(options[v]!.thread);
  return threads.sort((a, b) => a - b);
}
