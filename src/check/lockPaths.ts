// Walks one function body path by path (not inlined) and records, for RL008,
// what each path holds at each release and at each return. Paths that agree
// on every lock are merged (pathState.ts), keeping the first one's story as
// the witness and only the branch facts both share, so the walk stays small.
//
// Paths follow branches, switch cases, loops (zero or one time; `for (;;)`
// at least once), forward gotos and returns. A backward goto (a retry) ends
// its path. Identical branch conditions, and switches on the same value, are
// assumed to agree on one path, so `if (need) lock(); ...; if (need) unlock();`
// is not two paths' mismatch. A conditional acquire (trylock,
// mutex_lock_interruptible) is settled by the branch that tests it. An
// object whose state one loop iteration changes, or whose conditional
// acquire the condition does not let us follow, is "uncertain": RL008 says
// nothing about it. A call we cannot see into that may release or take locks
// (an unknown `foo_unlock()`, a callee that takes locks on some paths, a call
// passed the lock) marks what it might have changed, and RL008 keeps quiet there.

import type { CallStmt, FunctionSummary, ObjectRef, SourceLoc, Stmt } from '../model/types';
import { armOutcomes, mentions } from './conditionalAcquire';
import { objectKey, type LockEffect } from './lockEffects';
import {
  addressOf, assigned, caseFeasible, caseKey, copy, decide, enterCase, factKey, forget, initialState, merge, rebound, status, withFact,
  type Decision, type HeldLock, type PathState,
} from './pathState';

/** What the walk needs to know about calls that are not primitives. */
export interface CallEffects {
  effectsOf(call: CallStmt): LockEffect[];
  /** A call with no known effect that might still release or take locks (unknown, or conditional inside). */
  opaque(call: CallStmt): { mayRelease: boolean; mayAcquire: boolean };
}

export type ReleaseStatus = 'held' | 'released' | 'caller-released' | 'asserted' | 'untaken';

export interface ReleaseArrival {
  call: CallStmt;
  key: string;
  object: ObjectRef;
  effect: LockEffect;
  status: ReleaseStatus;
  /** An opaque call on this path could explain the status (it may have taken or retaken the lock). */
  opaque: boolean;
  /** The acquire this release pairs with, or the earlier release for a double unlock. */
  acquiredAt?: SourceLoc;
  releasedAt?: SourceLoc;
  decisions: Decision[];
}

export interface AcquireArrival {
  call: CallStmt;
  key: string;
  effect: LockEffect;
  /** Taken while the caller cannot be holding it (not retaken after a caller-held release, not asserted). */
  fresh: boolean;
}

export interface Exit {
  loc: SourceLoc;
  value?: string;
  /** Falls off the end of the body rather than returning. */
  atEnd: boolean;
  state: PathState;
}

export interface PathResult {
  /** False when the walk ran out of budget: nothing may be concluded. */
  complete: boolean;
  exits: Exit[];
  releases: ReleaseArrival[];
  acquires: AcquireArrival[];
  /** Opaque calls made that may release / take locks: this function may then do so in ways its own walk cannot see. */
  opaque: { mayRelease: boolean; mayAcquire: boolean };
  uncertain: Set<string>;
}

interface Flow { end: PathState[]; breaks: PathState[]; continues: PathState[] }
type Loop = Extract<Stmt, { kind: 'loop' }>;

const MAX_STATES = 64;
const MAX_STEPS = 50_000;

/** Walks `fn`'s body, asking `calls` what each call does to locks. */
export function walkPaths(fn: FunctionSummary, calls: CallEffects): PathResult {
  const walker = new PathWalker(calls, labelsIn(fn.body));
  try {
    const flow = walker.walk(fn.body, [initialState(fn)]);
    const last = [...fn.body].reverse().find((s) => s.kind !== 'label');
    for (const state of [...flow.end, ...flow.breaks, ...flow.continues]) {
      walker.result.exits.push({ loc: last?.loc ?? fn.loc, atEnd: true, state });
    }
  } catch (error) {
    if (!(error instanceof OutOfBudget)) throw error;
    walker.result.complete = false;
  }
  return walker.result;
}

class OutOfBudget extends Error {}

class PathWalker {
  readonly result: PathResult = { complete: true, exits: [], releases: [], acquires: [], opaque: { mayRelease: false, mayAcquire: false }, uncertain: new Set() };
  private readonly labels = new Map<string, PathState[]>();
  private steps = 0;

  constructor(
    private readonly calls: CallEffects,
    /** Where each label is, to tell a retry (backward goto) from an unwind (forward). */
    private readonly labelAt: ReadonlyMap<string, SourceLoc>,
  ) {}

  walk(body: readonly Stmt[], incoming: PathState[]): Flow {
    let states = incoming;
    const flow: Flow = { end: [], breaks: [], continues: [] };
    for (const stmt of body) {
      if (++this.steps > MAX_STEPS) throw new OutOfBudget();
      if (stmt.kind === 'label') {
        states = merge([...states, ...(this.labels.get(stmt.name) ?? [])]);
        this.labels.delete(stmt.name);
        continue;
      }
      if (states.length === 0) continue;
      // A trylock tested as written is settled by the branch right after its condition's calls.
      if (stmt.kind !== 'call' && stmt.kind !== 'branch' && stmt.kind !== 'return') states = states.map(settleWritten);
      switch (stmt.kind) {
        case 'call': states = states.map((s) => this.call(stmt, s)); break;
        case 'branch': {
          const arms = this.split(states, stmt);
          const then = this.walk(stmt.then, arms.then);
          const other = this.walk(stmt.else, arms.else);
          flow.breaks.push(...then.breaks, ...other.breaks);
          flow.continues.push(...then.continues, ...other.continues);
          states = merge([...then.end, ...other.end].map(settleWritten));
          break;
        }
        case 'switch': states = this.switchCases(stmt, states, flow); break;
        case 'loop': states = this.loop(stmt, states); break;
        case 'return':
          for (const state of states) this.result.exits.push({ loc: stmt.loc, ...(stmt.value !== undefined ? { value: stmt.value } : {}), atEnd: false, state });
          states = [];
          break;
        case 'goto':
          // Backward: a retry loop, followed once already; forward: joins the label.
          if (!this.isBackward(stmt)) this.labels.set(stmt.label, [...(this.labels.get(stmt.label) ?? []), ...states]);
          states = [];
          break;
        case 'break': flow.breaks.push(...states); states = []; break;
        case 'continue': flow.continues.push(...states); states = []; break;
        case 'assign': states = states.map((s) => assigned(rebound(s, stmt.target, this.result.uncertain), stmt.target, stmt.value)); break;
        case 'access':
          if (stmt.access === 'store') states = states.map((s) => assigned(s, stmt.text.split('=')[0]?.trim() ?? '', undefined));
          break;
        default: break;
      }
      if (states.length > MAX_STATES) throw new OutOfBudget();
    }
    flow.end = states;
    return flow;
  }

  /** Each case entered by the paths that can take it, plus those falling through from the case above. */
  private switchCases(stmt: Extract<Stmt, { kind: 'switch' }>, states: PathState[], flow: Flow): PathState[] {
    const ends: PathState[] = [];
    const keys = stmt.cases.flatMap((c) => c.labels).filter((l) => l !== 'default').map((l) => caseKey(stmt.on, l));
    let fallingThrough: PathState[] = [];
    for (const c of stmt.cases) {
      const entered = states.filter((s) => caseFeasible(s, stmt.on, c.labels, keys)).map((s) => enterCase(s, stmt, c.labels, keys));
      const arm = this.walk(c.body, merge([...entered, ...fallingThrough]));
      ends.push(...arm.breaks);
      flow.continues.push(...arm.continues);
      fallingThrough = arm.end;
    }
    ends.push(...fallingThrough);
    if (!stmt.cases.some((c) => c.labels.includes('default'))) {
      ends.push(...states.filter((s) => caseFeasible(s, stmt.on, [], keys)).map((s) => enterCase(s, stmt, [], keys)));
    }
    return merge(ends);
  }

  private isBackward(jump: Extract<Stmt, { kind: 'goto' }>): boolean {
    const label = this.labelAt.get(jump.label);
    return label !== undefined && (label.line < jump.loc.line || (label.line === jump.loc.line && label.col < jump.loc.col));
  }

  /** Splits states between a branch's arms by what each already knows. */
  private split(states: readonly PathState[], branch: Extract<Stmt, { kind: 'branch' }>): { then: PathState[]; else: PathState[] } {
    const then: PathState[] = [];
    const other: PathState[] = [];
    const fact = factKey(branch.cond);
    const yes = `\`if (${branch.cond})\` is true`;
    const no = `\`if (${branch.cond})\` is false`;
    for (const state of states) {
      const resolved = this.resolvePending(state, branch.cond);
      if (resolved) {
        then.push(decide(resolved.then, branch.loc, yes));
        other.push(decide(resolved.else, branch.loc, no));
        continue;
      }
      const known = fact ? state.facts.get(fact.key) : undefined;
      const positive = fact?.positive ?? true;
      const learn = (s: PathState, value: boolean) => (fact ? withFact(s, fact.key, value === positive) : s);
      if (known === undefined || known === positive) then.push(decide(learn(state, true), branch.loc, yes));
      if (known === undefined || known !== positive) other.push(decide(learn(state, false), branch.loc, no));
    }
    return { then: merge(then), else: merge(other) };
  }

  /** Settles pending acquires the condition tests; undefined when it tests none. */
  private resolvePending(state: PathState, cond: string): { then: PathState; else: PathState } | undefined {
    const tested = state.held.filter((h) => h.pending && mentions(cond, h.pending.call));
    if (tested.length === 0) return undefined;
    const then = copy(state);
    const other = copy(state);
    for (const h of tested) {
      const arms = armOutcomes(cond, h.pending!.call, h.pending!.success)!;
      this.settle(then, h, arms.then);
      this.settle(other, h, arms.else);
    }
    return { then, else: other };
  }

  private settle(state: PathState, h: HeldLock, outcome: 'acquired' | 'failed' | 'unknown'): void {
    const at = state.held.indexOf(h);
    if (at < 0) return;
    if (outcome === 'unknown') this.result.uncertain.add(h.key);
    if (outcome === 'failed') state.held.splice(at, 1);
    else state.held[at] = { ...h, pending: undefined };
  }

  /**
   * Zero or one iteration (at least one for `for (;;)`, left only by break);
   * an iteration that changes what is held makes those objects uncertain.
   */
  private loop(loop: Loop, incoming: PathState[]): PathState[] {
    const out: PathState[] = [];
    const forever = /^(?:1|true|)$/.test(loop.cond.trim());
    // `do { ... } while (cond)` keeps its condition's calls at the end of the body: it runs at least once.
    const doWhile = loop.head.length === 0 && loop.body.some((s) => s.kind === 'call' && loop.cond.includes(`${s.callee}(`));
    const leave = (s: PathState) => settleWritten(this.resolvePending(s, loop.cond)?.else ?? s);
    for (const entry of incoming) {
      const head = this.walk(loop.head, [entry]).end;
      if (!doWhile && !forever) out.push(...head.map(leave));
      const body = this.walk(loop.body, head.map((s) => this.resolvePending(s, loop.cond)?.then ?? s));
      const again = [...body.end, ...body.continues];
      for (const after of [...again, ...body.breaks]) this.markChanged(entry, after);
      if (!forever) out.push(...this.walk(loop.head, again).end.map(leave));
      out.push(...body.breaks);
    }
    return merge(out);
  }

  /** Objects whose held / released status differs after one loop iteration. */
  private markChanged(before: PathState, after: PathState): void {
    const keys = new Set([...before.held, ...after.held].map((h) => h.key).concat([...before.callerReleased.keys(), ...after.callerReleased.keys()]));
    for (const key of keys) if (status(before, key) !== status(after, key)) this.result.uncertain.add(key);
  }

  private call(call: CallStmt, incoming: PathState): PathState {
    let state = forget(rebound(incoming, call.assignTo, this.result.uncertain), call.assignTo);
    // `foo(&flag)` may change the flag.
    for (const arg of call.args) state = forget(state, addressOf(arg));
    const effects = this.calls.effectsOf(call);
    if (effects.length === 0) return this.opaque(call, state);
    for (const effect of effects) {
      const key = objectKey(effect.object);
      if (effect.action === 'assert') state = { ...state, asserted: new Set([...state.asserted, key]) };
      else if (effect.action === 'acquire') state = this.acquire(call, effect, key, state);
      else state = this.release(call, effect, key, state);
    }
    return state;
  }

  /** A call that may release what is held or retake what was released: mark it so, report nothing about it. */
  private opaque(call: CallStmt, state: PathState): PathState {
    const passed = new Set(call.args.map((a) => a.replace(/\s+/g, '').replace(/^&/, '')));
    const lockPassed = state.held.some((h) => passed.has(h.key)) || [...state.released.keys(), ...state.callerReleased.keys()].some((k) => passed.has(k));
    const { mayRelease, mayAcquire } = this.calls.opaque(call);
    if (!mayRelease && !mayAcquire && !lockPassed) return state;
    if (mayRelease || lockPassed) this.result.opaque.mayRelease = true;
    if (mayAcquire || lockPassed) this.result.opaque.mayAcquire = true;
    const next = copy(state);
    if (mayRelease || lockPassed) next.held = next.held.map((h) => (h.effect.scoped ? h : { ...h, maybeReleased: true }));
    if (mayAcquire || lockPassed) {
      next.maybeAcquired = true;
      for (const map of [next.released, next.callerReleased]) for (const [k, r] of map) map.set(k, { ...r, maybeRetaken: true });
    }
    return next;
  }

  private acquire(call: CallStmt, effect: LockEffect, key: string, state: PathState): PathState {
    const next = copy(state);
    this.result.acquires.push({ call, key, effect, fresh: !state.callerReleased.has(key) && !state.asserted.has(key) });
    next.callerReleased.delete(key);
    next.released.delete(key);
    next.held.push({ key, object: effect.object, effect, loc: call.loc, ...(effect.success ? { pending: { call, success: effect.success } } : {}) });
    return next;
  }

  private release(call: CallStmt, effect: LockEffect, key: string, state: PathState): PathState {
    const next = copy(state);
    const at = findHeld(next.held, key, effect);
    // A guard's release at scope end that finds nothing held left the scope by a goto, which the reader does not mark.
    if (at < 0 && effect.implicit) return next;
    const arrival = (status: ReleaseStatus, opaque: boolean, acquiredAt?: SourceLoc, releasedAt?: SourceLoc): void => {
      this.result.releases.push({
        call, key, object: effect.object, effect, status, opaque, decisions: state.decisions,
        ...(acquiredAt ? { acquiredAt } : {}), ...(releasedAt ? { releasedAt } : {}),
      });
    };
    const earlier = next.released.get(key) ?? next.callerReleased.get(key);
    if (at >= 0) {
      const [taken] = next.held.splice(at, 1);
      arrival('held', taken!.maybeReleased === true, taken!.loc);
      next.released.set(key, { loc: call.loc, acquiredAt: taken!.loc });
    } else if (earlier) {
      arrival(next.released.has(key) ? 'released' : 'caller-released', earlier.maybeRetaken === true, earlier.acquiredAt, earlier.loc);
    } else {
      arrival(next.asserted.has(key) ? 'asserted' : 'untaken', next.maybeAcquired);
      next.callerReleased.set(key, { loc: call.loc });
    }
    return next;
  }
}

/** The last held entry for `key`; failing that, the only one of the same class (written differently). */
function findHeld(held: readonly HeldLock[], key: string, effect: LockEffect): number {
  for (let i = held.length - 1; i >= 0; i--) if (held[i]!.key === key) return i;
  const sameClass = held.flatMap((h, i) => (h.object.id === effect.object.id ? [i] : []));
  return sameClass.length === 1 ? sameClass[0]! : -1;
}

/** A conditional acquire written without keeping its result, and not tested right away, is simply taken. */
function settleWritten(state: PathState): PathState {
  if (!state.held.some((h) => h.pending && !h.pending.call.assignTo)) return state;
  const next = copy(state);
  next.held = next.held.map((h) => (h.pending && !h.pending.call.assignTo ? { ...h, pending: undefined } : h));
  return next;
}

function labelsIn(body: readonly Stmt[]): Map<string, SourceLoc> {
  const found = new Map<string, SourceLoc>();
  const visit = (stmts: readonly Stmt[]): void => {
    for (const stmt of stmts) {
      if (stmt.kind === 'label') found.set(stmt.name, stmt.loc);
      else if (stmt.kind === 'branch') { visit(stmt.then); visit(stmt.else); }
      else if (stmt.kind === 'switch') for (const c of stmt.cases) visit(c.body);
      else if (stmt.kind === 'loop') visit(stmt.body);
    }
  };
  visit(body);
  return found;
}
