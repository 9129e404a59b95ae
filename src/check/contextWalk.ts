// Walks every root of the call graph with its callees inlined, tracking what
// is held at each operation: locks (and how), read-side sections, IRQ and
// preemption state. Checks subscribe to the operations they care about.
//
// Paths are merged conservatively: after a branch only what every arm still
// holds counts as held, so a check never reports a lock that one path took
// and another did not. Arms that end in return or goto do not flow on.

import type { CallGraph } from '../model/callGraph';
import type { CheckInput } from './input';
import { LookupRecord, type GraphLookups } from './lookupRecord';
import { perInput } from './memo';
import type { CallStmt, FunctionSummary, ObjectRef, SourceLoc, Stmt, SyncOp } from '../model/types';

export interface Held {
  object: ObjectRef;
  /** exclusive, shared (rwlock/rwsem readers), or recursive-read (SRCU/RCU readers, as lockdep treats them). */
  mode: 'exclusive' | 'shared' | 'recursive-read';
  family: SyncOp['family'];
  primitive: string;
  loc: SourceLoc;
  /** The call chain from the root to the acquire. */
  chain: readonly string[];
}

export interface CpuContext {
  /** Where IRQs were disabled (local_irq_*, spin_lock_irq*), if they are. */
  irqsOff?: { primitive: string; loc: SourceLoc };
  /** Where preemption was disabled, if it is. */
  preemptOff?: { primitive: string; loc: SourceLoc };
}

export interface WalkState {
  held: Held[];
  cpu: CpuContext;
}

export interface OpEvent {
  root: FunctionSummary;
  call: CallStmt;
  op: SyncOp;
  /** Function names from the root to the function making the call. */
  chain: readonly string[];
  /** The state just before the op. */
  before: WalkState;
}

export type OpVisitor = (event: OpEvent) => void;

const MAX_DEPTH = 12;

/**
 * One root's walk: its events, kept with the lookups that produced them.
 * After an edit elsewhere, a root whose callees did not change keeps its
 * walk object (the editor re-checks on every keystroke), so checks can
 * cache their work on it.
 */
export class RootWalk {
  private readonly selections = new Map<(event: OpEvent) => boolean, readonly OpEvent[]>();

  constructor(readonly root: FunctionSummary, readonly events: readonly OpEvent[], readonly lookups: LookupRecord) {}

  /** The events passing `test`, filtered once per walk: pass the same function object each time. */
  select(test: (event: OpEvent) => boolean): readonly OpEvent[] {
    let chosen = this.selections.get(test);
    if (!chosen) {
      chosen = this.events.filter(test);
      this.selections.set(test, chosen);
    }
    return chosen;
  }
}

const walks = new WeakMap<FunctionSummary, RootWalk>();

/** The walk of `root` in `graph`: the last one if its lookups still hold, else a new one. */
export function rootWalk(graph: CallGraph, root: FunctionSummary): RootWalk {
  const known = walks.get(root);
  if (known && known.lookups.holdsIn(graph)) return known;
  const lookups = new LookupRecord();
  const events: OpEvent[] = [];
  new Walker(lookups.recording(graph), root, (event) => events.push(event), new Map()).walk(root.body, initialState(root), [root.name]);
  const walk = new RootWalk(root, events, lookups);
  walks.set(root, walk);
  return walk;
}

/** The walks of an input's roots, in order (looked up once per run, shared by the checks). */
export const rootWalks = perInput((input: CheckInput): RootWalk[] => input.roots.map((root) => rootWalk(input.graph, root)));

/**
 * Runs `visit` on every sync op of the walks (every op reachable from their
 * roots), with the state before it; with `test`, only on the ops passing it
 * (see RootWalk.select).
 */
export function forEachEvent(walks: readonly RootWalk[], visit: OpVisitor, test?: (event: OpEvent) => boolean): void {
  for (const walk of walks) {
    for (const event of test ? walk.select(test) : walk.events) visit(event);
  }
}

/** A function annotated `__must_hold(x)` starts with x held. */
function initialState(root: FunctionSummary): WalkState {
  const held: Held[] = root.annotations.mustHold.map((id) => ({
    object: { id, text: id, identifiedBy: `\`__must_hold(${id})\` on ${root.name}()` },
    mode: 'exclusive', family: 'mutex', primitive: '__must_hold', loc: root.loc, chain: [root.name],
  }));
  return { held, cpu: {} };
}

/** The outcome of walking a body: the state falling out of its end, and at each return. */
interface Flow {
  end: WalkState | undefined;
  returns: WalkState[];
  breaks: WalkState[];
}

class Walker {
  private readonly labels = new Map<string, WalkState[]>();

  constructor(
    private readonly graph: GraphLookups,
    private readonly root: FunctionSummary,
    private readonly visit: OpVisitor,
    /** A callee already walked in the same context leaves the same state: walk it once. */
    private readonly summaries: Map<string, WalkState>,
  ) {}

  walk(body: readonly Stmt[], state: WalkState, chain: readonly string[]): Flow {
    let current: WalkState | undefined = state;
    const returns: WalkState[] = [];
    const breaks: WalkState[] = [];
    for (const stmt of body) {
      if (!current) {
        // Unreachable by fallthrough; a label makes it reachable again through gotos.
        if (stmt.kind !== 'label') continue;
      }
      switch (stmt.kind) {
        case 'call':
          current = this.call(stmt, current!, chain);
          break;
        case 'branch': {
          const then = this.walk(stmt.then, clone(current!), chain);
          const other = this.walk(stmt.else, clone(current!), chain);
          returns.push(...then.returns, ...other.returns);
          breaks.push(...then.breaks, ...other.breaks);
          current = meet([then.end, other.end]);
          break;
        }
        case 'switch': {
          const ends: (WalkState | undefined)[] = stmt.cases.some((c) => c.labels.includes('default')) ? [] : [current];
          for (const c of stmt.cases) {
            const flow = this.walk(c.body, clone(current!), chain);
            returns.push(...flow.returns);
            ends.push(flow.end, ...flow.breaks);
          }
          current = meet(ends);
          break;
        }
        case 'loop': {
          const head = this.walk(stmt.head, clone(current!), chain);
          const body = this.walk(stmt.body, clone(head.end ?? current!), chain);
          returns.push(...head.returns, ...body.returns);
          current = meet([head.end, body.end, ...body.breaks]);
          break;
        }
        case 'return':
          returns.push(current!);
          current = undefined;
          break;
        case 'goto':
          this.labels.set(stmt.label, [...(this.labels.get(stmt.label) ?? []), current!]);
          current = undefined;
          break;
        case 'label':
          current = meet([current, ...(this.labels.get(stmt.name) ?? [])]);
          break;
        case 'break':
          breaks.push(current!);
          current = undefined;
          break;
        case 'continue':
          current = undefined;
          break;
        default:
          break;
      }
    }
    return { end: current, returns, breaks };
  }

  private call(call: CallStmt, state: WalkState, chain: readonly string[]): WalkState {
    if (call.op) {
      this.visit({ root: this.root, call, op: call.op, chain, before: clone(state) });
      return apply(state, call.op, call.loc, chain);
    }
    const notesBody = call.body && call.body.length > 0 ? call.body : undefined;
    const target = call.dispatch?.[0] ?? this.graph.targets(call)[0]?.name;
    const definition = notesBody ? undefined : target ? this.graph.definition(target) : undefined;
    const body = notesBody ?? definition?.body;
    const name = target ?? call.callee;
    if (!body || chain.includes(name) || chain.length >= MAX_DEPTH) return state;
    const key = `${notesBody ? `${call.loc.file}:${call.loc.line}` : name}|${contextKey(state)}`;
    const known = this.summaries.get(key);
    if (known) return clone(known);
    const flow = new Walker(this.graph, this.root, this.visit, this.summaries).walk(body, state, [...chain, name]);
    const after = meet([flow.end, ...flow.returns]) ?? state;
    this.summaries.set(key, clone(after));
    return after;
  }
}

function contextKey(state: WalkState): string {
  return `${state.held.map((h) => `${h.object.id}:${h.mode}`).join(',')}|${state.cpu.irqsOff ? 'irq' : ''}|${state.cpu.preemptOff ? 'pre' : ''}`;
}

function clone(state: WalkState): WalkState {
  return { held: [...state.held], cpu: { ...state.cpu } };
}

/** What every incoming path agrees on. Undefined when no path arrives. */
function meet(states: readonly (WalkState | undefined)[]): WalkState | undefined {
  const live = states.filter((s): s is WalkState => s !== undefined);
  if (live.length === 0) return undefined;
  const [first, ...rest] = live;
  const held = first!.held.filter((h) => rest.every((s) => s.held.some((o) => o.object.id === h.object.id && o.mode === h.mode)));
  const cpu: CpuContext = {};
  if (live.every((s) => s.cpu.irqsOff)) cpu.irqsOff = first!.cpu.irqsOff!;
  if (live.every((s) => s.cpu.preemptOff)) cpu.preemptOff = first!.cpu.preemptOff!;
  return { held, cpu };
}

/** The state after `op`: acquisitions pushed, releases popped, CPU state updated. */
export function apply(state: WalkState, op: SyncOp, loc: SourceLoc, chain: readonly string[]): WalkState {
  const next = clone(state);
  const object = op.object;
  const acquiring = op.action === 'acquire' || op.action === 'try_acquire' || op.action === 'read_lock';
  const releasing = op.action === 'release' || op.action === 'read_unlock';
  if (op.primitive === 'downgrade_write' && object) {
    // The write hold becomes a read hold of the same rwsem.
    const at = findLastIndex(next.held, (h) => h.object.id === object.id);
    if (at >= 0) next.held[at] = { ...next.held[at]!, mode: 'shared' };
  } else if (acquiring && object) {
    const mode = op.action === 'read_lock' ? 'recursive-read' : op.mode === 'shared' ? 'shared' : 'exclusive';
    next.held.push({ object, mode, family: op.family, primitive: op.primitive, loc, chain });
  } else if (releasing && object) {
    const at = findLastIndex(next.held, (h) => h.object.id === object.id);
    if (at >= 0) next.held.splice(at, 1);
  }
  const effect = op.cpuEffect;
  if ((acquiring && (effect === 'irq' || effect === 'irqsave')) || op.action === 'irq_disable' || op.action === 'irq_save') {
    next.cpu.irqsOff ??= { primitive: op.primitive, loc };
  } else if ((releasing && (effect === 'irq' || effect === 'irqsave')) || op.action === 'irq_enable' || op.action === 'irq_restore') {
    delete next.cpu.irqsOff;
  }
  if (op.action === 'preempt_disable' || (acquiring && effect === 'bh')) next.cpu.preemptOff ??= { primitive: op.primitive, loc };
  else if (op.action === 'preempt_enable' || (releasing && effect === 'bh')) delete next.cpu.preemptOff;
  return next;
}

function findLastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}
