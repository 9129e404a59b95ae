// The instructions that are not shared operations, in Promela: assignments,
// calls and returns, branches, switches, loops and gotos, with machine.ts's
// `decide` rules. A condition that is unknown at run time gives an `if`
// with both outcomes executable, which Spin explores both ways (Spin manual,
// "if": "if more than one guard is executable, one is selected
// nondeterministically"). A parameter's branch remembers its choice per
// condition text, as the simulator's `?cond` locals do.

import type { Instr } from '../program';
import { CALLEE_RETURN, RESULT, Plainness } from './analysis';
import type { Code } from './expr';
import { ifElse, sleepCheck } from './ops';
import type { Step } from './step';
import type { ThreadWriter } from './thread';

const UNKNOWN: Code = { text: 'UNKNOWN', plain: false };

/** Writes instruction `pc` into `step`; `jump(pc)` is the statement that goes there, `cut` abandons the execution. */
export function controlCode(writer: ThreadWriter, step: Step, pc: number, jump: (pc: number) => string, cut: string): void {
  const instr = writer.spec.info.program.instrs[pc]!;
  step.pc = pc;
  // Shared values the instruction's expressions read are loads the monitor sees (machine.ts's exec).
  for (const id of writer.spec.info.reads[pc] ?? []) {
    const cell = writer.globals.cell(id);
    if (cell) writer.model.monitor.load(step, id, { text: cell, plain: writer.plainness.plain(Plainness.cell(id)) });
  }
  const next = (): string => jump(pc + 1);
  switch (instr.kind) {
    case 'assign':
      writer.assign(step, instr.target, step.expr(instr.value));
      return step.emit(next());
    case 'access': return access(writer, step, instr, next);
    case 'op': return localOp(writer, step, instr, next);
    case 'exit': {
      const kept = writer.keeps(CALLEE_RETURN);
      const value: Code = kept
        ? { text: writer.local(CALLEE_RETURN), plain: writer.plainness.plain(Plainness.local(writer.spec.entry, CALLEE_RETURN)) && writer.facts.assignedBefore[pc]!.has(CALLEE_RETURN) }
        : UNKNOWN;
      if (instr.assignTo) writer.assign(step, instr.assignTo, value);
      if (writer.spec.info.resultsRead.has(instr.callee)) writer.assign(step, RESULT(instr.callee), value);
      if (kept) step.emit(`${writer.local(CALLEE_RETURN)} = UNKNOWN`);
      return step.emit(next());
    }
    case 'return': {
      const value = instr.value ? step.expr(instr.value) : UNKNOWN;
      const toEnd = writer.spec.info.program.instrs[instr.target]?.kind === 'end';
      const own = toEnd ? writer.threadReturn() : undefined;
      if (own) step.emit(`${own} = ${value.text}`);
      if (!toEnd) writer.assign(step, CALLEE_RETURN, value);
      return step.emit(jump(instr.target));
    }
    case 'loopEnter':
      step.emit(`${counter(writer, `#loop${instr.loop}`)} = 0`);
      return step.emit(next());
    case 'loopTest': return loopTest(writer, step, instr, pc, jump, cut);
    case 'jump': {
      if (!instr.counter) return step.emit(jump(instr.target));
      const c = counter(writer, instr.counter);
      return step.emit(ifElse(`${c} >= ${writer.model.loopBound}`, [cut], [`${c}++`, jump(instr.target)]));
    }
    case 'branch': return branch(writer, step, instr, pc, jump);
    case 'switch': return switchCode(step, instr, jump);
    case 'end': return writer.finish(step);
    default:
      return step.emit(next());
  }
}

function counter(writer: ThreadWriter, key: string): string {
  return writer.declare(`c:${key}`, `l_${key.replace(/[^A-Za-z0-9]+/g, '')}`, 'byte', '0');
}

function access(writer: ThreadWriter, step: Step, instr: Extract<Instr, { kind: 'access' }>, next: () => string): void {
  const cell = writer.globals.cell(instr.object);
  if (instr.access === 'store') {
    const value = instr.value ? step.atom(step.expr(instr.value)) : UNKNOWN;
    if (cell) {
      step.emit(`${cell} = ${value.text}`);
      writer.plainness.learn(Plainness.cell(instr.object), value.plain);
    }
    writer.model.monitor.store(step, instr.object, value);
  } else if (cell) {
    writer.model.monitor.load(step, instr.object, { text: cell, plain: writer.plainness.plain(Plainness.cell(instr.object)) });
  }
  step.emit(next());
}

/** An operation that touches nothing shared (a barrier, a sleep, a lockdep annotation): only its sleep check. */
function localOp(writer: ThreadWriter, step: Step, instr: Extract<Instr, { kind: 'op' }>, next: () => string): void {
  if (instr.op.sleeps) sleepCheck(step);
  if (!instr.synthetic) {
    if (instr.assignTo) writer.assign(step, instr.assignTo, UNKNOWN);
    if (writer.spec.info.resultsRead.has(instr.call.callee)) writer.assign(step, RESULT(instr.call.callee), UNKNOWN);
  }
  step.emit(next());
}

/** Both outcomes, for a condition nobody can decide. */
const either = (a: string, b: string): string => `if :: ${a} :: ${b} fi`;

function branch(writer: ThreadWriter, step: Step, instr: Extract<Instr, { kind: 'branch' }>, pc: number, jump: (pc: number) => string): void {
  const truth = step.truth(instr.cond);
  const then = jump(pc + 1);
  const otherwise = jump(instr.elseTarget);
  if (truth.text === '1' || truth.text === '0') return step.emit(truth.text === '1' ? then : otherwise);
  if (truth.plain) return step.emit(ifElse(truth.text, [then], [otherwise]));
  let unknown = either(then, otherwise);
  if (instr.tests.some((t) => t.kind === 'param')) {
    // A parameter nobody fixed is chosen once per thread and condition text.
    const chose = writer.declare(`q:${instr.condText}`, 'l_chose', 'byte', '0');
    unknown = `if :: ${chose} == 1 -> ${then} :: ${chose} == 2 -> ${otherwise} :: else -> ${either(`${chose} = 1; ${then}`, `${chose} = 2; ${otherwise}`)} fi`;
  }
  step.emit(truth.text === 'UNKNOWN' ? unknown : `if :: ${truth.text} == 1 -> ${then} :: ${truth.text} == 0 -> ${otherwise} :: else -> ${unknown} fi`);
}

function loopTest(writer: ThreadWriter, step: Step, instr: Extract<Instr, { kind: 'loopTest' }>, pc: number, jump: (pc: number) => string, cut: string): void {
  const c = counter(writer, `#loop${instr.loop}`);
  const bound = writer.model.loopBound;
  const body = `${c}++; ${jump(pc + 1)}`;
  const exit = jump(instr.exitTarget);
  // `for (;;)` goes round until a break; a loop macro's condition is unknown.
  const again: Code = instr.cond === undefined ? { text: '1', plain: true } : step.truth(instr.cond);
  if (again.plain) {
    return step.emit(ifElse(again.text, [ifElse(`${c} >= ${bound}`, [cut], [body])], [exit]));
  }
  // At the bound an unknown condition leaves the loop ("unrolled"); a true one abandons the execution.
  const atBound = `if :: ${again.text} == 1 -> ${cut} :: else -> ${exit} fi`;
  const below = `if :: ${again.text} == 1 -> ${body} :: else -> ${either(body, exit)} fi`;
  step.emit(`if :: ${again.text} == 0 -> ${exit} :: else -> ${ifElse(`${c} >= ${bound}`, [atBound], [below])} fi`);
}

/** machine.ts's switch: a known value picks the first matching case, or the default when every label is comparable. */
function switchCode(step: Step, instr: Extract<Instr, { kind: 'switch' }>, jump: (pc: number) => string): void {
  const on = step.atom(step.expr(instr.on));
  const labels = instr.cases.map((c) => c.labels.filter((l) => l !== 'default').map((l) => step.value(l)));
  const fallback = instr.cases.find((c) => c.labels.includes('default'))?.target ?? instr.endTarget;
  const targets = instr.cases.map((c) => jump(c.target));
  if (!instr.cases.some((c) => c.labels.includes('default'))) targets.push(jump(instr.endTarget));
  const choice = `if ${targets.map((t) => `:: ${t}`).join(' ')} fi`;
  const sameKind = (l: Code): string => `(${l.text} != UNKNOWN && ((${l.text} >= SYMBOL_BASE) == (${on.text} >= SYMBOL_BASE)))`;
  const sure = labels.flat().map(sameKind);
  let decided = sure.length > 0 ? ifElse(sure.join(' && '), [jump(fallback)], [choice]) : jump(fallback);
  for (let i = instr.cases.length - 1; i >= 0; i--) {
    const hits = labels[i]!.map((l) => `${on.text} == ${l.text}`);
    if (hits.length > 0) decided = ifElse(`(${hits.join(' || ')})`, [targets[i]!], [decided]);
  }
  step.emit(on.plain ? decided : ifElse(`${on.text} == UNKNOWN`, [choice], [decided]));
}
