// RL006: a call that may sleep (SyncOp.sleeps: mutex_lock, wait_for_completion,
// synchronize_*, GFP_KERNEL allocations, msleep, cpus_read_lock, ...) made in
// atomic context: under a spinlock, raw spinlock or rwlock, inside an RCU
// read-side section (not SRCU, whose readers may sleep), with preemption,
// bottom halves or IRQs disabled, or in a function registered to run in
// interrupt context. Reported at the sleeping call, with where the atomic
// context began and each call on the way as related locations.

import type { CallStmt, SourceLoc, Stmt } from '../model/types';
import { rootWalk, type Held, type OpEvent } from './contextWalk';
import { bodiesAlong, calleeOf, callSitesTo, callsIn, insideBranchOn, locKey, opCallAt } from './callSites';
import { conditionalSuccess, notAcquiredRegion } from './conditionalAcquire';
import { sortFindings, type Finding, type RelatedLocation } from './finding';
import type { CheckInput } from './input';
import { aRole, contextWords, handlerKey, irqContextsInWalkOrder, processWalks, registeredHere, type IrqContextFunction } from './irqContext';
import type { GraphLookups } from './lookupRecord';
import { RootMemo } from './memo';
import { mayEnableByName, mayReleaseByName } from './lockEffects';
import { describeLock, kindOf, takenHere, written } from './lockWords';

/**
 * Code that asks which context it runs in before sleeping (`if (!in_atomic())
 * msleep(1); else mdelay(1);`) has chosen already; the walk cannot tell the
 * answer, so it keeps quiet.
 */
const CONTEXT_TEST = /\b(?:in_atomic|in_interrupt|in_irq|in_hardirq|in_softirq|in_serving_softirq|in_task|irqs_disabled|preemptible|gfpflags_allow_blocking)\s*\(/;

/** Families whose holder must not sleep. SRCU and the sleeping locks are absent on purpose. */
const ATOMIC_FAMILIES: ReadonlySet<string> = new Set(['spinlock', 'raw_spinlock', 'rwlock', 'rcu']);

/** One reason the sleeping call is in atomic context. */
interface Cause {
  /** A clause of the message: "spinlock `dev->lock` (...) is held". */
  clause: string;
  related: RelatedLocation[];
}

/** A sleeping op whose state before it is atomic by the walk's account: the only ones worth a closer look. */
const sleepsInAtomicState = (event: OpEvent): boolean => event.op.sleeps === true &&
  (event.before.cpu.irqsOff !== undefined || event.before.cpu.preemptOff !== undefined || event.before.held.some((h) => ATOMIC_FAMILIES.has(h.family)));
/** In an interrupt-context function every sleeping op is. */
const sleeps = (event: OpEvent): boolean => event.op.sleeps === true;

const perRoot = new RootMemo<Finding[]>();

export function check(input: CheckInput): Finding[] {
  const found = new Map<string, Finding>();
  const keep = (findings: readonly Finding[]): void => {
    for (const f of findings) if (!found.has(locKey(f.loc))) found.set(locKey(f.loc), f);
  };
  for (const walk of processWalks(input)) {
    const events = walk.select(sleepsInAtomicState);
    if (events.length > 0) keep(perRoot.get(input.graph, walk, '', (lookups) => rootFindings(input, lookups, events)));
  }
  for (const handler of irqContextsInWalkOrder(input)) {
    const walk = rootWalk(input.graph, handler.fn);
    const events = walk.select(sleeps);
    if (events.length > 0) keep(perRoot.get(input.graph, walk, handlerKey(handler), (lookups) => rootFindings(input, lookups, events, handler)));
  }
  return sortFindings([...found.values()]);
}

/** One root's findings, each sleeping call once: the first path that shows it atomic. */
function rootFindings(input: CheckInput, lookups: GraphLookups, events: readonly OpEvent[], handler?: IrqContextFunction): Finding[] {
  const found = new Map<string, Finding>();
  for (const event of events) {
    if (found.has(locKey(event.call.loc))) continue;
    const sites = callSitesTo(lookups, event.root, event.chain, event.call) ?? [];
    if (testsContext(lookups, event, sites)) continue;
    const causes = atomicCauses(new SleepingCallPath(input, lookups, event, sites), handler);
    if (causes.length > 0) found.set(locKey(event.call.loc), finding(event, sites, causes));
  }
  return [...found.values()];
}

/** The path to one sleeping call: where each function on the chain called the next. */
class SleepingCallPath {
  private readonly bodies: (readonly Stmt[])[];
  /** The call each function on the chain makes next: the call site of the next function, then the sleeping call. */
  private readonly steps: CallStmt[];

  constructor(
    private readonly input: CheckInput,
    private readonly graph: GraphLookups,
    readonly event: OpEvent,
    sites: readonly CallStmt[],
  ) {
    this.bodies = bodiesAlong(graph, event.root, sites);
    this.steps = [...sites, event.call];
  }

  /** Does the atomic context begun by the held lock `h` still hold at the sleeping call? */
  holds(h: Held): boolean {
    const here = this.event.chain;
    let common = 0;
    while (common < h.chain.length && h.chain[common] === here[common]) common++;
    // Taken in a function still on the chain, or in a callee (a lock wrapper) that returned holding it.
    const active = common === h.chain.length;
    const depth = Math.max(0, common - 1);
    if (!this.certainlyTaken(h.loc, active ? depth : undefined)) return false;
    const text = h.object.text.replace(/\s+/g, '');
    return !this.mayBeUndone(active ? h.loc : undefined, depth, (call) =>
      mayReleaseByName(call.indirect?.member ?? call.callee) || call.args.some((a) => a.replace(/\s+/g, '') === text));
  }

  /** For a lock taken in a callee that returned holding it (a wrapper): where that callee was called on this path. */
  wrapperCall(h: Held): RelatedLocation | undefined {
    const here = this.event.chain;
    let common = 0;
    while (common < h.chain.length && h.chain[common] === here[common]) common++;
    if (common === h.chain.length || common === 0) return undefined;
    const [caller, callee] = [here[common - 1], h.chain[common]];
    const step = this.steps[common - 1]!;
    const calls = callsIn(this.bodies[common - 1] ?? []).filter((c) => before(c.loc, step.loc) && calleeOf(this.graph, c).name === callee);
    const call = calls[calls.length - 1];
    return call && { loc: call.loc, message: `${caller}() calls ${callee}() here, which returns with it ${h.family === 'rcu' ? 'open' : 'held'}` };
  }

  /** Is the IRQ or preemption state set by the op at `loc` still in force at the sleeping call? */
  stillOff(loc: SourceLoc): boolean {
    const found = this.bodies.findIndex((body) => callsIn(body).some((c) => locKey(c.loc) === locKey(loc)));
    const depth = found >= 0 ? found : undefined;
    return this.certainlyTaken(loc, depth)
      && !this.mayBeUndone(depth === undefined ? undefined : loc, depth ?? 0, (call) => mayEnableByName(call.indirect?.member ?? call.callee));
  }

  /**
   * False when the op at `loc` is a trylock whose failure arm holds the
   * sleeping call, or whose outcome this path cannot tell: the walk counts
   * a trylock as taken on every path.
   */
  private certainlyTaken(loc: SourceLoc, depth: number | undefined): boolean {
    const acquire = opCallAt(this.input, loc);
    const success = acquire?.op ? conditionalSuccess(acquire.op) : undefined;
    if (!acquire || !success) return true;
    if (depth === undefined) return false;
    const body = this.bodies[depth] ?? [];
    if (!callsIn(body).includes(acquire)) return false;
    return !notAcquiredRegion(body, acquire, success).has(this.steps[depth]!);
  }

  /**
   * Is there, between the op at `loc` and the sleeping call, a call the walk
   * could not follow (no definition in the model) that may have undone it:
   * an unknown `foo_unlock()`, a call passed the lock, an `..._irq_restore()`?
   * Without `loc` (the op was made in a callee that returned), every call
   * before the path's step at `depth` counts.
   */
  private mayBeUndone(loc: SourceLoc | undefined, depth: number, undoes: (call: CallStmt) => boolean): boolean {
    for (let d = depth; d < this.steps.length; d++) {
      const step = this.steps[d]!;
      for (const call of callsIn(this.bodies[d] ?? [])) {
        if ((d === depth && loc && !before(loc, call.loc)) || !before(call.loc, step.loc) || call.op) continue;
        if (call.body?.length || this.graph.targets(call).length > 0) continue;
        if (undoes(call)) return true;
      }
    }
    return false;
  }
}

function before(a: SourceLoc, b: SourceLoc): boolean {
  return a.line < b.line || (a.line === b.line && a.col < b.col);
}

/** Is the sleeping call, or a call on the way to it, under a branch on the context (`in_atomic()`)? */
function testsContext(graph: GraphLookups, event: OpEvent, sites: readonly CallStmt[]): boolean {
  const bodies = bodiesAlong(graph, event.root, sites);
  const steps = [...sites, event.call];
  return steps.some((step, i) => insideBranchOn(bodies[i] ?? [], step, CONTEXT_TEST));
}

function atomicCauses(path: SleepingCallPath, handler: IrqContextFunction | undefined): Cause[] {
  const { held, cpu } = path.event.before;
  const causes: Cause[] = [];
  const atomic = held.filter((h) => ATOMIC_FAMILIES.has(h.family) && path.holds(h));
  const takenAt = (loc: SourceLoc) => atomic.find((h) => locKey(h.loc) === locKey(loc));
  for (const h of atomic) {
    const also: string[] = [];
    if (cpu.irqsOff && takenAt(cpu.irqsOff.loc) === h) also.push('IRQs');
    if (cpu.preemptOff && takenAt(cpu.preemptOff.loc) === h && /_bh$/.test(cpu.preemptOff.primitive)) also.push('bottom halves');
    causes.push(heldCause(h, also, path.wrapperCall(h)));
  }
  // IRQs or preemption turned off by a lock already listed are not a second reason.
  const irqs = cpu.irqsOff;
  if (irqs && !takenAt(irqs.loc) && path.stillOff(irqs.loc)) {
    causes.push({
      clause: `IRQs are disabled (${irqs.primitive}())`,
      related: [{ loc: irqs.loc, message: `IRQs disabled here by ${irqs.primitive}()` }],
    });
  }
  const preempt = cpu.preemptOff;
  if (preempt && !takenAt(preempt.loc) && path.stillOff(preempt.loc)) {
    const what = preempt.primitive === 'local_bh_disable' ? 'bottom halves' : 'preemption';
    causes.push({
      clause: `${what} ${what === 'preemption' ? 'is' : 'are'} disabled (${preempt.primitive}())`,
      related: [{ loc: preempt.loc, message: `${what} disabled here by ${preempt.primitive}()` }],
    });
  }
  if (handler) {
    causes.push({
      clause: `${handler.fn.name}() runs in ${contextWords(handler)} (${aRole(handler)} registered by ${handler.registeredBy})`,
      related: [registeredHere(handler)],
    });
  }
  return causes;
}

/**
 * A held lock as a cause; `also` lists what its acquire disabled too (IRQs,
 * bottom halves); `wrapper` is the call of the function that took it and returned.
 */
function heldCause(h: Held, also: readonly string[], wrapper: RelatedLocation | undefined): Cause {
  const related: RelatedLocation[] = [];
  if (h.family === 'rcu') {
    related.push({ loc: h.loc, message: takenHere(h.object, h.family, h.primitive) });
  } else {
    const disabled = also.join(' and ');
    const how = /trylock/.test(h.primitive) ? ` (${h.primitive}() succeeded)` : '';
    related.push({ loc: h.loc, message: `\`${written(h.object)}\` (${kindOf(h.family, h.mode)}) taken here${how}${disabled ? `; ${h.primitive}() also disables ${disabled}` : ''}` });
  }
  if (wrapper) related.push(wrapper);
  const disabled = also.join(' and ');
  const clause = h.family === 'rcu'
    ? `${describeLock(h.object, h.family)} is open`
    : `${describeLock(h.object, h.family, h.mode)} is held${disabled ? ` with ${disabled} disabled` : ''}`;
  return { clause, related };
}

function finding(event: OpEvent, sites: readonly CallStmt[], causes: readonly Cause[]): Finding {
  const { call } = event;
  const calls: RelatedLocation[] = sites.map((site, i) => ({
    loc: site.loc,
    message: `${event.chain[i]}() calls ${event.chain[i + 1]}() here`,
  }));
  return {
    code: 'RL006',
    severity: 'error',
    message: `\`${call.callee}(${call.args.join(', ')})\` may sleep, but it runs in atomic context: ${causes.map((c) => c.clause).join('; ')}`,
    loc: call.loc,
    related: [...causes.flatMap((c) => c.related), ...calls],
    evidence: { kind: 'pattern' },
  };
}
