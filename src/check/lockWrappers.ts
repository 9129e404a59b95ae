// Lock wrappers, for RL008's per-function walk. A function that returns
// holding the same lock on every path and never releases it
// (`kvm_lock_all()`), or releases on every path one it never took
// (`kvm_unlock_all()`), is a wrapper: a call to it takes or releases that lock
// in its caller, with the wrapper's parameters replaced by the call's
// arguments. `__acquires()` / `__releases()` say the same explicitly. A
// wrapper returning a trylock's result is a conditional acquire in the caller.
//
// Calls it cannot summarise are "opaque" to the walk: a callee in the model
// that takes or releases locks on some paths only, or one outside the model
// whose name says it may (`foo_unlock()`, `ops->release()`).

import type { CallGraph } from '../model/callGraph';
import { objectRef } from '../model/objects';
import type { CallStmt, FunctionSummary, ObjectRef } from '../model/types';
import { mentions } from './conditionalAcquire';
import { mayAcquireByName, mayReleaseByName, opEffect, type LockEffect } from './lockEffects';
import { walkPaths, type CallEffects, type PathResult } from './lockPaths';
import type { HeldLock } from './pathState';
import { LookupRecord } from './lookupRecord';

/** A function's path walk, with the lookups and callees it depended on. */
interface CachedWalk {
  result: PathResult;
  lookups: LookupRecord;
  callees: Set<FunctionSummary>;
  /** Whether the walk held in the graph last asked about (every check run asks). */
  checked?: { graph: CallGraph; valid: boolean };
}

/**
 * Walks survive from one check run to the next (the editor re-checks on
 * every keystroke): a function whose object, lookups and callees' walks are
 * unchanged is not walked again.
 */
const walks = new WeakMap<FunctionSummary, CachedWalk>();

export class LockWrappers implements CallEffects {
  private readonly effects = new Map<FunctionSummary, LockEffect[]>();
  private readonly inProgress = new Set<FunctionSummary>();
  /** The walks being computed, innermost last: callee lookups are recorded into the top one. */
  private readonly frames: CachedWalk[] = [];

  constructor(private readonly graph: CallGraph) {}

  /** The path walk of `fn`'s own body, computed once per change. */
  resultOf(fn: FunctionSummary): PathResult {
    this.frames[this.frames.length - 1]?.callees.add(fn);
    const cached = walks.get(fn);
    if (cached && this.stillValid(cached)) return cached.result;
    const frame: CachedWalk = { result: undefined as unknown as PathResult, lookups: new LookupRecord(), callees: new Set() };
    this.frames.push(frame);
    this.inProgress.add(fn);
    try {
      frame.result = walkPaths(fn, this);
    } finally {
      this.inProgress.delete(fn);
      this.frames.pop();
    }
    frame.checked = { graph: this.graph, valid: true };
    walks.set(fn, frame);
    return frame.result;
  }

  private stillValid(cached: CachedWalk): boolean {
    if (cached.checked?.graph === this.graph) return cached.checked.valid;
    cached.checked = { graph: this.graph, valid: true }; // a call cycle counts as valid while it is being checked
    let valid = cached.lookups.holdsIn(this.graph);
    for (const callee of cached.callees) {
      if (!valid) break;
      const c = walks.get(callee);
      valid = c !== undefined && this.stillValid(c);
    }
    cached.checked.valid = valid;
    return valid;
  }

  /** What a call does to locks: its primitive's effect, or its wrapper's, in the caller's terms. */
  effectsOf(call: CallStmt): LockEffect[] {
    if (call.op) {
      const effect = opEffect(call.op);
      return effect ? [effect] : [];
    }
    const fn = this.callee(call);
    if (!fn || this.inProgress.has(fn)) return [];
    return this.wrapperEffects(fn).map((effect) => ({ ...effect, object: inCaller(effect.object, fn, call), via: fn.name }));
  }

  /** Whether a call with no known effect may still release or take locks. */
  opaque(call: CallStmt): { mayRelease: boolean; mayAcquire: boolean } {
    if (call.op) return { mayRelease: false, mayAcquire: false };
    const fn = this.callee(call);
    if (fn && !this.inProgress.has(fn)) {
      // A callee that balances its own locks changes nothing for its caller.
      const result = this.resultOf(fn);
      if (!result.complete) return { mayRelease: true, mayAcquire: true };
      return {
        mayRelease: result.opaque.mayRelease || result.releases.some((r) => !r.effect.implicit && r.status !== 'held'),
        mayAcquire: result.opaque.mayAcquire || result.exits.some((e) => e.state.held.some((h) => !h.effect.scoped)),
      };
    }
    if (fn) return { mayRelease: true, mayAcquire: true };
    const name = call.indirect?.member ?? call.callee;
    return { mayRelease: mayReleaseByName(name), mayAcquire: mayAcquireByName(name) };
  }

  /** The C or post-patch definition a direct call reaches, if the model has it. */
  private callee(call: CallStmt): FunctionSummary | undefined {
    const frame = this.frames[this.frames.length - 1];
    const graph = frame ? frame.lookups.recording(this.graph) : this.graph;
    const target = graph.targets(call)[0];
    const fn = target?.kind === 'direct' ? graph.definition(target.name) : undefined;
    if (fn && frame) frame.callees.add(fn);
    return fn && (fn.origin === 'c' || fn.origin === 'patch-post') ? fn : undefined;
  }

  /** What `fn` leaves taken or released on every path, in its own terms. */
  wrapperEffects(fn: FunctionSummary): LockEffect[] {
    let effects = this.effects.get(fn);
    if (!effects) {
      effects = this.summarise(fn);
      this.effects.set(fn, effects);
    }
    return effects;
  }

  private summarise(fn: FunctionSummary): LockEffect[] {
    const result = this.resultOf(fn);
    const effects: LockEffect[] = [];
    const exits = result.exits;
    if (result.complete && exits.length > 0) {
      const first = exits[0]!.state;
      for (const h of first.held) {
        const everywhere = exits.map((e) => e.state.held.find((o) => o.key === h.key && !o.effect.scoped && !o.maybeReleased));
        if (h.effect.scoped || result.uncertain.has(h.key) || everywhere.some((o) => !o)) continue;
        if (result.releases.some((r) => r.key === h.key && r.status === 'held')) continue;
        const effect = acquireEffect(h, everywhere as HeldLock[], exits.map((e) => e.value));
        if (effect) effects.push(effect);
      }
      for (const [key] of first.callerReleased) {
        const releasedEverywhere = exits.every((e) => {
          const release = e.state.callerReleased.get(key);
          return release !== undefined && !release.maybeRetaken;
        });
        if (!releasedEverywhere || result.acquires.some((a) => a.key === key)) continue;
        const release = result.releases.find((r) => r.key === key);
        if (release) effects.push({ action: 'release', object: release.object, family: release.call.op?.family ?? 'mutex', mode: 'exclusive', primitive: release.call.callee, scoped: false, implicit: false });
      }
    }
    const declared = (id: string, what: string): ObjectRef => ({ id, text: id, identifiedBy: `\`${what}(${id})\` on ${fn.name}()` });
    for (const id of fn.annotations.acquires) {
      if (!effects.some((e) => e.action === 'acquire' && e.object.id === id)) {
        effects.push({ action: 'acquire', object: declared(id, '__acquires'), family: 'mutex', mode: 'exclusive', primitive: fn.name, scoped: false, implicit: false });
      }
    }
    for (const id of fn.annotations.releases) {
      if (!effects.some((e) => e.action === 'release' && e.object.id === id)) {
        effects.push({ action: 'release', object: declared(id, '__releases'), family: 'mutex', mode: 'exclusive', primitive: fn.name, scoped: false, implicit: false });
      }
    }
    return effects;
  }
}

/** The acquire a wrapper passes on: plain, or conditional when it returns the trylock's result. */
function acquireEffect(h: HeldLock, everywhere: readonly HeldLock[], values: readonly (string | undefined)[]): LockEffect | undefined {
  const plain: LockEffect = { ...h.effect };
  delete plain.success;
  if (everywhere.every((o) => !o.pending)) return plain;
  const passedOn = everywhere.every((o, i) => o.pending && values[i] !== undefined && mentions(values[i]!, o.pending.call));
  return passedOn ? { ...plain, success: h.pending?.success ?? 'nonzero' } : undefined;
}

/** `&f->lock` in `foo_lock(struct foo *f)` called as `foo_lock(dev->foo)` is `&dev->foo->lock` in the caller. */
function inCaller(object: ObjectRef, fn: FunctionSummary, call: CallStmt): ObjectRef {
  const owner = /^(&?\s*)([A-Za-z_]\w*)(\s*(?:->|\.)[\s\S]*)?$/.exec(object.text.trim());
  const index = owner ? fn.params.indexOf(owner[2]!) : -1;
  const arg = call.args[index]?.trim();
  if (!owner || index < 0 || !arg) return object;
  const rest = (owner[3] ?? '').trimStart();
  let text: string;
  if (!owner[1] && !rest) text = arg; // the parameter is the lock pointer itself: `spin_lock(l)`
  else if (arg.startsWith('&') && rest.startsWith('->')) text = `${owner[1]}${arg.slice(1).trim()}.${rest.slice(2).trimStart()}`;
  else text = `${owner[1]}${/^[\w>.-]+$/.test(arg) ? arg : `(${arg})`}${rest}`;
  const ref = objectRef(text);
  if (!ref) return object;
  return { ...ref, identifiedBy: `${ref.identifiedBy}, through ${fn.name}()'s \`${object.text}\`` };
}

