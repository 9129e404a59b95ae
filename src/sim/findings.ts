// What the explorer finds, kept once per key with the shortest schedule that
// reaches it: outcomes (end states), deadlocks, property violations and
// loop-bound hits. Under symmetry reduction (symmetry.ts) the explorer sees
// one execution per orbit; `expand` adds every finding's images under the
// permutations of identical threads (one per distinct arrangement of what
// the threads contribute to its key), with the permuted schedule as its
// witness: an outcome, violation or bound hit is renamed, a deadlock is
// derived again by replaying (its explanation names several CPUs). So the
// report is the one the full search gives.

import { cpuName, explainBlocked } from './deadlock';
import type { Effects, Machine, Transition } from './machine';
import { updatePhaseViolations } from './properties';
import type { BoundHit, OutcomeReport, SimResult, ViolationReport } from './results';
import { initialState, type Scenario } from './scenario';
import type { SimState } from './state';
import { arrangements, type Symmetry } from './symmetry';
import { renderValue } from './values';
import { buildWitness } from './witness';

type Kind = 'outcome' | 'deadlock' | 'violation' | 'bound';

interface Entry {
  transitions: Transition[];
  report: Record<string, unknown>;
  /** The key of this finding's image under a thread permutation. */
  keyUnder(sigma: readonly number[]): string;
  /** The image's report, when renaming threads is enough; otherwise it is found by replaying the permuted schedule. */
  reportUnder?(sigma: readonly number[]): Record<string, unknown>;
  /** What a thread contributes to the key: threads with equal roles are never worth swapping. */
  roleOf(thread: number): string;
}

interface Candidate { kind: Kind; key: string; entry: Omit<Entry, 'transitions'> }

export class Findings {
  private readonly maps: Record<Kind, Map<string, Entry>> = { outcome: new Map(), deadlock: new Map(), violation: new Map(), bound: new Map() };

  constructor(private readonly scenario: Scenario, private readonly machine: Machine, private readonly loopUnroll: number) {}

  private label(t: number): string { return this.scenario.threads[t]!.label; }

  /** Keeps a candidate if its key is new or its schedule shorter. */
  keep(candidate: Candidate, path: readonly Transition[]): void {
    const map = this.maps[candidate.kind];
    const known = map.get(candidate.key);
    if (known && known.transitions.length <= path.length) return;
    map.set(candidate.key, { ...candidate.entry, transitions: path.slice() });
  }

  /** Problems and loop-bound hits a transition reported. */
  ofEffects(effects: Effects): Candidate[] {
    const found: Candidate[] = [];
    const locOf = (t: number, pc: number) => this.scenario.threads[t]!.info.program.instrs[pc]!.loc;
    for (const p of effects.problems) {
      const keyUnder = (s: readonly number[]): string => `${p.property}|${this.label(s[p.thread]!)}|${p.pc}`;
      // Messages name no CPU (the semantics say what, the summary says who).
      const reportUnder = (s: readonly number[]) => ({ property: p.property, summary: `${cpuName(this.scenario, s[p.thread]!)}: ${p.message}`, loc: locOf(p.thread, p.pc), threads: [s[p.thread]!] });
      found.push({ kind: 'violation', key: keyUnder(this.identity), entry: { keyUnder, reportUnder, report: reportUnder(this.identity), roleOf: (t) => (t === p.thread ? 'x' : '') } });
    }
    const hits = [...effects.unrolled.map((u) => ({ ...u, kind: 'unrolled' as const })), ...(effects.cut ? [{ ...effects.cut, kind: 'retry' as const }] : [])];
    for (const hit of hits) {
      const loc = locOf(hit.thread, hit.pc);
      const reportUnder = (s: readonly number[]) => {
        const cpu = cpuName(this.scenario, s[hit.thread]!);
        const summary = hit.kind === 'retry'
          ? `${cpu}: the loop at line ${loc.line + 1} still wants to go round after ${this.loopUnroll} iterations; this execution was abandoned there (raise the loop bound, or the retry may never end)`
          : `${cpu}: the loop at line ${loc.line + 1} has a condition RaceLens cannot evaluate; it was unrolled ${this.loopUnroll} times`;
        return { kind: hit.kind, summary, loc, thread: s[hit.thread]! };
      };
      const keyUnder = (s: readonly number[]): string => `${hit.kind}|${this.label(s[hit.thread]!)}|${hit.pc}`;
      found.push({ kind: 'bound', key: keyUnder(this.identity), entry: { keyUnder, reportUnder, report: reportUnder(this.identity), roleOf: (t) => (t === hit.thread ? 'x' : '') } });
    }
    return found;
  }

  /** Update-phase exclusion broken in this state. */
  ofState(state: SimState): Candidate[] {
    return updatePhaseViolations(state, this.scenario.idioms).map((v) => {
      const reader = this.scenario.threads[v.reader]!;
      const domain = state.objects[v.idiom.domain];
      const since = domain?.kind === 'domain' ? domain.since[v.reader] ?? -1 : -1;
      const loc = reader.info.program.instrs[since >= 0 ? since : state.threads[v.reader]!.pc]!.loc;
      const reportUnder = (s: readonly number[]) => {
        const summary = `${cpuName(this.scenario, s[v.reader]!)} is inside the ${v.idiom.domain} read side (entered at line ${loc.line + 1}) past its guard (${[...v.idiom.completions, ...v.idiom.flags, ...v.idiom.counters].join(', ')}) while ${cpuName(this.scenario, s[v.updater]!)} is in its update phase: guard published and synchronize on ${v.idiom.domain} returned`;
        return { property: 'update-phase-exclusion', summary, loc, threads: [s[v.reader]!, s[v.updater]!] };
      };
      const keyUnder = (s: readonly number[]): string => `update-phase|${v.idiom.domain}|${this.label(s[v.reader]!)}|${this.label(s[v.updater]!)}`;
      const roleOf = (t: number): string => (t === v.reader ? 'r' : t === v.updater ? 'u' : '');
      return { kind: 'violation' as const, key: keyUnder(this.identity), entry: { keyUnder, reportUnder, report: reportUnder(this.identity), roleOf } };
    });
  }

  /** A state where nothing can run: a deadlock (or stuck threads), or an end state. */
  ofTerminal(state: SimState): Candidate {
    if (state.threads.some((t) => t.status === 'running')) {
      const blocked = explainBlocked(this.scenario, this.machine, state);
      const at = blocked.threads.map((b) => [b.thread, state.threads[b.thread]!.pc] as const);
      const keyUnder = (s: readonly number[]): string => `${blocked.kind}|${at.map(([t, pc]) => [s[t]!, pc] as const).sort((a, b) => a[0] - b[0]).map(([t, pc]) => `${this.label(t)}@${pc}`).join(',')}`;
      const roleOf = (t: number): string => `${at.find(([b]) => b === t)?.[1] ?? ''}`;
      return { kind: 'deadlock', key: keyUnder(this.identity), entry: { keyUnder, roleOf, report: { kind: blocked.kind, summary: `${blocked.kind}: ${blocked.summary}` } } };
    }
    const report = outcomeOf(this.scenario, state);
    const reportUnder = (s: readonly number[]) => {
      const rets = new Array<string>(s.length);
      report.threads.forEach((t) => { rets[s[t.thread]!] = t.ret; });
      const threads = rets.map((ret, t) => ({ thread: t, label: this.label(t), ret }));
      return { key: outcomeKey(threads, report.values, report.after), threads, values: report.values, after: report.after };
    };
    const keyUnder = (s: readonly number[]): string => reportUnder(s).key;
    return { kind: 'outcome', key: report.key, entry: { keyUnder, reportUnder, report, roleOf: (t) => report.threads[t]!.ret } };
  }

  private get identity(): number[] { return this.scenario.threads.map((t) => t.id); }

  /** Adds the images of every finding under the symmetry's permutations. */
  expand(symmetry: Symmetry): void {
    if (symmetry.classes.length === 0) return;
    for (const kind of Object.keys(this.maps) as Kind[]) {
      const map = this.maps[kind];
      for (const [key, entry] of [...map]) {
        const seen = new Set([key]);
        for (const sigma of arrangements(symmetry, (t) => entry.roleOf(t))) {
          const image = entry.keyUnder(sigma);
          if (seen.has(image)) continue;
          seen.add(image);
          const known = map.get(image);
          if (known && known.transitions.length <= entry.transitions.length) continue;
          const path = entry.transitions.map((t) => ({ thread: sigma[t.thread]!, choice: t.choice }));
          if (entry.reportUnder) {
            map.set(image, { keyUnder: (s) => entry.keyUnder(compose(s, sigma)), reportUnder: (s) => entry.reportUnder!(compose(s, sigma)), roleOf: (t) => entry.roleOf(sigma.indexOf(t)), report: entry.reportUnder(sigma), transitions: path });
            continue;
          }
          const derived = this.replay(path).find((c) => c.kind === kind && c.key === image);
          if (!derived) throw new Error(`symmetry: ${image} is not reached by the permuted schedule of ${key}`);
          map.set(image, { ...derived.entry, transitions: path });
        }
      }
    }
  }

  /** What the last step of a schedule finds. */
  private replay(path: readonly Transition[]): Candidate[] {
    const start = this.machine.initial(initialState(this.scenario));
    let state = start.state;
    let effects = start.effects;
    for (const t of path) ({ state, effects } = this.machine.apply(state, t));
    const found = [...this.ofEffects(effects), ...this.ofState(state)];
    if (!effects.cut && this.machine.options(state).every((o) => o.enabled.length === 0)) found.push(this.ofTerminal(state));
    return found;
  }

  private finalState(transitions: readonly Transition[]): SimState {
    let { state } = this.machine.initial(initialState(this.scenario));
    for (const t of transitions) state = this.machine.apply(state, t).state;
    return state;
  }

  /** The reports, each with its witness (built when first read: replaying costs more than searching). */
  results(): Pick<SimResult, 'outcomes' | 'deadlocks' | 'violations' | 'boundHits'> {
    const withWitness = <T extends object>(report: T, transitions: readonly Transition[]) => lazyWitness(report, () => buildWitness(this.scenario, this.machine, transitions));
    const list = (kind: Kind) => [...this.maps[kind].values()];
    return {
      outcomes: list('outcome').map((o) => withWitness(o.report as unknown as Omit<OutcomeReport, 'witness'>, o.transitions) as OutcomeReport).sort((a, b) => a.key.localeCompare(b.key)),
      deadlocks: list('deadlock').map((d) => {
        const threads = explainBlocked(this.scenario, this.machine, this.finalState(d.transitions)).threads;
        return withWitness({ ...(d.report as { kind: 'deadlock' | 'stuck'; summary: string }), threads }, d.transitions) as SimResult['deadlocks'][number];
      }),
      violations: list('violation').map((v) => withWitness(v.report as unknown as Omit<ViolationReport, 'witness'>, v.transitions) as ViolationReport),
      boundHits: list('bound').map((b) => withWitness(b.report as unknown as Omit<BoundHit, 'witness'>, b.transitions) as BoundHit),
    };
  }
}

/** The permutation "first `inner`, then `outer`", as an array. */
function compose(outer: readonly number[], inner: readonly number[]): number[] {
  return inner.map((t) => outer[t]!);
}

/** `report` with an enumerable `witness` that is built on first access and then kept. */
function lazyWitness<T extends object>(report: T, build: () => SimResult['outcomes'][number]['witness']): T {
  let witness: ReturnType<typeof build> | undefined;
  const copy = { ...report };
  Object.defineProperty(copy, 'witness', {
    enumerable: true,
    configurable: true,
    get: () => (witness ??= build()),
    set: (value: ReturnType<typeof build>) => { witness = value; },
  });
  return copy;
}

function outcomeKey(threads: readonly { label: string; ret: string }[], values: Record<string, string>, after: readonly string[]): string {
  return [...threads.map((t) => `${t.label}: ret = ${t.ret}`), ...Object.entries(values).map(([id, v]) => `${id} = ${v}`), ...after.map((a) => `after ${a} was broken`)].join(' | ');
}

/** An end state as a reviewer reads it: each thread's return (or `ret`), and every shared value some thread writes. */
export function outcomeOf(scenario: Scenario, state: SimState): Omit<OutcomeReport, 'witness'> {
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
  return { key: outcomeKey(threads, values, after), threads, values, after };
}
