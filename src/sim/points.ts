// Program points the reviewer asks about: a notes or C line, a label given
// with `// racelens: label NAME`, or a stretch `FROM..TO` of one thread.
// A point covers the instructions of its line and, for a call, everything
// the call runs until it returns (for an `if (...) {` line, its block): so
// "CPU 1 is at tdx_td_init()" holds while CPU 1 is anywhere inside it.
//
// The simulator schedules only shared steps; the local steps after one run
// with it. A thread "may be at" a point in a state when the point covers the
// thread's next instruction, or one of the local steps its last transition
// ran (those may be delayed until just before its next shared step, so they
// happen in the state in between).

import type { CallGraph } from '../model/callGraph';
import type { SourceLoc, Stmt } from '../model/types';
import type { Program } from './program';
import type { Scenario } from './scenario';

export type PointSpec =
  | { label: string }
  /** `line` is 1-based, as printed; `file` matches the end of the instruction's path. */
  | { file?: string; line: number }
  | { from: PointSpec; to: PointSpec };

export interface ResolvedPoint {
  /** How the user named it, for reports. */
  name: string;
  /** Per thread: the pcs the point covers (empty when the thread never gets there). */
  pcs: ReadonlySet<number>[];
}

/** Reads `NAME`, `file:line`, `line` or `A..B`. */
export function parsePoint(text: string): PointSpec {
  const range = text.split('..');
  if (range.length === 2 && range[0] && range[1]) return { from: parsePoint(range[0]), to: parsePoint(range[1]) };
  const at = /^(?:(.*):)?(\d+)$/.exec(text.trim());
  if (at) return at[1] ? { file: at[1], line: Number(at[2]) } : { line: Number(at[2]) };
  return { label: text.trim() };
}

export function pointName(spec: PointSpec): string {
  if ('label' in spec) return spec.label;
  if ('from' in spec) {
    const bare = (p: PointSpec): p is { line: number } => 'line' in p && p.file === undefined;
    return bare(spec.from) && bare(spec.to) ? `lines ${spec.from.line}..${spec.to.line}` : `${pointName(spec.from)}..${pointName(spec.to)}`;
  }
  return spec.file ? `${spec.file}:${spec.line}` : `line ${spec.line}`;
}

/** Every `// racelens: label NAME` in the graph's functions, with the lines it names. */
export function labelTable(graph: CallGraph): Map<string, SourceLoc[]> {
  const table = new Map<string, SourceLoc[]>();
  const visit = (body: readonly Stmt[]): void => {
    for (const stmt of body) {
      for (const label of stmt.labels ?? []) {
        const locs = table.get(label) ?? [];
        if (!locs.some((l) => l.file === stmt.loc.file && l.line === stmt.loc.line)) locs.push(stmt.loc);
        table.set(label, locs);
      }
      switch (stmt.kind) {
        case 'call': visit(stmt.body ?? []); break;
        case 'branch': visit(stmt.then); visit(stmt.else); break;
        case 'switch': for (const c of stmt.cases) visit(c.body); break;
        case 'loop': visit(stmt.head); visit(stmt.body); break;
        default: break;
      }
    }
  };
  for (const list of graph.definitions.values()) for (const fn of list) visit(fn.body);
  return table;
}

const sameFile = (path: string, wanted: string | undefined): boolean =>
  wanted === undefined || path === wanted || path.endsWith(`/${wanted}`) || wanted.endsWith(`/${path}`);

/** The last pc of the construct that starts at `pc`: a call's exit, an `if` block's end; the pc itself otherwise. */
function extentOf(program: Program, pc: number): number {
  const instr = program.instrs[pc];
  if (!instr) return pc;
  if (instr.kind === 'enter') {
    for (let at = pc + 1; at < program.instrs.length; at++) {
      const exit = program.instrs[at]!;
      if (exit.kind === 'exit' && exit.callee === instr.callee && exit.stack.length === instr.stack.length) return at;
    }
    return pc;
  }
  if (instr.kind === 'branch' && instr.elseTarget > pc) {
    // With an else arm the then arm ends in a jump over it.
    const skip = program.instrs[instr.elseTarget - 1];
    return skip?.kind === 'jump' && skip.text === undefined && skip.target > instr.elseTarget ? skip.target - 1 : instr.elseTarget - 1;
  }
  return pc;
}

/** The pcs of one thread's program that a line covers, constructs included. */
function linePcs(program: Program, file: string | undefined, line: number): Set<number> {
  const pcs = new Set<number>();
  program.instrs.forEach((instr, pc) => {
    if (instr.loc.line + 1 !== line || !sameFile(instr.loc.file, file) || instr.kind === 'exit') return;
    for (let at = pc; at <= extentOf(program, pc); at++) pcs.add(at);
  });
  return pcs;
}

function specPcs(program: Program, spec: PointSpec, labels: ReadonlyMap<string, readonly SourceLoc[]>): Set<number> {
  if ('label' in spec) {
    const pcs = new Set<number>();
    for (const loc of labels.get(spec.label) ?? []) for (const pc of linePcs(program, loc.file, loc.line + 1)) pcs.add(pc);
    return pcs;
  }
  if ('from' in spec) {
    // A stretch of one thread: from the first pc of FROM to the last of TO.
    const from = [...specPcs(program, spec.from, labels)];
    const to = [...specPcs(program, spec.to, labels)];
    const pcs = new Set<number>();
    if (from.length === 0 || to.length === 0) return pcs;
    for (let pc = Math.min(...from); pc <= Math.max(...to); pc++) pcs.add(pc);
    return pcs;
  }
  return linePcs(program, spec.file, spec.line);
}

export class PointError extends Error {}

/** Resolves a point in every thread of the scenario; throws PointError when no thread has it. */
export function resolvePoint(scenario: Scenario, spec: PointSpec, labels: ReadonlyMap<string, readonly SourceLoc[]> = new Map()): ResolvedPoint {
  if ('label' in spec && !labels.has(spec.label)) throw new PointError(`no line is labelled ${spec.label} (write \`// racelens: label ${spec.label}\` after it)`);
  const pcs = scenario.threads.map((t) => specPcs(t.info.program, spec, labels));
  if (pcs.every((set) => set.size === 0)) throw new PointError(`${pointName(spec)} is not reached by any of ${scenario.threads.map((t) => t.label).join(', ')}`);
  return { name: displayName(scenario, spec, pcs), pcs };
}

/** A line is named by what it does: `tdx_td_init(kvm) (line 25)`; labels and stretches by how they were written. */
function displayName(scenario: Scenario, spec: PointSpec, pcs: readonly ReadonlySet<number>[]): string {
  if (!('line' in spec)) return pointName(spec);
  for (const [thread, set] of pcs.entries()) {
    const first = Math.min(...set);
    const instr = scenario.threads[thread]!.info.program.instrs[first];
    const text = instr?.kind === 'op' ? instr.call.text : instr?.text;
    if (text !== undefined) return `${text} (line ${spec.line})`;
  }
  return pointName(spec);
}

/** Whether a thread whose last transition ran the local steps `tail` and which now stands at `pc` may be at the point. */
export function mayBeAt(point: ResolvedPoint, thread: number, tail: readonly number[], pc: number, done: boolean): boolean {
  const pcs = point.pcs[thread];
  if (!pcs || pcs.size === 0) return false;
  if (!done && pcs.has(pc)) return true;
  return tail.some((at) => pcs.has(at));
}
