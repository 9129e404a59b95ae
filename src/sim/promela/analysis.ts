// What the exporter needs to know about a program before it writes Promela:
// where each name gets its value (env.ts's rules, decided once per program
// since they depend only on what the program assigns), which locals are
// certainly set at each pc, and which values are always plain numbers.
//
// Plain values need no run-time checks for "unknown" or "symbol", so the
// model reads like the C it came from (`g_nr_running_td + BIAS`); the rest
// go through the checks in encoding.ts's prelude. Plainness is a fixpoint
// over every write in the scenario (export.ts iterates the whole generation
// until nothing new turns out non-plain).

import { objectRef, type Aliases } from '../../model/objects';
import { parseExpr, readsOf, type Expr } from '../expr';
import type { Params } from '../env';
import type { Instr, Program } from '../program';
import { successors } from '../program';
import type { ObjectInfo, ProgramInfo } from '../scenario';
import { BIAS, ERRNO, isBiasName, type Value } from '../values';

/** Where a name, a path or a call result gets its value in one program. */
export type Source =
  | { kind: 'const'; value: Value }
  /** A local the program assigns: before its first assignment it reads as `fallback`. */
  | { kind: 'local'; key: string; fallback: Value }
  | { kind: 'cell'; id: string };

/** Keys of the values a thread keeps: a name, `()callee` (a call's result), `%ret` (a callee's return value). */
export const RESULT = (callee: string): string => `()${callee}`;
export const CALLEE_RETURN = '%ret';

/** env.ts's reading of a fixed parameter. */
export function paramValue(given: number | boolean | string): Value {
  if (typeof given === 'boolean') return given ? 1 : 0;
  if (typeof given === 'string' && /^-?(?:0x[0-9a-f]+|\d+)$/i.test(given)) return Number(given);
  return given;
}

/** The value of a name that is neither a parameter, a local nor a shared object (env.ts steps 3, 4 and 7). */
function constantName(name: string): Value | undefined {
  if (isBiasName(name)) return BIAS;
  if (name === 'true') return 1;
  if (name === 'false' || name === 'NULL' || name === 'nullptr') return 0;
  return ERRNO[name];
}

export class ProgramFacts {
  /** Per pc, the keys certainly assigned before the instruction runs. */
  readonly assignedBefore: Set<string>[];
  /** Keys some expression of the program reads (locals worth keeping). */
  readonly readKeys = new Set<string>();

  constructor(
    readonly info: ProgramInfo,
    private readonly objects: ReadonlyMap<string, ObjectInfo>,
    private readonly params: Params,
    private readonly aliases: Aliases | undefined,
  ) {
    this.assignedBefore = definitelyAssigned(info.program);
    for (const instr of info.program.instrs) {
      for (const expr of evaluatedExprs(instr)) {
        const reads = { names: new Set<string>(), paths: new Set<string>(), calls: new Set<string>() };
        readsOf(expr, reads);
        for (const name of reads.names) if (this.source(name).kind === 'local') this.readKeys.add(name);
        for (const callee of reads.calls) this.readKeys.add(RESULT(callee));
      }
    }
  }

  get program(): Program { return this.info.program; }

  /** env.ts's `name()`, decided statically. */
  source(name: string): Source {
    const given = this.params[name];
    if (given !== undefined) return { kind: 'const', value: paramValue(given) };
    const constant = constantName(name);
    if (this.info.assigned.has(name)) return { kind: 'local', key: name, fallback: constant ?? 0 };
    if (constant !== undefined) return { kind: 'const', value: constant };
    if (this.objects.get(name)?.kind === 'value') return { kind: 'cell', id: name };
    return { kind: 'const', value: /^[A-Z][A-Z0-9_]*$/.test(name) ? name : null };
  }

  /** env.ts's `path()`: the shared value the path names, or unknown. */
  pathSource(text: string): Source {
    const id = objectRef(text, this.aliases)?.id;
    return id !== undefined && this.objects.get(id)?.kind === 'value' ? { kind: 'cell', id } : { kind: 'const', value: null };
  }

  /** Whether a value is kept for `key`: some expression reads it. */
  keeps(key: string): boolean {
    return this.readKeys.has(key);
  }
}

/** Every expression an instruction evaluates when it runs, operands and arguments included. */
export function evaluatedExprs(instr: Instr): Expr[] {
  switch (instr.kind) {
    case 'assign': return [instr.value];
    case 'branch': return [instr.cond];
    case 'switch': return [instr.on, ...instr.cases.flatMap((c) => c.labels.filter((l) => l !== 'default').map((l) => parseExpr(l)))];
    case 'loopTest': return instr.cond ? [instr.cond] : [];
    case 'return': return instr.value ? [instr.value] : [];
    case 'access': return instr.value ? [instr.value] : [];
    case 'op': return Object.values(opOperands(instr)).filter((t): t is string => t !== undefined).map((t) => parseExpr(t));
    default: return [];
  }
}

/** Index of the `wait` argument of the IPI primitives (as semantics/crossCpu.ts reads it). */
const WAIT_ARG: Readonly<Record<string, number>> = {
  smp_call_function: 2, on_each_cpu: 2, smp_call_function_single: 3, smp_call_function_many: 3, on_each_cpu_mask: 3,
};

/** The argument texts an operation evaluates (semantics/atomic.ts, access.ts, crossCpu.ts). */
export function opOperands(instr: Extract<Instr, { kind: 'op' }>): { operand?: string; expected?: string; unless?: string; wait?: string } {
  const { op, call } = instr;
  if (op.family === 'atomic') {
    if (op.action === 'cmpxchg' && !op.primitive.includes('try_cmpxchg')) return { operand: op.operand, expected: call.args[1] };
    if (op.action === 'add_unless' && !op.primitive.endsWith('inc_not_zero')) return { operand: op.operand, unless: call.args[2] };
    return { operand: op.operand };
  }
  if (op.family === 'access' && op.action === 'store') return { operand: op.operand };
  if (op.family === 'cross_cpu' && op.action === 'ipi') return { wait: call.args[WAIT_ARG[op.primitive] ?? call.args.length - 1] };
  return {};
}

/** Keys an instruction assigns when it completes. */
function assigns(instr: Instr, program: Program): string[] {
  switch (instr.kind) {
    case 'assign': return [instr.target];
    case 'op': return [...(instr.assignTo ? [instr.assignTo] : []), RESULT(instr.call.callee)];
    case 'exit': return [...(instr.assignTo ? [instr.assignTo] : []), RESULT(instr.callee)];
    case 'return': return program.instrs[instr.target]?.kind === 'end' ? [] : [CALLEE_RETURN];
    default: return [];
  }
}

/** A forward must-analysis: keys assigned on every path to each pc. */
function definitelyAssigned(program: Program): Set<string>[] {
  const n = program.instrs.length;
  const before: (Set<string> | undefined)[] = new Array<Set<string> | undefined>(n).fill(undefined);
  before[0] = new Set();
  const work = [0];
  while (work.length > 0) {
    const pc = work.pop()!;
    const instr = program.instrs[pc]!;
    const after = new Set(before[pc]);
    if (instr.kind === 'exit') after.delete(CALLEE_RETURN);
    for (const key of assigns(instr, program)) after.add(key);
    for (const next of successors(program, pc)) {
      const known = before[next];
      const merged = known ? new Set([...known].filter((k) => after.has(k))) : after;
      if (!known || merged.size !== known.size) {
        before[next] = merged;
        work.push(next);
      }
    }
  }
  return before.map((s) => s ?? new Set());
}

/**
 * Which values may be something other than a concrete number. Starts from
 * "everything plain" except what is unknown or symbolic from the start, and
 * only ever learns non-plainness, so the generation loop terminates.
 */
export class Plainness {
  private readonly nonPlain = new Set<string>();
  changed = false;

  constructor(initial: Iterable<string> = []) {
    for (const key of initial) this.nonPlain.add(key);
  }

  plain(key: string): boolean { return !this.nonPlain.has(key); }

  /** Records that `key` may receive a value of the given plainness. */
  learn(key: string, plain: boolean): void {
    if (plain || this.nonPlain.has(key)) return;
    this.nonPlain.add(key);
    this.changed = true;
  }

  static cell(id: string): string { return `cell:${id}`; }
  static local(entry: string, key: string): string { return `local:${entry}:${key}`; }
}
