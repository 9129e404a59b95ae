// A scenario: which entry points run, on how many CPUs each, compiled to
// programs, with the objects they share and where each starts. Built once;
// every simulation of it reuses the analysis.

import type { CallGraph } from '../model/callGraph';
import { DEFAULT_INLINE_DEPTH, inlineEntry } from '../model/inline';
import { objectRef, type Aliases } from '../model/objects';
import type { Family, SourceLoc } from '../model/types';
import { readsOf } from './expr';
import { compileProgram, type Instr, type Program } from './program';
import { futureFootprints, instrFootprint, type Footprint } from './por';
import { inferIdioms, monitorRoles, type UpdateIdiom } from './properties';
import { LOCAL_FAMILIES, objectKindOf } from './semantics';
import type { ObjectState, SimState, ThreadState } from './state';
import { renderValue, type Value } from './values';

export interface EntrySpec {
  name: string;
  /** How many CPUs run this entry point at once (two readers against one updater). */
  copies?: number;
}

export interface ScenarioOptions {
  inlineDepth?: number;
  /** The workspace's aliases, so expressions name objects as the readers did. */
  aliases?: Aliases;
  /** Start values: counters and flags (number, boolean, symbol), completions (`done`/`not-done` or a count). */
  initial?: Record<string, number | boolean | string>;
  /** Treat every kvm_make_all_cpus_request() as waiting for the vCPUs (KVM_REQUEST_WAIT). */
  kickWaits?: boolean;
}

export interface ObjectInfo {
  id: string;
  kind: ObjectState['kind'];
  family: Family;
  /** Some thread writes it (a store, an atomic update, an init). */
  written: boolean;
}

/** A compiled entry point and what the explorer needs to know about each instruction. */
export interface ProgramInfo {
  program: Program;
  /** Shared objects each instruction reads through its expressions (`if (fw->update)`). */
  reads: string[][];
  /** The instruction touches state another CPU can see; all others run without a scheduling point. */
  shared: boolean[];
  /** Callees whose results some expression reads; other results are not kept. */
  resultsRead: Set<string>;
  /** Locals the program assigns somewhere. */
  assigned: Set<string>;
  /** What each instruction touches, and what everything from it onward may touch (for POR). */
  footprint: Footprint[];
  future: Footprint[];
}

export interface ThreadSpec {
  id: number;
  entry: string;
  copy: number;
  label: string;
  loc: SourceLoc;
  info: ProgramInfo;
}

export interface ScenarioProblem {
  severity: 'error' | 'warning' | 'info';
  message: string;
  loc?: SourceLoc;
}

export interface Scenario {
  threads: ThreadSpec[];
  objects: Map<string, ObjectInfo>;
  idioms: UpdateIdiom[];
  problems: ScenarioProblem[];
  options: ScenarioOptions;
}

export function buildScenario(graph: Pick<CallGraph, 'definition' | 'targets'>, entries: readonly EntrySpec[], options: ScenarioOptions = {}): Scenario {
  const problems: ScenarioProblem[] = [];
  const programs = new Map<string, { program: Program; loc: SourceLoc }>();
  const specs: { entry: string; copy: number }[] = [];
  for (const { name, copies = 1 } of entries) {
    const fn = graph.definition(name);
    if (!fn) {
      problems.push({ severity: 'error', message: `entry point ${name}() is not defined in the open files` });
      continue;
    }
    if (!programs.has(name)) {
      const program = compileProgram(name, inlineEntry(graph, fn, options.inlineDepth ?? DEFAULT_INLINE_DEPTH), fn.loc);
      programs.set(name, { program, loc: fn.loc });
      for (const cut of program.cuts) {
        problems.push({ severity: 'info', loc: cut.loc, message: `${name}: call to ${cut.callee}() not followed (${cut.reason === 'recursion' ? 'recursion' : 'inlining depth bound'}); it is run as an opaque call` });
      }
    }
    for (let n = 0; n < Math.max(1, copies); n++) specs.push({ entry: name, copy: specs.filter((s) => s.entry === name).length });
  }

  const objects = collectObjects([...programs.values()].map((p) => p.program), options.aliases, problems);
  const infos = new Map<string, ProgramInfo>();
  for (const [name, { program }] of programs) infos.set(name, analyse(program, objects, options.aliases));

  // An entry point on several CPUs (as copies or named twice) is told apart as `name#1`, `name#2`.
  const runs = (entry: string): number => specs.filter((s) => s.entry === entry).length;
  const threads: ThreadSpec[] = specs.map(({ entry, copy }, id) => ({
    id, entry, copy,
    label: runs(entry) > 1 ? `${entry}#${copy + 1}` : entry,
    loc: programs.get(entry)!.loc,
    info: infos.get(entry)!,
  }));
  const idioms = inferIdioms(threads, objects);
  // Footprints depend on the monitor's roles, which depend on the threads: one program per role set.
  for (const info of infos.values()) {
    const roles = monitorRoles(idioms, threads.filter((t) => t.info === info).map((t) => t.id));
    info.footprint = info.program.instrs.map((instr, pc) => instrFootprint(instr, info.reads[pc] ?? [], roles));
    info.future = futureFootprints(info.program, info.footprint);
  }
  return { threads, objects, idioms, problems, options };
}

function collectObjects(programs: readonly Program[], aliases: Aliases | undefined, problems: ScenarioProblem[]): Map<string, ObjectInfo> {
  const found = new Map<string, ObjectInfo>();
  const note = (id: string, kind: ObjectState['kind'], family: Family, written: boolean, loc: SourceLoc): void => {
    const known = found.get(id);
    if (!known) {
      found.set(id, { id, kind, family, written });
      return;
    }
    known.written ||= written;
    if (known.kind !== kind) problems.push({ severity: 'warning', loc, message: `${id} is used as a ${known.family} and as a ${family}; simulated as a ${known.family}` });
  };
  for (const program of programs) {
    for (const instr of program.instrs) {
      if (instr.kind === 'op' && instr.op.object) {
        const kind = objectKindOf(instr.op.family);
        const writes = instr.op.action !== 'read' && instr.op.action !== 'load' && instr.op.action !== 'done';
        if (kind) note(instr.op.object.id, kind, instr.op.family, writes, instr.loc);
      } else if (instr.kind === 'access') {
        note(instr.object, 'value', 'access', instr.access === 'store', instr.loc);
      } else if (instr.kind === 'branch') {
        for (const test of instr.tests) if (test.kind === 'object') note(resolve(test.object.text, aliases) ?? test.object.id, 'value', 'access', false, instr.loc);
      }
    }
  }
  return new Map([...found].sort(([a], [b]) => a.localeCompare(b)));
}

function resolve(text: string, aliases: Aliases | undefined): string | undefined {
  return objectRef(text, aliases)?.id;
}

function expressionsOf(instr: Instr) {
  switch (instr.kind) {
    case 'assign': return [instr.value];
    case 'branch': return [instr.cond];
    case 'switch': return [instr.on];
    case 'loopTest': return instr.cond ? [instr.cond] : [];
    case 'return': return instr.value ? [instr.value] : [];
    case 'access': return instr.value ? [instr.value] : [];
    default: return [];
  }
}

function analyse(program: Program, objects: Map<string, ObjectInfo>, aliases: Aliases | undefined): ProgramInfo {
  const assigned = new Set<string>();
  for (const instr of program.instrs) {
    if (instr.kind === 'assign') assigned.add(instr.target);
    if ((instr.kind === 'op' || instr.kind === 'exit') && instr.assignTo) assigned.add(instr.assignTo);
  }
  const resultsRead = new Set<string>();
  const reads = program.instrs.map((instr) => {
    const names = { names: new Set<string>(), paths: new Set<string>(), calls: new Set<string>() };
    for (const expr of expressionsOf(instr)) readsOf(expr, names);
    for (const call of names.calls) resultsRead.add(call);
    const ids = new Set<string>();
    for (const path of names.paths) {
      const id = resolve(path, aliases);
      if (id !== undefined && objects.get(id)?.kind === 'value') ids.add(id);
    }
    for (const name of names.names) if (!assigned.has(name) && objects.get(name)?.kind === 'value') ids.add(name);
    return [...ids];
  });
  const shared = program.instrs.map((instr, pc) => {
    if (instr.kind === 'op') return !LOCAL_FAMILIES.has(instr.op.family);
    return instr.kind === 'access' || (reads[pc]?.length ?? 0) > 0;
  });
  return { program, reads, shared, resultsRead, assigned, footprint: [], future: [] };
}

/** A thread before it runs: at pc 0, IRQs and preemption on. */
function freshThread(): ThreadState {
  return { pc: 0, status: 'running', phase: 0, pending: null, locals: {}, irqOff: false, irqOffPc: -1, irqSaved: [], preempt: 0 };
}

/** Whether some program re-initialises the completion: then it starts completed-for-all, like after the last update's complete_all(). */
function reinitialised(scenario: Scenario, id: string): boolean {
  return scenario.threads.some((t) => t.info.program.instrs.some((i) => i.kind === 'op' && i.op.family === 'completion' && (i.op.action === 'init' || i.op.action === 'reinit') && i.op.object?.id === id));
}

function initialValue(given: number | boolean | string | undefined, written: boolean): Value {
  if (typeof given === 'number') return given;
  if (typeof given === 'boolean') return given ? 1 : 0;
  if (typeof given === 'string') return /^-?\d+$/.test(given) ? Number(given) : given;
  return written ? 0 : null;
}

/** The state before any thread has run (the machine then runs each thread up to its first shared step). */
export function initialState(scenario: Scenario): SimState {
  const n = scenario.threads.length;
  const objects: Record<string, ObjectState> = {};
  for (const [id, info] of scenario.objects) {
    const given = scenario.options.initial?.[id];
    switch (info.kind) {
      case 'completion': {
        const all = given === undefined ? reinitialised(scenario, id) : given === 'done' || given === true;
        objects[id] = { kind: 'completion', done: typeof given === 'number' ? given : 0, all };
        break;
      }
      case 'domain':
        objects[id] = { kind: 'domain', depth: new Array<number>(n).fill(0), gen: new Array<number>(n).fill(0), since: new Array<number>(n).fill(-1) };
        break;
      case 'lock':
        objects[id] = { kind: 'lock', writer: null, readers: [], queued: [] };
        break;
      case 'value':
        objects[id] = { kind: 'value', value: initialValue(given, info.written) };
        break;
    }
  }
  const phase: Record<string, number[]> = {};
  const passed: Record<string, boolean[]> = {};
  const violated: Record<string, boolean> = {};
  for (const idiom of scenario.idioms) {
    phase[idiom.domain] = new Array<number>(n).fill(0);
    passed[idiom.domain] = new Array<boolean>(n).fill(false);
    violated[idiom.domain] = false;
  }
  return { threads: scenario.threads.map(freshThread), objects, monitor: { phase, passed, violated } };
}

/** How an object's state reads in a witness. */
export function describeObject(state: ObjectState | undefined, labels: readonly string[]): string {
  if (!state) return 'untracked';
  const cpu = (t: number): string => `CPU ${t}${labels[t] ? ` (${labels[t]})` : ''}`;
  switch (state.kind) {
    case 'completion': return state.all ? 'completed for all' : state.done > 0 ? `done ${state.done}` : 'not done';
    case 'domain': {
      const inside = state.depth.flatMap((d, t) => (d > 0 ? [cpu(t)] : []));
      return inside.length ? `read side: ${inside.join(', ')}` : 'no reader';
    }
    case 'lock': {
      if (state.writer) return `held by ${cpu(state.writer[0])}`;
      if (state.readers.length) return `read-held by ${[...new Set(state.readers.map(([t]) => t))].map(cpu).join(', ')}`;
      return state.queued.length ? `free, writer queued: ${state.queued.map(cpu).join(', ')}` : 'free';
    }
    case 'value': return renderValue(state.value);
  }
}
