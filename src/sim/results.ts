// What a simulation reports. Every finding carries a witness: the schedule
// that reproduces it and the steps it takes, with source locations.

import type { SourceLoc } from '../model/types';
import type { Wait } from './semantics/types';

/** One executed line of a thread, as a witness shows it. */
export interface TraceLine {
  text: string;
  loc: SourceLoc;
  /** Nesting under the entry point: 0 is the entry line, 1 its body, 2 a callee's body... */
  depth: number;
  /** Calls print with `->`, the target of an indirect call with `=>`, statements with neither. */
  kind: 'entry' | 'call' | 'dispatch' | 'stmt';
  note?: string;
}

export interface WitnessStep {
  index: number;
  thread: number;
  /** Each thread runs on its own CPU; the CPU number is the thread id. */
  cpu: number;
  /** What the step does, e.g. `synchronize_srcu(&fw->srcu)`, or `assume (unsigned long)data == 0`. */
  action: string;
  loc: SourceLoc;
  /** Functions active at the step, entry first. */
  stack: readonly string[];
  /** The lines the step executes: the operation and the local lines up to the thread's next operation. */
  lines: TraceLine[];
  note?: string;
  /** The objects the step touched, rendered after it: `fw.completion: not done`. */
  objects: Record<string, string>;
}

export interface ThreadLabel {
  thread: number;
  cpu: number;
  entry: string;
  /** `kvm_vm_ioctl` or `kvm_vm_ioctl#2` when an entry runs on several CPUs. */
  label: string;
}

export interface Witness {
  /** Compact schedule (see schedule.ts); replaySchedule() turns it back into these steps. */
  schedule: string;
  threads: ThreadLabel[];
  steps: WitnessStep[];
  /** Threads that end the witness blocked: the lines they have run unseen and the operation they wait in. */
  blocked: { thread: number; lines: TraceLine[] }[];
}

export interface BlockedThread {
  thread: number;
  label: string;
  /** The operation it is stuck in. */
  action: string;
  loc: SourceLoc;
  wait: Wait;
  /** In words: "waits for kvm.lock, held by CPU 1 (kvm_vm_ioctl_set_memory_region) since line 12". */
  waitsFor: string;
  /** Who holds what it waits for, with where they took it. */
  heldBy: { thread: number; label: string; what: string; loc?: SourceLoc }[];
}

export interface DeadlockReport {
  /** `deadlock`: the blocked threads wait for each other (or a thread for itself). `stuck`: they wait for something no live thread will provide. */
  kind: 'deadlock' | 'stuck';
  summary: string;
  threads: BlockedThread[];
  witness: Witness;
}

export interface ViolationReport {
  property: 'update-phase-exclusion' | 'sleep-in-atomic' | 'misuse';
  summary: string;
  loc: SourceLoc;
  threads: number[];
  witness: Witness;
}

export interface OutcomeReport {
  /** Stable text of the end state, e.g. `reload_store: ret = -EBUSY | kvm_vm_ioctl: ret = 0 | nr_running_td = 1`. */
  key: string;
  threads: { thread: number; label: string; ret: string }[];
  values: Record<string, string>;
  /** Properties broken on the way to this end state (`update-phase exclusion on fw.srcu`): the same end state reached cleanly is another outcome. */
  after: string[];
  witness: Witness;
}

export interface BoundHit {
  /** `retry`: a loop or backward goto still wanted to go round at the bound; the execution was abandoned there. `unrolled`: a loop whose condition is unknown was cut at the bound. */
  kind: 'retry' | 'unrolled';
  summary: string;
  loc: SourceLoc;
  thread: number;
  witness: Witness;
}

export interface SimStats {
  /** Complete runs explored (to an end state, a deadlock or an abandoned retry). */
  executions: number;
  /** Distinct states visited. */
  states: number;
  transitions: number;
  /** Transitions not taken: `cached` states already explored, `sleeping` (sleep sets), `persistent` (outside the persistent set). */
  pruned: { total: number; cached: number; sleeping: number; persistent: number };
  ms: number;
  /** A loop bound, the depth bound or the state bound cut something: exhaustive only within bounds. */
  boundHit: boolean;
  /** Exploration stopped early: cancelled, out of time or out of states. */
  stopped?: 'cancelled' | 'budget' | 'states';
}

export interface SimResult {
  stats: SimStats;
  deadlocks: DeadlockReport[];
  violations: ViolationReport[];
  outcomes: OutcomeReport[];
  boundHits: BoundHit[];
}
