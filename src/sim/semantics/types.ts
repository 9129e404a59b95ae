// What every primitive family's module provides: whether a thread's operation
// must wait now (and for what), and what running it does. Modules read and
// write only the operation's own object and the calling CPU's state, except
// the cross-CPU family, which looks at every CPU.

import type { CallStmt, SyncOp } from '../../model/types';
import type { Draft, Holder, SimState } from '../state';
import type { Value } from '../values';

/** What a blocked thread waits for; deadlock reports are written from this. */
export type Wait =
  | { kind: 'lock'; object: string; mode: 'shared' | 'exclusive'; holders: Holder[]; self: boolean }
  | { kind: 'completion'; object: string }
  /** The read-side sections (thread, pc where each began) a grace period still waits for. */
  | { kind: 'grace-period'; object: string; readers: Holder[]; self: boolean }
  /** CPUs that have not run the IPI callback: each with the pc that disabled its IRQs. */
  | { kind: 'ipi'; cpus: Holder[] }
  /** CPUs stop_machine cannot stop yet: each with why (IRQs off, preemption off, spinning). */
  | { kind: 'stop-machine'; cpus: { thread: number; why: string }[] };

/** The scenario as the semantics see it. */
export interface World {
  readonly threadCount: number;
  /** kvm_make_all_cpus_request() waits for the vCPUs (KVM_REQUEST_WAIT) in every case. */
  readonly kickWaits: boolean;
  /** The thread is busy-waiting in an operation (a spin lock, an IPI wait): not preemptible. */
  spinning(state: SimState, thread: number): boolean;
  /** Evaluates an argument as the thread sees it (locals, constants, biases). */
  value(state: SimState, thread: number, text: string | undefined): Value;
}

export interface OpView {
  readonly world: World;
  readonly state: SimState;
  readonly thread: number;
  readonly pc: number;
  readonly op: SyncOp;
  readonly call: CallStmt;
  /** 0 when the operation starts, 1 when a two-part operation resumes. */
  readonly phase: number;
}

export interface OpRun extends OpView {
  readonly draft: Draft;
}

export interface OpResult {
  /** The call's return value, for `x = f()` and for conditions on `f()`. */
  value?: Value;
  /** A short explanation for the witness: "no read-side section open: returns at once". */
  note?: string;
  /** The operation has started and now waits (a grace period, an IPI); the thread stays on it. */
  waiting?: boolean;
  /** A misuse the kernel would warn about (unlock of a lock not held, IPI with IRQs off). */
  problem?: string;
}

export interface FamilySemantics {
  /** Why the operation cannot run now; null when it can. Must not change anything. */
  blockedOn(view: OpView): Wait | null;
  run(run: OpRun): OpResult;
}

export const NEVER_BLOCKS = (): Wait | null => null;
