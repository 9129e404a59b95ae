// What a call does to the locks RL008 follows: take, release, or assert held.
// Built from the call's SyncOp here; balance.ts adds the effects of calls to
// lock wrappers (`kvm_lock_all()`), which have no op of their own.

import type { Family, ObjectRef, SyncOp } from '../model/types';
import { conditionalSuccess, type Success } from './conditionalAcquire';

export interface LockEffect {
  action: 'acquire' | 'release' | 'assert';
  object: ObjectRef;
  family: Family;
  mode: 'exclusive' | 'shared' | 'recursive-read';
  primitive: string;
  /** guard()/scoped_guard(): the compiler releases it, whatever the path. */
  scoped: boolean;
  /** Inserted by the reader (a guard's release at scope end). */
  implicit: boolean;
  /** A conditional acquire: which return value means it was taken. */
  success?: Success;
  /** The wrapper the effect comes through, when it is not a primitive. */
  via?: string;
}

const LOCK_FAMILIES: ReadonlySet<Family> = new Set<Family>(['mutex', 'spinlock', 'raw_spinlock', 'rwlock', 'rwsem', 'percpu_rwsem', 'cpu_hotplug']);
const READ_SIDES: ReadonlySet<Family> = new Set<Family>(['srcu', 'rcu']);

/** The effect of a primitive, if it takes, releases or asserts a lock or read-side section. */
export function opEffect(op: SyncOp): LockEffect | undefined {
  const object = op.object;
  // downgrade_write() keeps the rwsem held (as a reader): the up_read() that follows releases it.
  if (!object || op.primitive === 'downgrade_write') return undefined;
  const base = { object, family: op.family, primitive: op.primitive, scoped: op.scoped === true, implicit: op.implicit === true };
  if (op.action === 'assert_held') return { ...base, action: 'assert', mode: 'exclusive' };
  if (LOCK_FAMILIES.has(op.family) && (op.action === 'acquire' || op.action === 'try_acquire')) {
    const success = conditionalSuccess(op);
    return { ...base, action: 'acquire', mode: op.mode === 'shared' ? 'shared' : 'exclusive', ...(success ? { success } : {}) };
  }
  if (LOCK_FAMILIES.has(op.family) && op.action === 'release') return { ...base, action: 'release', mode: op.mode === 'shared' ? 'shared' : 'exclusive' };
  if (READ_SIDES.has(op.family) && op.action === 'read_lock') return { ...base, action: 'acquire', mode: 'recursive-read' };
  if (READ_SIDES.has(op.family) && op.action === 'read_unlock') return { ...base, action: 'release', mode: 'recursive-read' };
  return undefined;
}

/**
 * Identity of a lock inside one function: the text as written (so
 * `&vcpus[i]->mutex` and `&vcpus[j]->mutex` stay apart), or the class for
 * objects no argument names (`rcu_read_lock()` and `rcu_read_unlock()`).
 */
export function objectKey(object: ObjectRef): string {
  if (/^\w+\(\)$/.test(object.text)) return `=${object.id}`;
  return object.text.replace(/\s+/g, '').replace(/^&/, '');
}

/** Names of functions outside the model that may release a lock, or end a read side. */
const RELEASING_NAME = /unlock|release|(?:^|_)put(?:_|$)|drop|leave|exit|finish|(?:^|_)done|(?:^|_)up(?:_|$)|(?:^|_)end(?:_|$)/i;
/** ... that may take one. */
const ACQUIRING_NAME = /lock|acquire|(?:^|_)get(?:_|$)|grab|enter|begin|start|(?:^|_)down(?:_|$)/i;
/** ... that may turn IRQs, bottom halves or preemption back on. */
const ENABLING_NAME = /enable|restore|unlock/i;

export function mayReleaseByName(name: string): boolean {
  return RELEASING_NAME.test(name);
}

export function mayAcquireByName(name: string): boolean {
  return ACQUIRING_NAME.test(name);
}

export function mayEnableByName(name: string): boolean {
  return ENABLING_NAME.test(name);
}
