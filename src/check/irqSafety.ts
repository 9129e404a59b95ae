// RL007: IRQ-safety inversion. A spinlock (raw spinlock, rwlock) that an
// interrupt-context function takes must be taken everywhere else with that
// interrupt kept off this CPU: with IRQs disabled when a hard IRQ handler
// takes it, with bottom halves (or IRQs) disabled when a softirq callback
// does. Otherwise the interrupt can arrive while this CPU holds the lock and
// spin on it forever. Interrupt-context functions come from their
// registrations (irqContext.ts). Reported at the unprotected acquire, with
// the handler's acquire and the registration as related locations.

import type { CallStmt, SyncOp } from '../model/types';
import { bodiesAlong, callSitesTo, callsIn, locKey } from './callSites';
import { forEachEvent, type OpEvent, type WalkState } from './contextWalk';
import { sortFindings, type Finding, type RelatedLocation } from './finding';
import type { CheckInput } from './input';
import { aRole, contextWords, processWalks, registeredHere, walkIrqContexts, type IrqContextFunction } from './irqContext';
import { describeLock, written } from './lockWords';

const SPINNING_FAMILIES: ReadonlySet<string> = new Set(['spinlock', 'raw_spinlock', 'rwlock']);

/**
 * A root nobody in the model calls runs in whatever context its unseen
 * callers give it. Names that say "called from interrupt context or with
 * IRQs off" are not taken for process context.
 */
const UNKNOWN_CONTEXT_ROOT = /^__|_(?:irq|isr|interrupt|intr|handler|locked|irqoff|irqsoff|atomic|nolock)$/;

/** Calls that show a function knows (or controls) its interrupt context: keep quiet about it. */
const CONTEXT_AWARE = /^(?:irqs_disabled|in_irq|in_hardirq|in_interrupt|in_softirq|in_serving_softirq|in_atomic|lockdep_assert_irqs_disabled|lockdep_assert_in_irq|lockdep_assert_in_softirq)$/;
/** Calls that keep a hard IRQ handler from running on this path. */
const HARDIRQ_KEPT_OFF = /^(?:disable_irq|disable_irq_nosync|disable_hardirq|free_irq|devm_free_irq)$/;
/** Calls that keep a softirq callback from running. */
const SOFTIRQ_KEPT_OFF = /^(?:tasklet_disable|tasklet_disable_nosync|tasklet_disable_in_atomic|tasklet_kill|del_timer_sync|timer_delete_sync|timer_shutdown_sync|hrtimer_cancel)$/;

type InterruptKind = 'hardirq' | 'softirq';

/** An acquire made in interrupt context, and the path from its handler to it. */
interface InterruptUse {
  event: OpEvent;
  handler: IrqContextFunction;
  sites: CallStmt[];
  exclusive: boolean;
}

export function check(input: CheckInput): Finding[] {
  const uses = interruptUses(input);
  if (uses.size === 0) return [];
  const found = new Map<string, Finding>();
  const consider = (event: OpEvent, taker?: IrqContextFunction): void => {
    const { op, call } = event;
    if (found.has(locKey(call.loc))) return;
    const byKind = uses.get(op.object!.id);
    if (!byKind || (!taker && UNKNOWN_CONTEXT_ROOT.test(event.root.name))) return;
    const sites = callSitesTo(input.graph, event.root, event.chain, call) ?? [];
    const called = new Set(bodiesAlong(input.graph, event.root, sites).flatMap((body) => callsIn(body).map((c) => c.callee)));
    if ([...called].some((name) => CONTEXT_AWARE.test(name))) return;
    for (const kind of ['hardirq', 'softirq'] as const) {
      const use = byKind.get(kind);
      // Softirqs do not interrupt each other on one CPU; readers of an rwlock may nest.
      if (!use || (taker && kind === 'softirq') || (!use.exclusive && op.mode === 'shared')) continue;
      if (keptOff(kind, op, event.before)) continue;
      // disable_irq() and friends keep the handler away (not the interrupt): so much for the pattern.
      if ([...called].some((name) => (kind === 'hardirq' ? HARDIRQ_KEPT_OFF : SOFTIRQ_KEPT_OFF).test(name))) return;
      found.set(locKey(call.loc), finding(event, sites, kind, use, taker));
      return;
    }
  };
  forEachEvent(processWalks(input), (event) => consider(event), takesSpinningLock);
  // A softirq callback is itself interruptible by hard IRQs.
  walkIrqContexts(input, (event, handler) => {
    if (handler.kind === 'softirq' && !handler.irqsOff) consider(event, handler);
  }, takesSpinningLock);
  return sortFindings([...found.values()]);
}

/** Takes a spinlock, raw spinlock or rwlock (trylocks included). */
function takesSpinningLock({ op }: OpEvent): boolean {
  return (op.action === 'acquire' || op.action === 'try_acquire') && SPINNING_FAMILIES.has(op.family) && op.object !== undefined;
}

/** Spinning-lock acquires in hard and soft interrupt context, by object class; writers preferred (they conflict with everyone). */
function interruptUses(input: CheckInput): Map<string, Map<InterruptKind, InterruptUse>> {
  const uses = new Map<string, Map<InterruptKind, InterruptUse>>();
  walkIrqContexts(input, (event, handler) => {
    // A trylock in the handler never spins: it cannot be the one stuck.
    if (handler.kind === 'irqs-off' || event.op.action === 'try_acquire') return;
    const byKind = uses.get(event.op.object!.id) ?? new Map<InterruptKind, InterruptUse>();
    const known = byKind.get(handler.kind);
    const exclusive = event.op.mode !== 'shared';
    if (known && (known.exclusive || !exclusive)) return;
    const sites = callSitesTo(input.graph, event.root, event.chain, event.call) ?? [];
    byKind.set(handler.kind, { event, handler, sites, exclusive });
    uses.set(event.op.object!.id, byKind);
  }, takesSpinningLock);
  return uses;
}

/** Is the interrupt of `kind` kept off this CPU while `op` holds the lock? */
function keptOff(kind: InterruptKind, op: SyncOp, before: WalkState): boolean {
  if (op.cpuEffect === 'irq' || op.cpuEffect === 'irqsave' || before.cpu.irqsOff) return true;
  if (kind === 'hardirq') return false;
  const bh = (primitive: string) => primitive === 'local_bh_disable' || /_bh$/.test(primitive);
  return op.cpuEffect === 'bh' || (before.cpu.preemptOff !== undefined && bh(before.cpu.preemptOff.primitive)) || before.held.some((h) => bh(h.primitive));
}

/** The variant that would keep the interrupt off: `spin_lock` -> `spin_lock_irqsave` / `spin_lock_bh`. */
function safeVariant(primitive: string, kind: InterruptKind): string {
  const base = primitive.replace(/_(?:irqsave_nested|nested|irqsave|irq|bh)$/, '');
  return `${base}_${kind === 'hardirq' ? 'irqsave' : 'bh'}`;
}

function finding(event: OpEvent, sites: readonly CallStmt[], kind: InterruptKind, use: InterruptUse, taker: IrqContextFunction | undefined): Finding {
  const { op, call } = event;
  const object = op.object!;
  const { handler } = use;
  const enabled = kind === 'hardirq' ? 'IRQs enabled' : 'bottom halves enabled';
  const interrupt = kind === 'hardirq' ? 'an interrupt' : 'a softirq';
  const reached = event.chain.length > 1 ? ` (reached from ${event.chain[0]}())` : '';
  const where = taker ? ` in ${contextWords(taker)} (${taker.fn.name}(), ${aRole(taker)})` : reached;
  const related: RelatedLocation[] = [
    { loc: use.event.call.loc, message: `\`${written(use.event.op.object!)}\` taken in ${contextWords(handler)} here by ${use.event.op.primitive}()` },
    ...use.sites.map((site, i) => ({ loc: site.loc, message: `${use.event.chain[i]}() calls ${use.event.chain[i + 1]}() here` })),
    registeredHere(handler),
    ...(taker ? [registeredHere(taker)] : []),
    ...sites.map((site, i) => ({ loc: site.loc, message: `${event.chain[i]}() calls ${event.chain[i + 1]}() here` })),
  ];
  return {
    code: 'RL007',
    severity: 'error',
    message: `${describeLock(object, op.family, op.mode)} is taken here${where} by ${op.primitive}() with ${enabled}, `
      + `but ${handler.fn.name}() (${aRole(handler)}) also takes it in ${contextWords(handler)}: if ${interrupt} arrives while this CPU holds it, `
      + `the ${handler.role} spins on it forever; take it with ${safeVariant(op.primitive, kind)}() here`,
    loc: call.loc,
    related,
    evidence: { kind: 'pattern' },
  };
}
