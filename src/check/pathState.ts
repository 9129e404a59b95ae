// The state of one path through a function body, for RL008's path walk
// (lockPaths.ts): the locks it holds, what it released, and the branch facts
// it has learnt, with helpers to copy, compare and merge states.

import type { CallStmt, FunctionSummary, ObjectRef, SourceLoc, Stmt } from '../model/types';
import type { Success } from './conditionalAcquire';
import type { LockEffect } from './lockEffects';

export interface HeldLock {
  key: string;
  object: ObjectRef;
  effect: LockEffect;
  loc: SourceLoc;
  /** An acquire whose success the code has not tested yet. */
  pending?: { call: CallStmt; success: Success };
  /** A call we cannot see into, made while held, may have released it. */
  maybeReleased?: boolean;
}

export interface Release {
  loc: SourceLoc;
  acquiredAt?: SourceLoc;
  /** A call we cannot see into, made since, may have taken it again. */
  maybeRetaken?: boolean;
}

/** A step of a path's story: "`if (err)` is true" at the branch. */
export interface Decision { loc: SourceLoc; text: string }

export interface PathState {
  held: HeldLock[];
  /** Released on this path without being taken on it: the caller's lock. */
  callerReleased: Map<string, Release>;
  /** Taken and then released on this path: a second release is a double unlock. */
  released: Map<string, Release>;
  /** `lockdep_assert_held()` seen: the caller holds these. */
  asserted: Set<string>;
  /** A call we cannot see into may have taken locks on this path. */
  maybeAcquired: boolean;
  /** Branch conditions (whitespace removed) known on this path. */
  facts: Map<string, boolean>;
  decisions: Decision[];
}

export function initialState(fn: FunctionSummary): PathState {
  return { held: [], callerReleased: new Map(), released: new Map(), asserted: new Set(), maybeAcquired: false, facts: flagDefaults(fn), decisions: [] };
}

export function copy(state: PathState): PathState {
  return {
    held: [...state.held],
    callerReleased: new Map(state.callerReleased),
    released: new Map(state.released),
    asserted: new Set(state.asserted),
    maybeAcquired: state.maybeAcquired,
    facts: new Map(state.facts),
    decisions: state.decisions,
  };
}

/** Where `key` stands on this path; guard()-held locks do not count (the compiler releases them). */
export function status(state: PathState, key: string): 'held' | 'caller-released' | 'none' {
  if (state.held.some((h) => h.key === key && !h.effect.scoped)) return 'held';
  return state.callerReleased.has(key) ? 'caller-released' : 'none';
}

export function decide(state: PathState, loc: SourceLoc, text: string): PathState {
  return { ...state, decisions: [...state.decisions, { loc, text }] };
}

/** Everything about locks, not the facts or the story: states equal here are merged. */
function lockPart(state: PathState): string {
  const held = state.held.map((h) => `${h.key}:${h.effect.mode}${h.effect.scoped ? ':s' : ''}${h.pending ? ':p' : ''}${h.maybeReleased ? ':r' : ''}`).sort();
  const releases = (map: Map<string, Release>) => [...map].map(([k, r]) => `${k}${r.maybeRetaken ? ':t' : ''}`).sort().join(',');
  return [held.join(','), releases(state.callerReleased), releases(state.released), [...state.asserted].sort().join(','), state.maybeAcquired].join('|');
}

/** One state per lock part: the first keeps its story, facts are what all agree on. */
export function merge(states: readonly PathState[]): PathState[] {
  const byPart = new Map<string, PathState>();
  for (const state of states) {
    const part = lockPart(state);
    const known = byPart.get(part);
    if (!known) { byPart.set(part, state); continue; }
    const facts = new Map([...known.facts].filter(([k, v]) => state.facts.get(k) === v));
    if (facts.size !== known.facts.size) byPart.set(part, { ...known, facts });
  }
  return [...byPart.values()];
}

/** A condition's fact key without outer parentheses and leading negations, and whether it is the positive form. */
export function factKey(cond: string): { key: string; positive: boolean } | undefined {
  let key = cond.replace(/\s+/g, '');
  let positive = true;
  for (;;) {
    if (key.startsWith('(') && key.endsWith(')') && balanced(key.slice(1, -1))) key = key.slice(1, -1);
    else if (key.startsWith('!') && !key.startsWith('!=')) { key = key.slice(1); positive = !positive; }
    else break;
  }
  return key.length > 0 ? { key, positive } : undefined;
}

export function withFact(state: PathState, key: string, value: boolean): PathState {
  const next = copy(state);
  next.facts.set(key, value);
  return next;
}

/** `switch (on)` facts are kept as `on==label`. */
export function caseKey(on: string, label: string): string {
  return `${on.replace(/\s+/g, '')}==${label.replace(/\s+/g, '')}`;
}

/**
 * Can this path take the case with `labels` (none: the path past a switch
 * without default that matched nothing), given what it knows about `on`?
 */
export function caseFeasible(state: PathState, on: string, labels: readonly string[], allKeys: readonly string[]): boolean {
  const mine = labels.filter((l) => l !== 'default').map((l) => caseKey(on, l));
  if (allKeys.some((k) => state.facts.get(k) === true && !mine.includes(k))) return false;
  if (labels.length === 0 || labels.includes('default')) return true;
  return !mine.every((k) => state.facts.get(k) === false);
}

export function enterCase(state: PathState, stmt: Extract<Stmt, { kind: 'switch' }>, labels: readonly string[], allKeys: readonly string[]): PathState {
  const next = copy(state);
  const mine = labels.filter((l) => l !== 'default').map((l) => caseKey(stmt.on, l));
  const withDefault = labels.includes('default');
  // `case A: default:` could be A or nothing: it teaches nothing.
  if (!withDefault || mine.length === 0) for (const key of allKeys) if (!mine.includes(key)) next.facts.set(key, false);
  if (mine.length === 1 && !withDefault) next.facts.set(mine[0]!, true);
  const taken = labels.length === 0 ? 'takes no case' : `takes ${labels.map((l) => (l === 'default' ? 'default' : `case ${l}`)).join(', ')}`;
  return decide(next, stmt.loc, `\`switch (${stmt.on})\` ${taken}`);
}

/**
 * `target = value`: facts about `target` are stale; a constant value is a
 * new fact, and an error value (`-EINVAL`, `ERR_PTR(...)`, `NULL`) is
 * remembered as `error:target` for RL008's "returns an error" test.
 */
export function assigned(state: PathState, target: string, value: string | undefined): PathState {
  const next = copy(forget(state, target));
  const truth = constantTruth(value);
  if (truth !== undefined && /^\w+$/.test(target)) next.facts.set(target, truth);
  if (/^\w+$/.test(target) && isErrorValue(value ?? '')) next.facts.set(errorKey(target), true);
  // A variable holding a pending acquire's result, overwritten before any test: the acquire is simply taken.
  if (next.held.some((h) => h.pending?.call.assignTo === target)) {
    next.held = next.held.map((h) => (h.pending?.call.assignTo === target ? { ...h, pending: undefined } : h));
  }
  return next;
}

/**
 * `name` now points elsewhere (`d = d->next;`): a lock written through it is
 * not the one held or released before. Held ones become uncertain, released
 * ones are forgotten (a later release is not a second one).
 */
export function rebound(state: PathState, name: string | undefined, uncertain: Set<string>): PathState {
  if (!name) return state;
  const word = wordOf(name);
  const releases = (map: Map<string, Release>) => [...map.keys()].filter((k) => word.test(k));
  const held = state.held.filter((h) => word.test(h.key));
  if (held.length === 0 && releases(state.released).length === 0 && releases(state.callerReleased).length === 0) return state;
  for (const h of held) uncertain.add(h.key);
  const next = copy(state);
  for (const map of [next.released, next.callerReleased]) for (const key of releases(map)) map.delete(key);
  return next;
}

/** `name` as a whole identifier in a key or condition: not a member (`->name`), not an error fact (`#`). */
function wordOf(name: string): RegExp {
  return new RegExp(`(?<![\\w.>#])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\w)`);
}

/** Drops facts that mention `name`. */
export function forget(state: PathState, name: string | undefined): PathState {
  if (!name) return state;
  const word = wordOf(name);
  if (![...state.facts.keys()].some((k) => word.test(k))) return state;
  const next = copy(state);
  for (const key of [...next.facts.keys()]) if (word.test(key)) next.facts.delete(key);
  return next;
}

/**
 * Local flags the body only ever sets to one constant (`unlocked = true;`)
 * start out the other way: `bool unlocked = false;`, whose initializer the
 * model does not keep. Without this, `if (!unlocked) mutex_unlock()` would
 * look optional on paths that never set the flag.
 */
function flagDefaults(fn: FunctionSummary): Map<string, boolean> {
  const values = new Map<string, Set<boolean | undefined>>();
  const note = (name: string, value: boolean | undefined) => values.set(name, new Set([...(values.get(name) ?? []), value]));
  const visit = (stmts: readonly Stmt[]): void => {
    for (const stmt of stmts) {
      if (stmt.kind === 'assign') note(stmt.target, constantTruth(stmt.value));
      else if (stmt.kind === 'call') {
        if (stmt.assignTo) note(stmt.assignTo, undefined);
        for (const arg of stmt.args) {
          const address = addressOf(arg);
          if (address) note(address, undefined);
        }
      } else if (stmt.kind === 'branch') { visit(stmt.then); visit(stmt.else); }
      else if (stmt.kind === 'switch') for (const c of stmt.cases) visit(c.body);
      else if (stmt.kind === 'loop') { visit(stmt.head); visit(stmt.body); }
    }
  };
  visit(fn.body);
  const defaults = new Map<string, boolean>();
  for (const [name, set] of values) {
    const [only] = [...set];
    if (set.size === 1 && only !== undefined && name in fn.locals) defaults.set(name, !only);
  }
  return defaults;
}

/** A value that says "failed": `-EINVAL`, `ERR_PTR(...)`, `NULL`, `false`, `-1`. */
export function isErrorValue(value: string): boolean {
  const v = value.replace(/\s+/g, '');
  return /^(?:-E[A-Z0-9_]+|NULL|false|-\d+)$/.test(v) || /^(?:ERR_PTR|PTR_ERR|ERR_CAST)\(/.test(v);
}

/** The fact "`variable` holds an error value"; `#` keeps it apart from condition texts. */
export function errorKey(variable: string): string {
  return `${variable}#error`;
}

/** `&flag` -> `flag`: a local whose address is passed may change. */
export function addressOf(arg: string): string | undefined {
  return /^&\s*(\w+)$/.exec(arg.trim())?.[1];
}

/** The truth of a constant: `true`, `1`, `-EINVAL` are true; `false`, `0`, `NULL` false; anything else unknown. */
function constantTruth(value: string | undefined): boolean | undefined {
  const constant = value?.trim() ?? '';
  if (/^(?:0|false|NULL)$/.test(constant)) return false;
  if (/^(?:1|true|-?E[A-Z0-9_]+|-\d+)$/.test(constant)) return true;
  return undefined;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}
