// Exhaustive exploration within bounds: a depth-first search over states with
// three reductions that keep every end state, deadlock and property
// violation reachable (Godefroid's thesis, ch. 4-6):
//   - persistent sets (por.ts): from each state only the threads that might
//     conflict with the chosen thread's next step are tried;
//   - sleep sets: after trying step a then step b, a is not tried again
//     after b when they commute;
//   - state caching: a state already explored is not explored again, unless
//     this visit's sleep set is smaller (then only the steps that slept
//     before and are awake now are tried).
// Each transition of the scenario is a scheduling point on shared state, so
// the schedules explored are exactly the interleavings that matter.

import { explainBlocked, cpuName } from './deadlock';
import { Machine, type Effects, type RunOptions, type Transition } from './machine';
import { conflicts, persistentThreads, type Footprint } from './por';
import { updatePhaseViolations } from './properties';
import type { BoundHit, DeadlockReport, OutcomeReport, SimResult, SimStats, ViolationReport } from './results';
import { initialState, type Scenario } from './scenario';
import { stateKey, type SimState } from './state';
import { renderValue } from './values';
import { buildWitness } from './witness';
import type { Params } from './env';

export interface Bounds {
  /** Times a loop body (or a backward goto) may run in one execution; default 2. */
  loopUnroll?: number;
  /** Steps in one execution; default 2000. */
  maxDepth?: number;
  /** Distinct states; default 200 000. */
  maxStates?: number;
}

export interface Progress {
  executions: number;
  states: number;
  transitions: number;
  ms: number;
}

export interface SimulateOptions {
  bounds?: Bounds;
  /** Wall-clock budget; default 10 s. */
  budgetMs?: number;
  /** Checked every few hundred states; an AbortSignal will do. */
  signal?: { readonly aborted: boolean };
  onProgress?: (progress: Progress) => void;
  /** Parameter values the user fixes (`{ data: 0 }`); unfixed parameters are explored both ways. */
  params?: Params;
  /** Switch reductions off, to measure them. Default: both on. */
  reduction?: { partialOrder?: boolean; stateCache?: boolean };
}

export function runOptionsOf(options: Pick<SimulateOptions, 'params' | 'bounds'>): RunOptions {
  return { ...(options.params ? { params: options.params } : {}), loopBound: options.bounds?.loopUnroll ?? 2 };
}

interface Found { transitions: Transition[] }

const key = (t: Transition): string => `${t.thread}:${t.choice}`;

class Explorer {
  readonly machine: Machine;
  private readonly visited = new Map<string, Set<string>>();
  private readonly path: Transition[] = [];
  private readonly start = Date.now();
  private readonly stats: SimStats = { executions: 0, states: 0, transitions: 0, pruned: { total: 0, cached: 0, sleeping: 0, persistent: 0 }, ms: 0, boundHit: false };
  private readonly outcomes = new Map<string, Found & { report: Omit<OutcomeReport, 'witness'> }>();
  private readonly deadlocks = new Map<string, Found & { kind: 'deadlock' | 'stuck'; summary: string }>();
  private readonly violations = new Map<string, Found & { report: Omit<ViolationReport, 'witness'> }>();
  private readonly bounds = new Map<string, Found & { report: Omit<BoundHit, 'witness'> }>();
  private readonly maxDepth: number;
  private readonly maxStates: number;
  private readonly budgetMs: number;
  private readonly partialOrder: boolean;
  private readonly cache: boolean;
  private visits = 0;

  constructor(readonly scenario: Scenario, readonly options: SimulateOptions) {
    this.machine = new Machine(scenario, runOptionsOf(options));
    this.maxDepth = options.bounds?.maxDepth ?? 2000;
    this.maxStates = options.bounds?.maxStates ?? 200_000;
    this.budgetMs = options.budgetMs ?? 10_000;
    this.partialOrder = options.reduction?.partialOrder ?? true;
    this.cache = options.reduction?.stateCache ?? true;
  }

  run(): SimResult {
    const { state, effects } = this.machine.initial(initialState(this.scenario));
    this.noteEffects(effects);
    if (!effects.cut) this.visit(state, new Map());
    else this.stats.executions++;
    this.stats.ms = Date.now() - this.start;
    const witness = (found: Found) => buildWitness(this.scenario, this.machine, found.transitions);
    return {
      stats: this.stats,
      outcomes: [...this.outcomes.values()].map((o) => ({ ...o.report, witness: witness(o) })).sort((a, b) => a.key.localeCompare(b.key)),
      deadlocks: [...this.deadlocks.values()].map((d) => {
        const w = witness(d);
        const final = this.finalState(d.transitions);
        return { kind: d.kind, summary: d.summary, threads: explainBlocked(this.scenario, this.machine, final).threads, witness: w } satisfies DeadlockReport;
      }),
      violations: [...this.violations.values()].map((v) => ({ ...v.report, witness: witness(v) })),
      boundHits: [...this.bounds.values()].map((b) => ({ ...b.report, witness: witness(b) })),
    };
  }

  private finalState(transitions: readonly Transition[]): SimState {
    let { state } = this.machine.initial(initialState(this.scenario));
    for (const t of transitions) state = this.machine.apply(state, t).state;
    return state;
  }

  private stopped(): boolean {
    if (this.stats.stopped) return true;
    if (++this.visits % 128 !== 0) return false;
    const ms = Date.now() - this.start;
    if (this.options.signal?.aborted) this.stats.stopped = 'cancelled';
    else if (ms > this.budgetMs) this.stats.stopped = 'budget';
    if (this.visits % 2048 === 0) this.options.onProgress?.({ executions: this.stats.executions, states: this.stats.states, transitions: this.stats.transitions, ms });
    return this.stats.stopped !== undefined;
  }

  private visit(state: SimState, sleep: Map<string, Transition>): void {
    if (this.stopped()) return;
    let onlyWoken: Set<string> | undefined;
    if (this.cache) {
      const stateId = stateKey(state);
      const slept = this.visited.get(stateId);
      if (slept) {
        const woken = [...slept].filter((k) => !sleep.has(k));
        if (woken.length === 0) {
          this.stats.pruned.cached++;
          this.stats.pruned.total++;
          return;
        }
        onlyWoken = new Set(woken);
        this.visited.set(stateId, new Set([...slept].filter((k) => sleep.has(k))));
      } else {
        if (this.visited.size >= this.maxStates) {
          this.stats.stopped = 'states';
          this.stats.boundHit = true;
          return;
        }
        this.visited.set(stateId, new Set(sleep.keys()));
        this.stats.states++;
        this.checkState(state);
      }
    } else {
      this.stats.states++;
      this.checkState(state);
    }
    const options = this.machine.options(state);
    const enabled = options.flatMap((o) => o.enabled.map((choice) => ({ thread: o.thread, choice })));
    if (enabled.length === 0) {
      this.terminal(state);
      return;
    }
    if (this.path.length >= this.maxDepth) {
      this.stats.boundHit = true;
      this.stats.executions++;
      return;
    }
    const chosen = this.partialOrder ? new Set(persistentThreads(options)) : new Set(options.map((o) => o.thread));
    const candidates = enabled.filter((t) => chosen.has(t.thread));
    this.stats.pruned.persistent += enabled.length - candidates.length;
    this.stats.pruned.total += enabled.length - candidates.length;
    const footprints = new Map(options.map((o) => [o.thread, o.next]));
    const done: Transition[] = [];
    for (const transition of candidates) {
      const k = key(transition);
      if (this.partialOrder && sleep.has(k)) {
        this.stats.pruned.sleeping++;
        this.stats.pruned.total++;
        continue;
      }
      if (onlyWoken && !onlyWoken.has(k)) continue;
      const { state: next, effects } = this.machine.apply(state, transition);
      this.stats.transitions++;
      this.path.push(transition);
      this.noteEffects(effects);
      if (effects.cut) {
        this.stats.executions++;
      } else {
        const childSleep = new Map<string, Transition>();
        if (this.partialOrder) {
          for (const z of [...sleep.values(), ...done]) {
            if (independent(z, transition, footprints)) childSleep.set(key(z), z);
          }
        }
        this.visit(next, childSleep);
      }
      this.path.pop();
      done.push(transition);
      if (this.stats.stopped) return;
    }
  }

  private keep<T extends Found>(map: Map<string, T>, id: string, make: () => Omit<T, 'transitions'>): void {
    const known = map.get(id);
    if (known && known.transitions.length <= this.path.length) return;
    map.set(id, { ...make(), transitions: this.path.slice() } as T);
  }

  private noteEffects(effects: Effects): void {
    const label = (t: number) => this.scenario.threads[t]!.label;
    const locOf = (t: number, pc: number) => this.scenario.threads[t]!.info.program.instrs[pc]!.loc;
    for (const p of effects.problems) {
      this.keep(this.violations, `${p.property}|${label(p.thread)}|${p.pc}`, () => ({ report: { property: p.property, summary: `${cpuName(this.scenario, p.thread)}: ${p.message}`, loc: locOf(p.thread, p.pc), threads: [p.thread] } }));
    }
    const hits = [...effects.unrolled.map((u) => ({ ...u, kind: 'unrolled' as const })), ...(effects.cut ? [{ ...effects.cut, kind: 'retry' as const }] : [])];
    for (const hit of hits) {
      this.stats.boundHit = true;
      const loc = locOf(hit.thread, hit.pc);
      const summary = hit.kind === 'retry'
        ? `${cpuName(this.scenario, hit.thread)}: the loop at line ${loc.line + 1} still wants to go round after ${this.options.bounds?.loopUnroll ?? 2} iterations; this execution was abandoned there (raise the loop bound, or the retry may never end)`
        : `${cpuName(this.scenario, hit.thread)}: the loop at line ${loc.line + 1} has a condition RaceLens cannot evaluate; it was unrolled ${this.options.bounds?.loopUnroll ?? 2} times`;
      this.keep(this.bounds, `${hit.kind}|${label(hit.thread)}|${hit.pc}`, () => ({ report: { kind: hit.kind, summary, loc, thread: hit.thread } }));
    }
  }

  private checkState(state: SimState): void {
    for (const v of updatePhaseViolations(state, this.scenario.idioms)) {
      const reader = this.scenario.threads[v.reader]!;
      const updater = this.scenario.threads[v.updater]!;
      const domain = state.objects[v.idiom.domain];
      const since = domain?.kind === 'domain' ? domain.since[v.reader] ?? -1 : -1;
      const loc = reader.info.program.instrs[since >= 0 ? since : state.threads[v.reader]!.pc]!.loc;
      const summary = `${cpuName(this.scenario, v.reader)} is inside the ${v.idiom.domain} read side (entered at line ${loc.line + 1}) past its guard (${[...v.idiom.completions, ...v.idiom.flags, ...v.idiom.counters].join(', ')}) while ${cpuName(this.scenario, v.updater)} is in its update phase: guard published and synchronize on ${v.idiom.domain} returned`;
      this.keep(this.violations, `update-phase|${v.idiom.domain}|${reader.label}|${updater.label}`, () => ({ report: { property: 'update-phase-exclusion' as const, summary, loc, threads: [v.reader, v.updater] } }));
    }
  }

  private terminal(state: SimState): void {
    this.stats.executions++;
    if (state.threads.some((t) => t.status === 'running')) {
      const blocked = explainBlocked(this.scenario, this.machine, state);
      const id = `${blocked.kind}|${blocked.threads.map((b) => `${b.label}@${state.threads[b.thread]!.pc}`).join(',')}`;
      this.keep(this.deadlocks, id, () => ({ kind: blocked.kind, summary: `${blocked.kind}: ${blocked.summary}` }));
      return;
    }
    const report = outcomeOf(this.scenario, state);
    this.keep(this.outcomes, report.key, () => ({ report }));
  }
}

function independent(a: Transition, b: Transition, footprints: Map<number, Footprint>): boolean {
  if (a.thread === b.thread) return false;
  return !conflicts(footprints.get(a.thread) ?? 'any', footprints.get(b.thread) ?? 'any');
}

/** An end state as a reviewer reads it: each thread's return (or `ret`), and every shared value some thread writes. */
function outcomeOf(scenario: Scenario, state: SimState): Omit<OutcomeReport, 'witness'> {
  const threads = state.threads.map((t, thread) => {
    const value = t.ret !== undefined && t.ret !== null ? t.ret : t.locals.ret;
    return { thread, label: scenario.threads[thread]!.label, ret: value === undefined ? 'none' : renderValue(value) };
  });
  const values: Record<string, string> = {};
  for (const [id, info] of scenario.objects) {
    const cell = state.objects[id];
    if (info.kind === 'value' && info.written && cell?.kind === 'value') values[id] = renderValue(cell.value);
  }
  const after = Object.entries(state.monitor.violated).filter(([, broken]) => broken).map(([domain]) => `update-phase exclusion on ${domain}`);
  const key = [...threads.map((t) => `${t.label}: ret = ${t.ret}`), ...Object.entries(values).map(([id, v]) => `${id} = ${v}`), ...after.map((a) => `after ${a} was broken`)].join(' | ');
  return { key, threads, values, after };
}

export function simulate(scenario: Scenario, options: SimulateOptions = {}): SimResult {
  return new Explorer(scenario, options).run();
}
