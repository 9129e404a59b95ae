// Lockdep's dependency graph, built before anything runs: every root is walked
// with its callees inlined (contextWalk), and each blocking acquisition adds an
// edge from every lock held at that point (held across calls included) to the
// lock being acquired. Edges keep how the held lock is held and how the new one
// is taken, because lockdep's rule for recursive readers depends on both:
//
//  - srcu_read_lock / rcu_read_lock and read_lock are recursive readers;
//    down_read and friends are non-recursive readers;
//  - synchronize_srcu(S) / synchronize_rcu() acquire and release the domain in
//    write mode at once (lockdep's lock_sync), so they add edges held -> S but
//    never from S. srcu_barrier, rcu_barrier and cleanup_srcu_struct wait for
//    the same grace periods and are treated the same; lockdep does not annotate
//    them, which is why a static check should;
//  - trylocks never block, so they add no edges into them (locks held across
//    them still order the locks taken later, as in lockdep).
//
// Unlike lockdep, which links each new lock only to the most recent held lock
// and relies on transitivity, edges come from every held lock: with recursive
// readers in between, transitivity loses real dependencies (A held while C is
// taken across a read-held B), and a static graph can afford the extra edges.

import type { ObjectRef, SourceLoc } from '../model/types';
import { rootWalks, type Held, type OpEvent } from './contextWalk';
import type { CheckInput } from './input';
import { LockClassNamer, isDomainFamily, type LockClass } from './lockClasses';
import { perInput, RootMemo } from './memo';

/** How a lock is taken: lockdep's writer, reader, recursive reader, or synchronize. */
export type Acquisition = 'exclusive' | 'shared' | 'recursive-read' | 'sync';

/** One acquisition, as a finding shows it. */
export interface LockStep {
  lockClass: LockClass;
  object: ObjectRef;
  primitive: string;
  loc: SourceLoc;
  /** Functions from the root to the one making the call. */
  chain: readonly string[];
}

/** `from` was held (as `heldAs`) while `to` was acquired (as `acquiredAs`). */
export interface Dependency {
  from: LockClass;
  to: LockClass;
  heldAs: Held['mode'];
  acquiredAs: Acquisition;
  /** Where `from` was taken. */
  held: LockStep;
  /** Classes already held when `from` was taken, outermost first. */
  heldBefore: string[];
  /** Where `to` is taken (or synchronized on). */
  acquired: LockStep;
}

export interface LockGraph {
  /** Every distinct dependency, in the order the walk found it (roots in order, code in order). */
  dependencies: Dependency[];
}

/** Consolidated RCU: synchronize_rcu() and rcu_barrier() wait for readers of every flavour. */
const RCU_FLAVOURS = ['rcu', 'rcu_bh', 'rcu_sched'];

const SYNC_ACTIONS = new Set(['synchronize', 'barrier', 'cleanup']);

/** A reader (recursive or not) does not block another recursive reader: lockdep's "S" side. */
export function heldAsReader(mode: Held['mode']): boolean {
  return mode !== 'exclusive';
}

/** What an op acquires, or undefined when it blocks on no lock class. */
export function acquisitionOf(event: OpEvent): Acquisition | undefined {
  const { op } = event;
  if (!op.object) return undefined;
  if (op.action === 'read_lock') return 'recursive-read';
  if (SYNC_ACTIONS.has(op.action) && isDomainFamily(op.family)) return 'sync';
  // downgrade_write() keeps the rwsem it already holds: no new dependency.
  if (op.action !== 'acquire' || op.primitive === 'downgrade_write') return undefined;
  if (op.mode !== 'shared') return 'exclusive';
  // read_lock() readers are recursive, as lockdep has them in interrupt context and
  // without queued rwlocks. With queued rwlocks (x86, arm64) lockdep treats a
  // process-context read_lock() as non-recursive, since it queues behind a
  // waiting writer: a chain that needs that writer is not reported here.
  return op.family === 'rwlock' ? 'recursive-read' : 'shared';
}

const siteKey = (loc: SourceLoc, objectId: string): string => `${loc.file}:${loc.line}:${loc.col}|${objectId}`;

/** An acquire (a site classes are named at) or an op that blocks on a lock class. */
const SITE_ACTIONS = new Set(['try_acquire', 'acquire', 'read_lock']);
const acquires = (event: OpEvent): boolean =>
  event.op.object !== undefined && (SITE_ACTIONS.has(event.op.action) || acquisitionOf(event) !== undefined);

/** A dependency one root's walk found, with the key that makes it distinct. */
interface Found {
  key: string;
  dependency: Dependency;
}

/**
 * One root's dependencies, in walk order. A held lock was taken earlier in
 * the same walk, so the class of each acquire site is known by then.
 */
class RootDependencies {
  readonly found: Found[] = [];
  private readonly seen = new Set<string>();
  /** The class each acquire site took, so a held lock can be named with its subclass. */
  private readonly siteClasses = new Map<string, LockClass>();

  constructor(private readonly namer: LockClassNamer) {}

  visit(event: OpEvent): void {
    const { op, call } = event;
    if (!op.object) return;
    if (SITE_ACTIONS.has(op.action)) {
      this.siteClasses.set(siteKey(call.loc, op.object.id), this.namer.classOf(op.object, op.family, op.subclass));
    }
    const acquiredAs = acquisitionOf(event);
    if (!acquiredAs) return;
    for (const target of this.targetsOf(event, acquiredAs)) {
      const acquired: LockStep = { lockClass: target, object: op.object, primitive: op.primitive, loc: call.loc, chain: event.chain };
      event.before.held.forEach((held, index) => this.add(held, event.before.held.slice(0, index), acquired, acquiredAs));
    }
  }

  /** The classes an op blocks on: one, except synchronize_rcu()'s every RCU flavour. */
  private targetsOf(event: OpEvent, acquiredAs: Acquisition): LockClass[] {
    const object = event.op.object!;
    if (acquiredAs === 'sync' && event.op.family === 'rcu' && object.id === 'rcu') {
      return RCU_FLAVOURS.map((id) => this.namer.classOf({ ...object, id }, 'rcu'));
    }
    return [this.namer.classOf(object, event.op.family, event.op.subclass)];
  }

  private classOfHeld(held: Held): LockClass {
    return this.siteClasses.get(siteKey(held.loc, held.object.id)) ?? this.namer.classOf(held.object, held.family);
  }

  private add(held: Held, outer: readonly Held[], acquired: LockStep, acquiredAs: Acquisition): void {
    const from = this.classOfHeld(held);
    // lockdep's four edge types: whether `from` is read-held, whether `to` is a recursive read.
    const variant = `${heldAsReader(held.mode) ? 'S' : 'E'}${acquiredAs === 'recursive-read' ? 'R' : 'N'}`;
    const key = `${from.name}\u0000${acquired.lockClass.name}\u0000${variant}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.found.push({
      key,
      dependency: {
        from,
        to: acquired.lockClass,
        heldAs: held.mode,
        acquiredAs,
        held: { lockClass: from, object: held.object, primitive: held.primitive, loc: held.loc, chain: held.chain },
        heldBefore: outer.map((h) => this.classOfHeld(h).name),
        acquired,
      },
    });
  }
}

const lockClassNamer = perInput((input: CheckInput) => new LockClassNamer(input.files));

/** Each root's dependencies, kept while its walk and the set_class calls stay the same. */
const perRoot = new RootMemo<Found[]>();

/** The dependency graph of an input, built once and shared by the checks that read it. */
export const lockGraph = perInput((input: CheckInput): LockGraph => {
  const namer = lockClassNamer(input);
  const dependencies: Dependency[] = [];
  const seen = new Set<string>();
  for (const walk of rootWalks(input)) {
    const events = walk.select(acquires);
    if (events.length === 0) continue;
    const found = perRoot.get(input.graph, walk, namer.signature, () => {
      const builder = new RootDependencies(namer);
      for (const event of events) builder.visit(event);
      return builder.found;
    });
    for (const { key, dependency } of found) {
      if (!seen.has(key)) {
        seen.add(key);
        dependencies.push(dependency);
      }
    }
  }
  return { dependencies };
});
