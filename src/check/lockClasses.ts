// Lock classes as lockdep's dependency graph sees them. The model names an
// object by its access path (`kvm.lock`); lockdep refines that in two ways a
// lock-order check must respect, or it reports nesting the kernel annotated:
//
//  - `_nested` acquires carry a subclass: `mutex_lock_nested(&x, SINGLE_DEPTH_NESTING)`
//    takes class `kvm.lock/1`, a different node than `kvm.lock` (subclass 0).
//  - `lockdep_set_class(&x, &key)` gives one lock instance its own class, named
//    after the key. Lockdep keys stick to the instance for its whole life and a
//    class must not change while the lock is held, so set_class is in practice
//    an init-time statement. We therefore apply it program-wide, not from a
//    point of the walk on: every acquire of the same instance — same model class
//    and the same text as written (`&mirror->kvm->lock`) — takes the key's class,
//    in every function. Instances written differently elsewhere (another
//    variable name) keep the path class; that is the limit of matching by text.

import { forEachCall } from '../model/callGraph';
import type { CallStmt, Family, FileModel, ObjectRef, SourceLoc, Stmt } from '../model/types';
import { perFile } from './memo';

/** A lock class: a node of the dependency graph. */
export interface LockClass {
  /** Unique key and display name: `kvm.lock`, `kvm.lock/1`, `mirror_vm_lock_key`. */
  name: string;
  /** The model's class of the object (the path class, before set_class). */
  objectId: string;
  /** An SRCU or RCU domain: its readers are recursive and synchronize waits for them. */
  domain: boolean;
  /** The lockdep subclass, when not 0 (`1` for SINGLE_DEPTH_NESTING). */
  subclass?: string;
  /** Where lockdep_set_class gave this instance its class, when it did. */
  setBy?: { text: string; loc: SourceLoc };
}

interface ClassOverride {
  key: string;
  subclass?: string;
  text: string;
  loc: SourceLoc;
}

/** SRCU and RCU domains: readers never block each other; synchronize waits for all of them. */
export function isDomainFamily(family: Family): boolean {
  return family === 'srcu' || family === 'rcu';
}

/** Lockdep subclass numbers; symbolic ones other than these are kept as written. */
function subclassName(subclass: string | undefined): string | undefined {
  const written = subclass?.replace(/\s+/g, '');
  if (written === undefined || written === '' || written === '0') return undefined;
  return written === 'SINGLE_DEPTH_NESTING' ? '1' : written;
}

function instanceKey(object: ObjectRef): string {
  return `${object.id}|${object.text.replace(/\s+/g, '').replace(/^&/, '')}`;
}

/** Every call in every function, notes-nested bodies included. */
function forEachCallDeep(body: readonly Stmt[], visit: (call: CallStmt) => void): void {
  forEachCall(body, (call) => {
    visit(call);
    if (call.body) forEachCallDeep(call.body, visit);
  });
}

/** The set_class calls of one file, in order (read once per file model). */
const overridesIn = perFile((file: FileModel): [string, ClassOverride][] => {
  const found: [string, ClassOverride][] = [];
  for (const fn of file.functions) {
    if (fn.origin === 'patch-pre') continue; // the pre-patch text no longer runs
    forEachCallDeep(fn.body, (call) => {
      const op = call.op;
      if (op?.action !== 'set_class' || !op.object || !op.operand) return;
      const key = op.operand.replace(/\s+/g, '').replace(/^&/, '');
      const override: ClassOverride = { key, text: call.text, loc: call.loc };
      if (op.subclass !== undefined) override.subclass = op.subclass;
      found.push([instanceKey(op.object), override]);
    });
  }
  return found;
});

/** Names the class each acquisition takes, with the workspace's set_class calls applied. */
export class LockClassNamer {
  private readonly overrides = new Map<string, ClassOverride>();
  /**
   * Every override, as text: classes named by one namer are valid for
   * another with the same signature (results cached across edits use it).
   */
  readonly signature: string;

  constructor(files: readonly FileModel[]) {
    for (const [instance, override] of files.flatMap(overridesIn)) {
      // The first set_class of an instance wins; a second one is a re-init.
      if (!this.overrides.has(instance)) this.overrides.set(instance, override);
    }
    this.signature = JSON.stringify([...this.overrides]);
  }

  /** The class of `object` acquired by a primitive of `family` (with a `_nested` subclass, if any). */
  classOf(object: ObjectRef, family: Family, subclass?: string): LockClass {
    const domain = isDomainFamily(family);
    const override = domain ? undefined : this.overrides.get(instanceKey(object));
    const base = override?.key ?? object.id;
    const sub = subclassName(subclass ?? override?.subclass);
    const lockClass: LockClass = { name: sub ? `${base}/${sub}` : base, objectId: object.id, domain };
    if (sub) lockClass.subclass = sub;
    if (override) lockClass.setBy = { text: override.text, loc: override.loc };
    return lockClass;
  }
}
