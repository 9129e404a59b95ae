// Update-phase exclusion, the property behind seed 000. The SRCU/RCU update
// idiom: an updater publishes a guard (init_completion/reinit_completion, a
// flag set to true, a bias added to a counter), then calls synchronize on
// the domain; readers check the guard (wait_for_completion, read the flag,
// atomic_inc_unless_negative) and do their work inside a read-side section.
// Once the guard is published and synchronize has returned, the update is in
// its exclusive phase until it ends (complete_all, the flag cleared, the
// bias removed). No reader may be past its guard inside a read-side section
// of that domain during the exclusive phase.
//
// The idiom is inferred per domain: updaters are threads that synchronize on
// it and publish a guard; guards are objects an updater publishes and a
// reader of the domain checks. A reader is "past its guard" when its latest
// check said "no update" (the wait returned, the flag read false, the
// increment succeeded), until its read-side section ends. Readers that check
// no guard are not judged.

import type { SyncOp } from '../model/types';
import { evaluate, parseExpr, type Expr } from './expr';
import type { ObjectInfo, ThreadSpec } from './scenario';
import type { Draft, SimState } from './state';
import { isBiasName, truth, type Value } from './values';

export interface UpdateIdiom {
  domain: string;
  updaters: number[];
  readers: number[];
  completions: string[];
  flags: string[];
  counters: string[];
}

/** A thread's part in the idioms, for the dependency relation: its steps on these objects are visible. */
export interface MonitorRole {
  domain: string;
  /** The thread updates (its visible steps conflict with every reader's). */
  updater: boolean;
  objects: ReadonlySet<string>;
}

const CONSTANTS = { name: (n: string): Value => (n === 'true' ? 1 : n === 'false' || n === 'NULL' ? 0 : null), path: () => null, call: () => null };

function constantTruth(expr: Expr | undefined): boolean | null {
  return expr ? truth(evaluate(expr, CONSTANTS)) : null;
}

interface Uses {
  syncs: Set<string>;
  readLocks: Set<string>;
  published: Set<string>;
  checked: Set<string>;
}

function usesOf(thread: ThreadSpec): Uses {
  const uses: Uses = { syncs: new Set(), readLocks: new Set(), published: new Set(), checked: new Set() };
  const { instrs } = thread.info.program;
  instrs.forEach((instr, pc) => {
    for (const id of thread.info.reads[pc] ?? []) uses.checked.add(id);
    if (instr.kind === 'access') {
      if (instr.access === 'load') uses.checked.add(instr.object);
      else if (constantTruth(instr.value) === true) uses.published.add(instr.object);
      return;
    }
    if (instr.kind !== 'op' || !instr.op.object) return;
    const { op } = instr;
    const id = op.object!.id;
    if (op.family === 'srcu' || op.family === 'rcu') {
      if (op.action === 'synchronize') uses.syncs.add(id);
      if (op.action === 'read_lock') uses.readLocks.add(id);
    } else if (op.family === 'completion') {
      if (op.action === 'init' || op.action === 'reinit') uses.published.add(id);
      if (op.action === 'wait' || op.action === 'try_wait') uses.checked.add(id);
    } else if (op.family === 'access') {
      if (op.action === 'load') uses.checked.add(id);
      else if (constantTruth(op.operand !== undefined ? parseExpr(op.operand) : undefined) === true) uses.published.add(id);
    } else if (op.family === 'atomic') {
      if ((op.action === 'add' || op.action === 'add_return') && isBiasName(op.operand ?? '')) uses.published.add(id);
      if (op.action === 'inc_unless_negative' || op.action === 'add_unless') uses.checked.add(id);
    }
  });
  return uses;
}

export function inferIdioms(threads: readonly ThreadSpec[], objects: ReadonlyMap<string, ObjectInfo>): UpdateIdiom[] {
  const uses = threads.map(usesOf);
  const domains = new Set(uses.flatMap((u) => [...u.syncs]));
  const idioms: UpdateIdiom[] = [];
  for (const domain of [...domains].sort()) {
    const readers = threads.filter((_, t) => uses[t]!.readLocks.has(domain)).map((t) => t.id);
    const checked = new Set(readers.flatMap((r) => [...uses[r]!.checked]));
    const guardsOf = (t: number): string[] => [...uses[t]!.published].filter((id) => checked.has(id));
    const updaters = threads.filter((t) => uses[t.id]!.syncs.has(domain) && guardsOf(t.id).length > 0).map((t) => t.id);
    if (updaters.length === 0 || readers.length === 0) continue;
    const guards = [...new Set(updaters.flatMap(guardsOf))].sort();
    const family = (id: string): string | undefined => objects.get(id)?.family;
    idioms.push({
      domain, updaters, readers,
      completions: guards.filter((id) => family(id) === 'completion'),
      flags: guards.filter((id) => family(id) === 'access'),
      counters: guards.filter((id) => family(id) === 'atomic'),
    });
  }
  return idioms;
}

export function monitorRoles(idioms: readonly UpdateIdiom[], threadIds: readonly number[]): MonitorRole[] {
  const roles: MonitorRole[] = [];
  for (const idiom of idioms) {
    const updater = threadIds.some((t) => idiom.updaters.includes(t));
    const reader = threadIds.some((t) => idiom.readers.includes(t));
    if (!updater && !reader) continue;
    roles.push({ domain: idiom.domain, updater, objects: new Set([idiom.domain, ...idiom.completions, ...idiom.flags, ...idiom.counters]) });
  }
  return roles;
}

/** Something a step did that the monitor may care about. */
export type MonitorEvent =
  | { kind: 'op'; op: SyncOp; value?: Value; finished: boolean }
  | { kind: 'store'; object: string; value: Value }
  | { kind: 'load'; object: string; value: Value };

/** Updates the monitor for one event of `thread`. */
export function observe(draft: Draft, idioms: readonly UpdateIdiom[], thread: number, event: MonitorEvent): void {
  for (const idiom of idioms) {
    const updater = idiom.updaters.includes(thread);
    const reader = idiom.readers.includes(thread);
    if (!updater && !reader) continue;
    const effect = classify(idiom, event, { thread, updater, reader }, draft);
    if (!effect) continue;
    const monitor = draft.writeMonitor();
    const phase = monitor.phase[idiom.domain]!;
    const passed = monitor.passed[idiom.domain]!;
    switch (effect) {
      case 'publish': if (phase[thread] === 0 || phase[thread] === 3) phase[thread] = 1; break;
      case 'synchronized': if (phase[thread] === 1) phase[thread] = 2; break;
      case 'end': if (phase[thread] === 1 || phase[thread] === 2) phase[thread] = 3; break;
      case 'pass': passed[thread] = true; break;
      case 'fail': case 'left': passed[thread] = false; break;
    }
  }
}

type Effect = 'publish' | 'synchronized' | 'end' | 'pass' | 'fail' | 'left';

interface Role { thread: number; updater: boolean; reader: boolean }

function classify(idiom: UpdateIdiom, event: MonitorEvent, role: Role, draft: Draft): Effect | undefined {
  const { thread, updater, reader } = role;
  if (event.kind === 'store') {
    if (!updater || !idiom.flags.includes(event.object)) return undefined;
    const on = truth(event.value);
    return on === true ? 'publish' : on === false ? 'end' : undefined;
  }
  if (event.kind === 'load') {
    if (!reader || !idiom.flags.includes(event.object)) return undefined;
    const on = truth(event.value);
    return on === false ? 'pass' : on === true ? 'fail' : undefined;
  }
  const { op } = event;
  const id = op.object?.id;
  if (id === undefined) return undefined;
  if (id === idiom.domain) {
    if (updater && op.action === 'synchronize' && event.finished) return 'synchronized';
    const domain = draft.readObject(id);
    if (reader && op.action === 'read_unlock' && domain?.kind === 'domain' && domain.depth[thread] === 0) return 'left';
    return undefined;
  }
  if (idiom.completions.includes(id)) {
    if (updater && (op.action === 'init' || op.action === 'reinit')) return 'publish';
    if (updater && op.action === 'complete_all') return 'end';
    if (reader && op.action === 'wait' && event.finished) return 'pass';
    if (reader && op.action === 'try_wait') return event.value === 1 ? 'pass' : 'fail';
    return undefined;
  }
  if (idiom.counters.includes(id)) {
    const bias = isBiasName(op.operand ?? '');
    if (updater && bias && (op.action === 'add' || op.action === 'add_return')) return 'publish';
    if (updater && bias && (op.action === 'sub' || op.action === 'sub_return')) return 'end';
    if (reader && (op.action === 'inc_unless_negative' || op.action === 'add_unless')) return event.value === 1 ? 'pass' : event.value === 0 ? 'fail' : undefined;
  }
  return undefined;
}

export interface PhaseViolation {
  idiom: UpdateIdiom;
  updater: number;
  reader: number;
}

/** Readers past their guard inside a read-side section while an updater is in its exclusive phase. */
export function updatePhaseViolations(state: SimState, idioms: readonly UpdateIdiom[]): PhaseViolation[] {
  const found: PhaseViolation[] = [];
  for (const idiom of idioms) {
    const phase = state.monitor.phase[idiom.domain];
    const passed = state.monitor.passed[idiom.domain];
    const domain = state.objects[idiom.domain];
    if (!phase || !passed || domain?.kind !== 'domain') continue;
    for (const updater of idiom.updaters) {
      if (phase[updater] !== 2) continue;
      for (const reader of idiom.readers) {
        if (reader !== updater && passed[reader] && (domain.depth[reader] ?? 0) > 0) found.push({ idiom, updater, reader });
      }
    }
  }
  return found;
}

/** Marks, for the rest of the execution, every domain whose exclusion is broken in the draft's state. */
export function markViolations(draft: Draft, idioms: readonly UpdateIdiom[]): void {
  for (const v of updatePhaseViolations(draft.view(), idioms)) {
    if (!draft.readMonitor().violated[v.idiom.domain]) draft.writeMonitor().violated[v.idiom.domain] = true;
  }
}
