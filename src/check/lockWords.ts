// How the context checks (RL006-RL008) name locks and lines in their
// messages: the object as written, its kind, and the class it was identified
// as, so a reviewer can check the identification.

import type { Family, ObjectRef } from '../model/types';

const FAMILY_WORDS: Partial<Record<Family, string>> = {
  spinlock: 'spinlock',
  raw_spinlock: 'raw spinlock',
  rwlock: 'rwlock',
  mutex: 'mutex',
  rwsem: 'rw_semaphore',
  percpu_rwsem: 'percpu rw_semaphore',
  cpu_hotplug: 'CPU hotplug lock',
  srcu: 'SRCU read-side section',
  rcu: 'RCU read-side section',
};

/** `spinlock`, `rwlock (read)`, ... */
export function kindOf(family: Family, mode?: 'exclusive' | 'shared' | 'recursive-read'): string {
  const word = FAMILY_WORDS[family] ?? family;
  if (family === 'rwlock' || family === 'rwsem' || family === 'percpu_rwsem') return `${word} (${mode === 'shared' ? 'read' : 'write'})`;
  return word;
}

/** "spinlock `dev->lock` (class `dev.lock`: member `lock` of `dev` in `&dev->lock`)". */
export function describeLock(object: ObjectRef, family: Family, mode?: 'exclusive' | 'shared' | 'recursive-read'): string {
  if (family === 'rcu') return `an ${kindOf(family)} (\`${object.id}\`, ${object.identifiedBy})`;
  return `${kindOf(family, mode)} \`${written(object)}\` (class \`${object.id}\`: ${object.identifiedBy})`;
}

/** The object as the code writes it, without the address-of: `dev->lock`. */
export function written(object: ObjectRef): string {
  return object.text.replace(/^&\s*/, '');
}

const READ_SIDE: ReadonlySet<Family> = new Set<Family>(['rcu', 'srcu']);

/** "held" for locks, "open" for read-side sections. */
export function heldWord(family: Family): string {
  return READ_SIDE.has(family) ? 'open' : 'held';
}

/** "release" for locks, "end" for read-side sections. */
export function releaseWord(family: Family): string {
  return READ_SIDE.has(family) ? 'end' : 'release';
}

/** A related location's words for an acquire: "`dev->lock` taken here", "RCU read-side section begins here (rcu_read_lock())". */
export function takenHere(object: ObjectRef, family: Family, primitive: string): string {
  if (family === 'rcu') return `RCU read-side section begins here (${primitive}())`;
  if (family === 'srcu') return `\`${written(object)}\` read-side section begins here (${primitive}())`;
  return `\`${written(object)}\` taken here`;
}
