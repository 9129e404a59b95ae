// Facts about one program's control flow, computed once per program and
// kept: which locals it may still read (symmetry.ts keys states without the
// others), which instructions only move on (machine.ts passes them in one
// go), and which completions it may still complete or re-initialise
// (footprints.ts). Each is a fixpoint over the instruction graph.

import { parseExpr, readsOf, type Expr } from './expr';
import { successors, type Instr, type Program } from './program';
import type { ProgramInfo } from './scenario';

/** Keys an instruction reads from the thread's locals (env.ts, machine.ts's decide and exec). */
function localUses(instr: Instr): string[] {
  const exprs: Expr[] = [];
  switch (instr.kind) {
    case 'assign': exprs.push(instr.value); break;
    case 'branch': exprs.push(instr.cond); break;
    case 'switch': exprs.push(instr.on, ...instr.cases.flatMap((c) => c.labels.filter((l) => l !== 'default').map((l) => parseExpr(l)))); break;
    case 'loopTest': if (instr.cond) exprs.push(instr.cond); break;
    case 'return': if (instr.value) exprs.push(instr.value); break;
    case 'access': if (instr.value) exprs.push(instr.value); break;
    case 'op': for (const text of [instr.op.operand, ...instr.call.args]) if (text !== undefined) exprs.push(parseExpr(text)); break;
    default: break;
  }
  const reads = { names: new Set<string>(), paths: new Set<string>(), calls: new Set<string>() };
  for (const e of exprs) readsOf(e, reads);
  const keys = [...reads.names, ...[...reads.calls].map((c) => `()${c}`)];
  if (instr.kind === 'exit') keys.push('%ret');
  if (instr.kind === 'loopTest') keys.push(`#loop${instr.loop}`);
  if (instr.kind === 'jump' && instr.counter) keys.push(instr.counter);
  if (instr.kind === 'branch') keys.push(`?${instr.condText}`);
  if (instr.kind === 'end') keys.push('ret');
  return keys;
}

const LIVE = new WeakMap<Program, string[][]>();

/**
 * Per pc, the locals the thread may still read, sorted (a backward
 * fixpoint; only an assignment or a loop entry kills). `ret` is read by the
 * outcome, at the end.
 */
export function liveLocals(program: Program): string[][] {
  const known = LIVE.get(program);
  if (known) return known;
  const n = program.instrs.length;
  const live = Array.from({ length: n }, () => new Set<string>());
  const uses = program.instrs.map(localUses);
  for (let changed = true; changed;) {
    changed = false;
    for (let pc = n - 1; pc >= 0; pc--) {
      const instr = program.instrs[pc]!;
      const killed = instr.kind === 'assign' ? instr.target : instr.kind === 'loopEnter' ? `#loop${instr.loop}` : undefined;
      const before = live[pc]!.size;
      for (const key of uses[pc]!) live[pc]!.add(key);
      for (const next of successors(program, pc)) for (const key of live[next] ?? []) if (key !== killed) live[pc]!.add(key);
      if (live[pc]!.size !== before) changed = true;
    }
  }
  const sorted = live.map((keys) => [...keys].sort());
  LIVE.set(program, sorted);
  return sorted;
}

const TRIVIAL_SKIPS = new WeakMap<ProgramInfo, number[]>();

/**
 * Per pc, the first pc from there whose instruction does something: calls
 * and labels only move on, and so does a callee's exit when nothing keeps
 * its value (no assignment, no condition reads it, no `return` ever sets one).
 */
export function trivialSkips(info: ProgramInfo): number[] {
  let skips = TRIVIAL_SKIPS.get(info);
  if (skips) return skips;
  const { instrs } = info.program;
  const returnsValues = instrs.some((i) => i.kind === 'return' && instrs[i.target]?.kind !== 'end');
  const trivial = (i: Instr): boolean => i.kind === 'enter' || i.kind === 'mark'
    || (i.kind === 'exit' && !i.assignTo && !info.resultsRead.has(i.callee) && !returnsValues);
  skips = instrs.map((_, pc) => pc);
  for (let pc = instrs.length - 1; pc >= 0; pc--) {
    if (trivial(instrs[pc]!) && !info.shared[pc]) skips[pc] = skips[pc + 1] ?? pc + 1;
  }
  TRIVIAL_SKIPS.set(info, skips);
  return skips;
}

/** Per pc, the completions a thread may still complete, and those it may still (re)initialise. */
export interface CompletionOps { completes: Set<string>[]; reinits: Set<string>[] }

const COMPLETION_OPS = new WeakMap<ProgramInfo, CompletionOps>();

export function completionOps(info: ProgramInfo): CompletionOps {
  const known = COMPLETION_OPS.get(info);
  if (known) return known;
  const from = (actions: readonly string[]): Set<string>[] => {
    const { program } = info;
    const sets = program.instrs.map(() => new Set<string>());
    for (let changed = true; changed;) {
      changed = false;
      for (let pc = program.instrs.length - 1; pc >= 0; pc--) {
        const instr = program.instrs[pc]!;
        const set = sets[pc]!;
        const before = set.size;
        if (instr.kind === 'op' && instr.op.family === 'completion' && actions.includes(instr.op.action) && instr.op.object) set.add(instr.op.object.id);
        for (const next of successors(program, pc)) for (const id of sets[next] ?? []) set.add(id);
        if (set.size !== before) changed = true;
      }
    }
    return sets;
  };
  const ops = { completes: from(['complete', 'complete_all']), reinits: from(['init', 'reinit']) };
  COMPLETION_OPS.set(info, ops);
  return ops;
}

