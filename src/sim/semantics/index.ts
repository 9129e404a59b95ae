// Which module gives each primitive family its meaning.

import type { Family } from '../../model/types';
import { accessSemantics } from './access';
import { atomicSemantics } from './atomic';
import { completionSemantics } from './completion';
import { cpuSemantics } from './cpu';
import { crossCpuSemantics } from './crossCpu';
import { mutexSemantics } from './mutex';
import { readSideSemantics } from './readSide';
import { rwlockSemantics } from './rwlock';
import { rwsemSemantics } from './rwsem';
import { spinlockSemantics } from './spinlock';
import type { FamilySemantics } from './types';

/** Families whose operations touch nothing another CPU can see (checked on the thread itself). */
export const LOCAL_FAMILIES: ReadonlySet<Family> = new Set(['barrier', 'sleep', 'lockdep']);

const BY_FAMILY: Partial<Record<Family, FamilySemantics>> = {
  completion: completionSemantics,
  srcu: readSideSemantics,
  rcu: readSideSemantics,
  mutex: mutexSemantics,
  spinlock: spinlockSemantics,
  raw_spinlock: spinlockSemantics,
  rwlock: rwlockSemantics,
  rwsem: rwsemSemantics,
  percpu_rwsem: rwsemSemantics,
  cpu_hotplug: rwsemSemantics,
  irq: cpuSemantics,
  preempt: cpuSemantics,
  atomic: atomicSemantics,
  access: accessSemantics,
  cross_cpu: crossCpuSemantics,
};

export function semanticsOf(family: Family): FamilySemantics | undefined {
  return BY_FAMILY[family];
}

/** Families that spin rather than sleep while they wait. */
export const SPINNING_FAMILIES: ReadonlySet<Family> = new Set(['spinlock', 'raw_spinlock', 'rwlock', 'cross_cpu']);

/** The object state a family keeps. */
export function objectKindOf(family: Family): 'completion' | 'domain' | 'lock' | 'value' | undefined {
  switch (family) {
    case 'completion': return 'completion';
    case 'srcu': case 'rcu': return 'domain';
    case 'mutex': case 'spinlock': case 'raw_spinlock': case 'rwlock': case 'rwsem': case 'percpu_rwsem': case 'cpu_hotplug': return 'lock';
    case 'atomic': case 'access': return 'value';
    default: return undefined;
  }
}
