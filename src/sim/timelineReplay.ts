// Replays a typed CPU timeline: is the interleaving the reviewer drew
// possible, and if not, which row is the first that cannot happen and why.
//
// Each column becomes a thread (CPU n is thread n). The column's entry row
// names the entry point, or a function some entry point reaches (seed 000's
// CPU 1 starts at kvm_start_update_fw(), deep inside reload_store()); with
// no entry row, every entry point is tried. timelineMatch.ts places the
// column's rows on the thread's program; then the rows are driven in
// timeline order: for each row its thread steps until it has run the row's
// instruction, taking branch outcomes the path needs. A thread that blocks,
// or goes another way at a branch, makes that row impossible.

import type { CallGraph } from '../model/callGraph';
import type { Timeline, TimelineEvent } from '../model/types';
import { runOptionsOf, type SimulateOptions } from './explore';
import { Machine, type Transition } from './machine';
import type { Instr, Program } from './program';
import { branchReason, blockedReason, cpuOf, type Change, type ReasonContext } from './replayReasons';
import type { Witness } from './results';
import { buildScenario, initialState, type Scenario, type ScenarioOptions } from './scenario';
import { encodeSchedule } from './schedule';
import type { SimState } from './state';
import { traceStart, traceStep, type TracedStep } from './stepTrace';
import { placeColumn, type ColumnPlacement } from './timelineMatch';
import { buildWitness } from './witness';

export interface TimelineColumn {
  cpu: number;
  cpuLabel: string;
  /** The entry point the column runs in. */
  entry: string;
  placement: ColumnPlacement;
}

export interface TimelineReplay {
  timeline: Timeline;
  columns: TimelineColumn[];
  feasible: boolean;
  /** Infeasible: the first row that cannot happen, and why. */
  row?: TimelineEvent;
  reason?: string;
  /** The schedule run (up to the impossible row when infeasible); replaySchedule() rebuilds it. */
  schedule: string;
  witness?: Witness;
  /** Steps the timeline leaves out, branch outcomes assumed, rows that are no step. */
  notes: string[];
  scenario?: Scenario;
}

export interface TimelineReplayOptions extends Pick<SimulateOptions, 'params' | 'bounds'> {
  scenario?: ScenarioOptions;
}

/** Entry points a column can run in: those reaching `name` (or `name` itself), else every root. */
function candidates(graph: CallGraph, events: readonly TimelineEvent[]): { roots: string[]; via?: string } {
  const roots = graph.roots().map((f) => f.name);
  const first = events[0];
  if (!first?.entry || first.stmt?.kind !== 'call') return { roots };
  const name = first.stmt.callee;
  const all = graph.definition(name) && !roots.includes(name) ? [...roots, name] : roots;
  return { roots: all, via: name };
}

const reaches = (program: Program, name: string): boolean =>
  program.entry === name || program.instrs.some((i) => i.kind === 'enter' && i.callee === name);

/** Picks each column's entry point: the cheapest placement of its rows. */
function bindColumns(graph: CallGraph, timeline: Timeline, options: ScenarioOptions): { columns: TimelineColumn[]; problem?: { row?: TimelineEvent; reason: string } } {
  const single = new Map<string, Scenario>();
  const scenarioOf = (name: string): Scenario => {
    let s = single.get(name);
    if (!s) single.set(name, (s = buildScenario(graph, [{ name }], options)));
    return s;
  };
  const columns: TimelineColumn[] = [];
  for (const [cpu, cpuLabel] of timeline.cpus.entries()) {
    const events = timeline.events.filter((e) => e.cpu === cpu);
    if (events.length === 0) continue;
    const { roots, via } = candidates(graph, events);
    let best: TimelineColumn | undefined;
    for (const entry of roots) {
      const thread = scenarioOf(entry).threads[0];
      if (!thread || (via !== undefined && !reaches(thread.info.program, via))) continue;
      const placement = placeColumn(thread.info.program, thread.info.shared, events);
      if (!best || placement.cost < best.placement.cost) best = { cpu, cpuLabel, entry, placement };
    }
    if (!best) return { columns, problem: { row: events[0], reason: `${cpuLabel}: no entry point in the inputs reaches ${via ?? 'these rows'}()` } };
    columns.push(best);
  }
  return { columns };
}

/** Per thread during the replay: where it is on its column's path. */
interface Cursor {
  column: TimelineColumn;
  /** Next index into placement.path the thread has yet to run. */
  next: number;
}

class Replayer {
  readonly machine: Machine;
  readonly steps: TracedStep[] = [];
  readonly notes: string[] = [];
  private state: SimState;
  private readonly cursors: Cursor[];
  private readonly lastChange = new Map<string, Change>();
  /** Rows already run, by thread and pc (the latest run of that pc). */
  private readonly ranAs = new Map<string, TimelineEvent>();

  /** Each line holding events, numbered from the top. */
  private readonly lineRank: Map<number, number>;

  constructor(readonly scenario: Scenario, columns: readonly TimelineColumn[], readonly options: TimelineReplayOptions, timeline: Timeline) {
    this.lineRank = new Map([...new Set(timeline.events.map((e) => e.loc.line))].sort((a, b) => a - b).map((line, i) => [line, i]));
    this.machine = new Machine(scenario, runOptionsOf(options));
    this.cursors = columns.map((column) => ({ column, next: 0 }));
    const start = traceStart(this.machine, initialState(scenario));
    this.state = start.state;
    start.pcs.forEach((pcs, thread) => this.advance(thread, pcs, undefined));
  }

  /**
   * Drives every row in timeline order; returns the first impossible one,
   * with why. A thread that went another way at a branch cannot run its
   * next row, but other CPUs' rows above that one are still checked first.
   */
  run(rows: readonly TimelineEvent[]): { row: TimelineEvent; reason: string } | undefined {
    const derailed = new Map<number, { row: TimelineEvent; reason: string }>();
    for (const row of rows) {
      const lost = [...derailed.values()].find((d) => d.row.order <= row.order);
      if (lost) return lost;
      const cursor = this.cursors[row.cpu];
      const placed = cursor?.column.placement.rows.find((r) => r.event === row);
      if (!cursor || !placed) continue;
      while (cursor.next <= placed.at) {
        const failure = this.stepToward(row.cpu, row);
        if (failure?.derailed) derailed.set(row.cpu, failure.derailed);
        if (failure?.derailed && cursor.next > placed.at) break;
        if (failure) return failure.derailed ?? { row, reason: failure.reason };
      }
    }
    return undefined;
  }

  /**
   * One transition of `thread` along its path. A reason when it cannot go
   * on; `derailed` when it went another way at a branch, naming the first
   * of its rows it can no longer reach.
   */
  private stepToward(thread: number, row: TimelineEvent): { reason: string; derailed?: { row: TimelineEvent; reason: string } } | undefined {
    const t = this.state.threads[thread]!;
    const ctx = this.context(row);
    if (t.status === 'done') return { reason: `${cpuOf(thread)} has already returned` };
    const option = this.machine.options(this.state).find((o) => o.thread === thread);
    if (!option || option.enabled.length === 0) {
      const wait = this.machine.waitOf(this.state, thread);
      return { reason: wait ? blockedReason(ctx, thread, wait, row) : `${cpuOf(thread)} cannot move here` };
    }
    const transition: Transition = { thread, choice: option.enabled.includes(-1) ? -1 : this.choiceFor(thread) };
    const step = traceStep(this.machine, this.state, transition);
    const before = this.state;
    this.state = step.after;
    this.steps.push(step);
    this.noteChoice(thread, step, row);
    const divergence = this.advance(thread, step.pcs, step);
    this.recordChanges(before, step);
    if (divergence) {
      const cursor = this.cursors[thread]!;
      const lost = cursor.column.placement.rows.find((r) => r.at >= cursor.next)?.event ?? row;
      const reason = branchReason(this.context(lost), thread, divergence.at, divergence.wanted, lost);
      return { reason, derailed: { row: lost, reason } };
    }
    if (step.effects.cut) return { reason: `${cpuOf(thread)} is still in a loop at the loop bound (${this.options.bounds?.loopUnroll ?? 2}) here; raise the bound` };
    return undefined;
  }

  /** The branch outcome the thread's path takes at its current pc. */
  private choiceFor(thread: number): number {
    const cursor = this.cursors[thread]!;
    const { path } = cursor.column.placement;
    const pc = this.state.threads[thread]!.pc;
    const next = path[cursor.next + 1];
    const instr = this.instr(thread, pc);
    if (path[cursor.next] !== pc || next === undefined || !instr) return 0;
    if (instr.kind === 'switch') {
      const index = instr.cases.findIndex((c) => c.target === next);
      return index >= 0 ? index : instr.cases.length;
    }
    return next === pc + 1 ? 0 : 1;
  }

  private noteChoice(thread: number, step: TracedStep, row: TimelineEvent): void {
    if (step.transition.choice < 0) return;
    const instr = this.instr(thread, step.pc);
    const outcome = instr?.kind === 'switch' ? `case ${step.transition.choice}` : step.transition.choice === 0 ? 'true' : 'false';
    this.notes.push(`${cpuOf(thread)} takes ${instr?.text ?? 'a branch'} (line ${(instr?.loc.line ?? 0) + 1}) as ${outcome} on the way to line ${row.loc.line + 1}, as the rows show (its value is not fixed; --param fixes it)`);
  }

  /** Moves the thread's cursor over the pcs it ran; returns where it left its path. */
  private advance(thread: number, pcs: readonly number[], step: TracedStep | undefined): { at: number; wanted: number } | undefined {
    const cursor = this.cursors[thread];
    if (!cursor) return undefined;
    const { path, rows } = cursor.column.placement;
    for (const pc of pcs) {
      if (cursor.next >= path.length) break;
      if (path[cursor.next] !== pc) return { at: path[cursor.next - 1] ?? pc, wanted: path[cursor.next]! };
      const row = rows.find((r) => r.at === cursor.next)?.event;
      if (row) this.ranAs.set(`${thread}:${pc}`, row);
      else if (step && this.scenario.threads[thread]!.info.shared[pc] && pc === step.pc) {
        this.notes.push(`${cpuOf(thread)} runs ${this.text(thread, pc)} (line ${this.instr(thread, pc)!.loc.line + 1}), which the timeline leaves out`);
      }
      cursor.next++;
    }
    return undefined;
  }

  private recordChanges(before: SimState, step: TracedStep): void {
    const { thread } = step.transition;
    for (const id of step.effects.touched) {
      if (JSON.stringify(before.objects[id]) === JSON.stringify(step.after.objects[id])) continue;
      const row = this.ranAs.get(`${thread}:${step.pc}`);
      this.lastChange.set(id, { thread, pc: step.pc, ...(row ? { row } : {}) });
    }
  }

  private instr(thread: number, pc: number): Instr | undefined {
    return this.scenario.threads[thread]?.info.program.instrs[pc];
  }

  private text(thread: number, pc: number): string {
    const instr = this.instr(thread, pc);
    return instr?.kind === 'op' ? instr.call.text : instr?.text ?? '?';
  }

  private context(row: TimelineEvent): ReasonContext {
    return {
      scenario: this.scenario, machine: this.machine, state: this.state, row, lastChange: this.lastChange,
      params: this.options.params ?? {},
      rowAt: (thread, pc) => this.ranAs.get(`${thread}:${pc}`),
      rank: (event) => this.lineRank.get(event.loc.line) ?? 0,
      laterRow: (thread, matches) => {
        const cursor = this.cursors[thread];
        if (!cursor) return undefined;
        const { path, rows } = cursor.column.placement;
        return rows.find((r) => r.at >= cursor.next && matches(this.instr(thread, path[r.at]!)!))?.event;
      },
    };
  }

  witness(): Witness {
    return buildWitness(this.scenario, new Machine(this.scenario, runOptionsOf(this.options)), this.steps.map((s) => s.transition));
  }
}

/** Replays `timeline` against the programs of the graph; see the file comment. */
export function replayTimeline(graph: CallGraph, timeline: Timeline, options: TimelineReplayOptions = {}): TimelineReplay {
  const { columns, problem } = bindColumns(graph, timeline, options.scenario ?? {});
  if (problem) return { timeline, columns, feasible: false, schedule: '', notes: [], ...(problem.row ? { row: problem.row } : {}), reason: problem.reason };
  // Column k becomes thread k (columns without rows are dropped), so the witness's table has the timeline's columns.
  const rows = [...timeline.events].sort((a, b) => a.order - b.order).map((e) => ({ ...e, cpu: columns.findIndex((c) => c.cpu === e.cpu) }));
  const scenario = buildScenario(graph, columns.map((c) => ({ name: c.entry })), options.scenario ?? {});
  const aligned = columns.map((c, thread) => {
    const info = scenario.threads[thread]!.info;
    return { ...c, cpu: thread, placement: placeColumn(info.program, info.shared, rows.filter((r) => r.cpu === thread)) };
  });
  const notes = aligned.flatMap((c) => c.placement.ignored.filter((e) => e.text.trim() !== '').map((e) => `line ${e.loc.line + 1}: \`${e.text}\` is not a step; ignored`));
  // Rows are driven up to the first one that matches nothing: the program cannot say what it would do there.
  const unmatched = aligned.flatMap((c) => c.placement.unmatched).sort((a, b) => a.order - b.order)[0];
  const replayer = new Replayer(scenario, aligned, options, timeline);
  const failure = replayer.run(unmatched ? rows.filter((r) => r.order < unmatched.order) : rows);
  const result: TimelineReplay = {
    timeline, columns: aligned, feasible: false, schedule: encodeSchedule(replayer.steps.map((s) => s.transition)),
    witness: replayer.witness(), notes: [...notes, ...replayer.notes], scenario,
  };
  if (failure) return { ...result, row: failure.row, reason: failure.reason };
  if (unmatched) {
    const column = aligned[unmatched.cpu]!;
    const previous = column.placement.rows.filter((r) => r.event.order < unmatched.order).pop()?.event;
    const after = previous ? ` after line ${previous.loc.line + 1}` : ' here';
    return { ...result, row: unmatched, reason: `${cpuOf(unmatched.cpu)} runs no \`${unmatched.text.replace(/^->\s*/, '')}\` in ${column.entry}()${after}: the row is not in its code there (out of order, or not in the notes)` };
  }
  return { ...result, feasible: true };
}
