// Caches that let the editor re-check on every keystroke. An edit replaces
// one file's model; every other file keeps its objects, so results derived
// from an object are reused by identity:
//
//  - perFile: data read off one FileModel (registrations, op calls by location);
//  - perInput: data derived once per check run and shared by the checks of it;
//  - RootMemo: one check's work on one root's walk, kept while the walk is
//    reused and every call-graph lookup the work made gives the same answer.
//
// A walk is reused only in a graph that answers its lookups as before
// (contextWalk.rootWalk), so a RootMemo entry stays valid with it.

import type { CallGraph } from '../model/callGraph';
import { oncePer } from '../model/oncePer';
import type { FileModel } from '../model/types';
import type { RootWalk } from './contextWalk';
import type { CheckInput } from './input';
import { LookupRecord, type GraphLookups } from './lookupRecord';

/** `compute(file)`, once per FileModel object. */
export const perFile: <T>(compute: (file: FileModel) => T) => (file: FileModel) => T = oncePer;

/** `compute(input)`, once per CheckInput: several checks of one run share it. */
export const perInput: <T>(compute: (input: CheckInput) => T) => (input: CheckInput) => T = oncePer;

interface RootEntry<T> {
  /** What else the value depends on, as a string (e.g. the handler a root runs as). */
  context: string;
  /** Lookups the work made beyond those of the walk. */
  lookups: LookupRecord;
  value: T;
}

/**
 * A check's result for one root's walk. `compute` must reach the call graph
 * only through the lookups it is given, so they can be replayed against the
 * next graph; those the walk made already hold while the walk is reused.
 */
export class RootMemo<T> {
  private readonly entries = new WeakMap<RootWalk, RootEntry<T>>();

  get(graph: CallGraph, walk: RootWalk, context: string, compute: (lookups: GraphLookups) => T): T {
    const known = this.entries.get(walk);
    if (known && known.context === context && known.lookups.holdsIn(graph)) return known.value;
    const entry = { context, ...LookupRecord.run(graph, compute, walk.lookups) };
    this.entries.set(walk, entry);
    return entry.value;
  }
}

/**
 * Results for a pair of objects (a reader and an updater, a waiter and a
 * completer) that were computed from the call graph, such as a simulation:
 * kept while both objects are and the graph answers the lookups the same.
 */
export class PairMemo<A extends object, B extends object, T> {
  private readonly entries = new WeakMap<A, WeakMap<B, { lookups: LookupRecord; value: T }>>();

  get(graph: CallGraph, a: A, b: B, compute: (lookups: GraphLookups) => T): T {
    let byB = this.entries.get(a);
    if (!byB) this.entries.set(a, byB = new WeakMap());
    const known = byB.get(b);
    if (known && known.lookups.holdsIn(graph)) return known.value;
    const entry = LookupRecord.run(graph, compute);
    byB.set(b, entry);
    return entry.value;
  }
}
