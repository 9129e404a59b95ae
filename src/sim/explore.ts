// Exhaustive exploration within bounds: a depth-first search over states with
// reductions that keep every end state, deadlock and property violation
// reachable (Godefroid's thesis, ch. 4-6):
//   - persistent sets (por.ts): from each state only the threads that might
//     conflict with the chosen thread's next step are tried;
//   - sleep sets: after trying step a then step b, a is not tried again
//     after b when they commute;
//   - state caching: a state already explored is not explored again, unless
//     this visit's sleep set is smaller (then only the steps that slept
//     before and are awake now are tried);
//   - symmetry: states that differ only by a permutation of threads running
//     the same entry point are one state (symmetry.ts), and of two such
//     threads in the same local state only one takes its step; what is
//     found is expanded to every permutation at the end (findings.ts).
// Each transition of the scenario is a scheduling point on shared state, so
// the schedules explored are exactly the interleavings that matter.

import { Findings } from './findings';
import { Machine, type Effects, type RunOptions, type Transition } from './machine';
import { conflicts, persistentThreads, type Footprint } from './por';
import type { SimResult, SimStats } from './results';
import { initialState, type Scenario } from './scenario';
import type { SimState } from './state';
import { canonicalState, interchangeable, NO_SYMMETRY, StateTable, symmetryOf, type CanonicalState, type Parent, type Symmetry } from './symmetry';
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
  /** Switch reductions off, to measure them. Default: all on (symmetry needs the state cache). */
  reduction?: { partialOrder?: boolean; stateCache?: boolean; symmetry?: boolean };
}

export function runOptionsOf(options: Pick<SimulateOptions, 'params' | 'bounds'>): RunOptions {
  return { ...(options.params ? { params: options.params } : {}), loopBound: options.bounds?.loopUnroll ?? 2 };
}

/** A transition as a small integer, numbered by the thread's canonical position: sleep sets are compared as such. */
const CHOICES = 1024;
const idOf = (t: Transition, rank: readonly number[]): number => rank[t.thread]! * CHOICES + t.choice + 1;

/** What the cache keeps of an explored state. */
interface Seen {
  /** The transitions (canonical ids) asleep when it was explored. */
  asleep: number[];
  /** It is an end state (nothing can run). */
  end: boolean;
}

class Explorer {
  readonly machine: Machine;
  /** Per canonical state: what the cache keeps of it. */
  private readonly visited = new StateTable<Seen>();
  private readonly path: Transition[] = [];
  private readonly start = Date.now();
  private readonly stats: SimStats = { executions: 0, states: 0, transitions: 0, pruned: { total: 0, cached: 0, sleeping: 0, persistent: 0 }, ms: 0, boundHit: false };
  private readonly findings: Findings;
  private readonly symmetry: Symmetry;
  private readonly maxDepth: number;
  private readonly maxStates: number;
  private readonly budgetMs: number;
  private readonly partialOrder: boolean;
  private readonly cache: boolean;
  private visits = 0;

  constructor(readonly scenario: Scenario, readonly options: SimulateOptions) {
    this.machine = new Machine(scenario, runOptionsOf(options));
    this.findings = new Findings(scenario, this.machine, options.bounds?.loopUnroll ?? 2);
    this.maxDepth = options.bounds?.maxDepth ?? 2000;
    this.maxStates = options.bounds?.maxStates ?? 200_000;
    this.budgetMs = options.budgetMs ?? 10_000;
    this.partialOrder = options.reduction?.partialOrder ?? true;
    this.cache = options.reduction?.stateCache ?? true;
    // Symmetry works through the state cache: without a cache there is nothing to fold.
    this.symmetry = this.cache && (options.reduction?.symmetry ?? true) ? symmetryOf(scenario) : NO_SYMMETRY(scenario);
  }

  run(): SimResult {
    const { state, effects } = this.machine.initial(initialState(this.scenario));
    this.noteEffects(effects);
    if (!effects.cut) this.visit(state, []);
    else this.stats.executions++;
    if (!this.stats.stopped) this.findings.expand(this.symmetry);
    this.stats.ms = Date.now() - this.start;
    return { stats: this.stats, ...this.findings.results() };
  }

  private stopped(): boolean {
    if (this.stats.stopped) return true;
    if (++this.visits % 128 !== 0) return false;
    const ms = Date.now() - this.start;
    if (this.options.signal?.aborted) this.stats.stopped = 'cancelled';
    else if (ms > this.budgetMs) this.stats.stopped = 'budget';
    if (this.visits % 256 === 0) this.options.onProgress?.({ executions: this.stats.executions, states: this.stats.states, transitions: this.stats.transitions, ms });
    return this.stats.stopped !== undefined;
  }

  /** The cache's verdict on a state: explore everything awake, only the transitions woken since last time, or nothing. */
  private lookup(state: SimState, sleep: readonly Transition[], parent: Parent | undefined): { explore: boolean; woken?: Set<number>; rank: number[]; seen?: Seen; canonical: CanonicalState } {
    const canonical = canonicalState(state, this.symmetry, parent);
    const { rank } = canonical;
    const asleep = sleep.map((t) => idOf(t, rank));
    const seen = this.visited.get(canonical);
    if (seen) {
      const woken = seen.asleep.filter((id) => !asleep.includes(id));
      if (woken.length === 0) {
        this.stats.pruned.cached++;
        this.stats.pruned.total++;
        // A run that arrives at an end state already seen is a complete run all the same.
        if (seen.end) this.stats.executions++;
        return { explore: false, rank, canonical };
      }
      seen.asleep = seen.asleep.filter((id) => asleep.includes(id));
      return { explore: true, woken: new Set(woken), rank, seen, canonical };
    }
    if (this.visited.size >= this.maxStates) {
      this.stats.stopped = 'states';
      this.stats.boundHit = true;
      return { explore: false, rank, canonical };
    }
    const fresh: Seen = { asleep, end: false };
    this.visited.add(canonical, fresh);
    this.stats.states++;
    this.checkState(state);
    return { explore: true, rank, seen: fresh, canonical };
  }

  private visit(state: SimState, sleep: readonly Transition[], parent?: Parent): void {
    if (this.stopped()) return;
    let woken: Set<number> | undefined;
    let rank: number[] | undefined;
    let seen: Seen | undefined;
    let canonical: CanonicalState | undefined;
    if (this.cache) {
      const found = this.lookup(state, sleep, parent);
      if (!found.explore) return;
      ({ woken, rank, seen, canonical } = found);
    } else {
      this.stats.states++;
      this.checkState(state);
    }
    const options = this.machine.options(state);
    let enabledCount = 0;
    for (const o of options) enabledCount += o.enabled.length;
    if (enabledCount === 0) {
      if (seen) seen.end = true;
      this.terminal(state);
      return;
    }
    if (this.path.length >= this.maxDepth) {
      this.stats.boundHit = true;
      this.stats.executions++;
      return;
    }
    const chosen = this.partialOrder ? persistentThreads(options) : options.map((o) => o.thread);
    const footprints: Footprint[] = [];
    const candidates: Transition[] = [];
    for (const o of options) {
      footprints[o.thread] = o.next;
      if (chosen.includes(o.thread)) for (const choice of o.enabled) candidates.push({ thread: o.thread, choice });
    }
    this.stats.pruned.persistent += enabledCount - candidates.length;
    this.stats.pruned.total += enabledCount - candidates.length;
    const done: Transition[] = [];
    const taken: Transition[] = [];
    for (const transition of candidates) {
      if (this.partialOrder && sleep.some((z) => z.thread === transition.thread && z.choice === transition.choice)) {
        this.stats.pruned.sleeping++;
        this.stats.pruned.total++;
        continue;
      }
      if (woken && !woken.has(idOf(transition, rank!))) continue;
      // The same step of a thread interchangeable with one already taken leads to a symmetric state: covered.
      if (canonical && this.symmetry.classes.length > 0 && taken.some((x) => x.choice === transition.choice && interchangeable(state, this.symmetry, canonical!, x.thread, transition.thread))) {
        this.stats.pruned.cached++;
        this.stats.pruned.total++;
        done.push(transition);
        continue;
      }
      taken.push(transition);
      const { state: next, effects } = this.machine.apply(state, transition);
      this.stats.transitions++;
      this.path.push(transition);
      this.noteEffects(effects);
      if (effects.cut) {
        this.stats.executions++;
      } else {
        const childSleep: Transition[] = [];
        if (this.partialOrder) {
          for (const z of sleep) if (independent(z, transition, footprints)) childSleep.push(z);
          for (const z of done) if (independent(z, transition, footprints)) childSleep.push(z);
        }
        this.visit(next, childSleep, canonical ? { state, canonical, mover: transition.thread } : undefined);
      }
      this.path.pop();
      done.push(transition);
      if (this.stats.stopped) return;
    }
  }

  private noteEffects(effects: Effects): void {
    if (effects.unrolled.length === 0 && !effects.cut && effects.problems.length === 0) return;
    if (effects.unrolled.length > 0 || effects.cut) this.stats.boundHit = true;
    for (const found of this.findings.ofEffects(effects)) this.findings.keep(found, this.path);
  }

  private checkState(state: SimState): void {
    for (const found of this.findings.ofState(state)) this.findings.keep(found, this.path);
  }

  private terminal(state: SimState): void {
    this.stats.executions++;
    this.findings.keep(this.findings.ofTerminal(state), this.path);
  }
}

function independent(a: Transition, b: Transition, footprints: readonly Footprint[]): boolean {
  if (a.thread === b.thread) return false;
  return !conflicts(footprints[a.thread] ?? 'any', footprints[b.thread] ?? 'any');
}

export function simulate(scenario: Scenario, options: SimulateOptions = {}): SimResult {
  return new Explorer(scenario, options).run();
}
