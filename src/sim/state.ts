// The simulator's state: every thread (one per CPU) with its program counter,
// locals and CPU flags, and every modelled object. States are immutable
// values; a transition works on a Draft that copies only what it changes, and
// `stateKey` gives the canonical text the explorer caches states by.

import type { Value } from './values';

/** Who holds a lock: the thread and the pc of its acquire (for reports). */
export type Holder = readonly [thread: number, pc: number];

export type ObjectState =
  /** `done` counts complete() calls not yet consumed; `all` is complete_all() until the next init. */
  | { kind: 'completion'; done: number; all: boolean }
  /**
   * An SRCU or RCU domain. Per thread: read-side nesting depth, a generation
   * number that grows each time an outermost section begins (so a grace
   * period can tell "the section I saw" from a later one), and the pc where
   * the outermost section began.
   */
  | { kind: 'domain'; depth: number[]; gen: number[]; since: number[] }
  /** Any lock. A mutex or spinlock uses `writer` only; `queued` are writers waiting on an rwsem. */
  | { kind: 'lock'; writer: Holder | null; readers: Holder[]; queued: number[] }
  /** An atomic or a plain shared variable. */
  | { kind: 'value'; value: Value };

/** A thread waiting in the second half of a two-part operation. */
export type Pending =
  /** synchronize_srcu/rcu: the sections (thread, generation) that began before it. */
  | { kind: 'grace-period'; domain: string; waitFor: (readonly [number, number])[] }
  /** smp_call_function & co. with wait: which CPUs have run the callback. */
  | { kind: 'ipi'; answered: boolean[] }
  /** down_write on an rwsem with readers inside: queued, new readers wait behind it. */
  | { kind: 'queued-writer'; lock: string };

export interface ThreadState {
  pc: number;
  status: 'running' | 'done';
  /** 0 before an operation starts; 1 while a two-part operation waits (see `pending`). */
  phase: number;
  pending: Pending | null;
  /** Locals, parameters chosen, last call results (`()name`), loop counters (`#...`). */
  locals: Record<string, Value>;
  /** The entry point's return value, once it returns. */
  ret?: Value;
  /** This CPU's IRQ state, the pc that disabled IRQs (-1 when on), the local_irq_save stack. */
  irqOff: boolean;
  irqOffPc: number;
  irqSaved: boolean[];
  /** preempt_disable() depth plus spinlocks held (spin_lock disables preemption). */
  preempt: number;
}

/** The update-phase monitor (see properties.ts), per SRCU/RCU domain. */
export interface MonitorState {
  /** Per updater thread: 0 idle, 1 guard published, 2 exclusive phase (synchronize returned), 3 ended. */
  phase: Record<string, number[]>;
  /** Per reader thread: its latest guard check said "no update", since its last section ended. */
  passed: Record<string, boolean[]>;
  /** The exclusion has been broken at some point of this execution (sticky: outcomes say so). */
  violated: Record<string, boolean>;
}

export interface SimState {
  threads: ThreadState[];
  objects: Record<string, ObjectState>;
  monitor: MonitorState;
}

/** A thread's copy for a transition; its locals stay shared until written (Draft.locals). */
function cloneThread(t: ThreadState): ThreadState {
  // Field by field rather than a spread: one object shape for every copy, which V8 handles fastest.
  return {
    pc: t.pc, status: t.status, phase: t.phase, pending: clonePending(t.pending), locals: t.locals, ret: t.ret,
    irqOff: t.irqOff, irqOffPc: t.irqOffPc, irqSaved: t.irqSaved.length > 0 ? t.irqSaved.slice() : [], preempt: t.preempt,
  };
}

function clonePending(p: Pending | null): Pending | null {
  if (!p) return null;
  if (p.kind === 'grace-period') return { ...p, waitFor: p.waitFor.slice() };
  if (p.kind === 'ipi') return { ...p, answered: p.answered.slice() };
  return { ...p };
}

function cloneObject(o: ObjectState): ObjectState {
  switch (o.kind) {
    case 'completion': return { kind: 'completion', done: o.done, all: o.all };
    case 'domain': return { kind: 'domain', depth: o.depth.slice(), gen: o.gen.slice(), since: o.since.slice() };
    case 'lock': return { kind: 'lock', writer: o.writer, readers: o.readers.slice(), queued: o.queued.slice() };
    case 'value': return { kind: 'value', value: o.value };
  }
}

/** Copy-on-write view of a state for one transition. */
export class Draft {
  private readonly threads: ThreadState[];
  /** The base's record until an object is written, then this draft's copy. */
  private objects: Record<string, ObjectState>;
  private monitor: MonitorState;
  /** What this draft has copied already: threads and their locals by index, objects by id. */
  private readonly copiedThreads: boolean[] = [];
  private readonly copiedLocals: boolean[] = [];
  private copiedObjects: string[] | undefined;
  private monitorCopied = false;
  private snapshot: SimState | undefined;

  constructor(readonly base: SimState) {
    this.threads = base.threads.slice();
    this.objects = base.objects;
    this.monitor = base.monitor;
  }

  /** Some object of this kind, or the monitor, has been written: the update-phase exclusion may have changed. */
  get monitorMayChange(): boolean {
    return this.monitorCopied || (this.copiedObjects?.some((id) => this.objects[id]?.kind === 'domain') ?? false);
  }

  get threadCount(): number { return this.threads.length; }

  read(thread: number): ThreadState {
    const t = this.threads[thread];
    if (!t) throw new RangeError(`no thread ${thread}`);
    return t;
  }

  thread(thread: number): ThreadState {
    if (!this.copiedThreads[thread]) {
      this.threads[thread] = cloneThread(this.read(thread));
      this.copiedThreads[thread] = true;
    }
    return this.read(thread);
  }

  /** The thread's locals, to write: copied once per draft (states share them until then). */
  locals(thread: number): Record<string, Value> {
    const t = this.thread(thread);
    if (!this.copiedLocals[thread]) {
      t.locals = { ...t.locals };
      this.copiedLocals[thread] = true;
    }
    return t.locals;
  }

  readObject(id: string): ObjectState | undefined { return this.objects[id]; }

  object(id: string): ObjectState | undefined {
    const o = this.objects[id];
    if (o && !this.copiedObjects?.includes(id)) {
      if (!this.copiedObjects) {
        this.objects = { ...this.objects };
        if (this.snapshot) this.snapshot.objects = this.objects;
      }
      this.objects[id] = cloneObject(o);
      (this.copiedObjects ??= []).push(id);
    }
    return this.objects[id];
  }

  readMonitor(): MonitorState { return this.monitor; }

  writeMonitor(): MonitorState {
    if (!this.monitorCopied) {
      const phase: Record<string, number[]> = {};
      const passed: Record<string, boolean[]> = {};
      for (const domain in this.monitor.phase) phase[domain] = this.monitor.phase[domain]!.slice();
      for (const domain in this.monitor.passed) passed[domain] = this.monitor.passed[domain]!.slice();
      this.monitor = { phase, passed, violated: { ...this.monitor.violated } };
      this.monitorCopied = true;
      if (this.snapshot) this.snapshot.monitor = this.monitor;
    }
    return this.monitor;
  }

  /** A read-only snapshot of the draft as it stands (one object, kept up to date). */
  view(): SimState {
    return this.snapshot ??= { threads: this.threads, objects: this.objects, monitor: this.monitor };
  }

  finish(): SimState { return this.view(); }
}

/** Canonical text of a state: equal states, equal keys (object order is fixed by the scenario). */
export function stateKey(state: SimState): string {
  const parts: string[] = [];
  for (const t of state.threads) {
    const locals = Object.keys(t.locals).sort().map((k) => `${k}=${String(t.locals[k])}`).join(',');
    parts.push(`${t.pc}|${t.status}|${t.phase}|${t.pending ? JSON.stringify(t.pending) : ''}|${locals}|${String(t.ret)}|${t.irqOff ? 1 : 0}${t.irqOffPc}|${t.irqSaved.map(Number).join('')}|${t.preempt}`);
  }
  parts.push(JSON.stringify(state.objects), JSON.stringify(state.monitor));
  return parts.join('\n');
}
