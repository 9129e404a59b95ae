// Each primitive family's operations in Promela, following the simulator's
// semantics modules one for one (src/sim/semantics/*.ts name the kernel
// sources). An operation is
//   - a guard: when it may start (Spin blocks a statement whose condition is
//     false: a `wait_for_completion` is `(g_c_all || g_c_done > 0) -> …`);
//   - its start, written inside the thread's atomic step;
//   - for a two-part operation (synchronize, an IPI that waits, an rwsem
//     writer that queues), the condition it waits in after starting and the
//     guard it resumes on.
// A misuse the kernel would warn about is an assertion that names its site.

import type { Instr } from '../program';
import { opOperands } from './analysis';
import { bit } from './encoding';
import type { Code, ExprScope } from './expr';
import { kickWaits, type Globals, type LockNames } from './globals';

type OpInstr = Extract<Instr, { kind: 'op' }>;

/** A thread's atomic step being written, as operations see it. */
export interface StepScope extends ExprScope {
  readonly thread: number;
  readonly globals: Globals;
  emit(statement: string): void;
  /** The value of an argument text as this thread reads it (env.ts). */
  value(text: string | undefined): Code;
  /** An assertion that fails here: a misuse or a sleep in atomic context at the current pc. */
  problem(property: 'misuse' | 'sleep-in-atomic'): string;
  /** This CPU's flags: global array elements or proctype locals. */
  readonly irqOff: string;
  readonly preempt: string;
  readonly irqStack: string;
  readonly irqDepth: string;
  /** Statements a CPU runs when its IRQs come back on (it answers the IPIs queued for it). */
  answerIpis(): string[];
}

const UNKNOWN_RESULT: Code = { text: 'UNKNOWN', plain: false };

/** Statements as one `if` with an `else` branch (Promela's `if` blocks when no option is executable). */
export function ifElse(cond: string, then: readonly string[], otherwise: readonly string[] = []): string {
  const body = (list: readonly string[]): string => (list.length > 0 ? list.join('; ') : 'skip');
  return `if :: ${cond} -> ${body(then)} :: else -> ${body(otherwise)} fi`;
}

function lockOf(step: StepScope, instr: OpInstr): LockNames | undefined {
  const id = instr.op.object?.id;
  return id !== undefined ? step.globals.lock(id) : undefined;
}

function exclusiveBusy(step: StepScope, lock: LockNames): string {
  return `(${lock.writer} != 0 || ${step.globals.readerCount(lock)} > 0)`;
}

function sharedBusy(step: StepScope, lock: LockNames): string {
  const queued = lock.queued && lock.writerPreference ? ` || (${lock.queued} & ~${bit(step.thread)}) != 0` : '';
  return `(${lock.writer} != 0${queued})`;
}

/** Whether the thread at a spin-waiting operation cannot go on (semantics/crossCpu.ts's `spinning`). */
export function spinBlocked(step: StepScope, instr: OpInstr, resumed: boolean): string | undefined {
  const { op } = instr;
  if (op.family === 'cross_cpu') return resumed && step.globals.cpus ? `${step.globals.cpus.ipi}[${step.thread}] != 0` : undefined;
  const lock = lockOf(step, instr);
  if (!lock || op.action !== 'acquire' || !lock.spins || resumed) return undefined;
  return op.mode === 'shared' ? sharedBusy(step, lock) : exclusiveBusy(step, lock);
}

/** When the operation may start; undefined when it always may. */
export function opGuard(step: StepScope, instr: OpInstr): string | undefined {
  const { op } = instr;
  const id = op.object?.id;
  if (op.family === 'completion' && op.action === 'wait' && id !== undefined) {
    const c = step.globals.completion(id);
    return c ? `(${c.all} || ${c.done} > 0)` : undefined;
  }
  if (op.action === 'stop_machine') return stopMachineGuard(step);
  const lock = lockOf(step, instr);
  if (!lock || op.action !== 'acquire' || op.primitive === 'downgrade_write') return undefined;
  if (op.mode === 'shared') return `!${sharedBusy(step, lock)}`;
  return lock.writerPreference ? undefined : `!${exclusiveBusy(step, lock)}`;
}

/** stop_machine runs once every other CPU can be preempted: finished, or IRQs on, preemption on and not spinning. */
function stopMachineGuard(step: StepScope): string | undefined {
  const cpus = step.globals.cpus;
  if (!cpus) return undefined;
  const others = Array.from({ length: step.globals.threadCount }, (_, t) => t).filter((t) => t !== step.thread);
  const stoppable = (t: number): string => `(${cpus.done}[${t}] || !(${cpus.irqoff}[${t}] || ${cpus.preempt}[${t}] > 0 || ${spinningName(step.globals.prefix, t)}))`;
  return others.length > 0 ? `(${others.map(stoppable).join(' && ')})` : undefined;
}

/** The macro that says CPU t spins (defined by export.ts from each thread's spin-waiting steps). */
export const spinningName = (prefix: string, t: number): string => `${prefix}SPINNING_${t}`;

/** A two-part operation's wait: when it waits after starting, and what lets it resume. */
export function opWait(step: StepScope, instr: OpInstr): { when: string; until: string } | undefined {
  const { op } = instr;
  const id = op.object?.id;
  if ((op.family === 'srcu' || op.family === 'rcu') && op.action === 'synchronize' && id !== undefined) {
    const d = step.globals.domain(id);
    return d?.gp ? { when: `${d.gp}[${step.thread}] != 0`, until: `${d.gp}[${step.thread}] == 0` } : undefined;
  }
  if (op.family === 'cross_cpu' && (op.action === 'ipi' || (op.action === 'kick' && kickWaits(step.globals.scenario, instr)))) {
    const ipi = step.globals.cpus?.ipi;
    return ipi ? { when: `${ipi}[${step.thread}] != 0`, until: `${ipi}[${step.thread}] == 0` } : undefined;
  }
  const lock = lockOf(step, instr);
  if (lock?.queued && op.action === 'acquire' && op.mode !== 'shared' && op.primitive !== 'downgrade_write') {
    return { when: `(${lock.queued} & ${bit(step.thread)}) != 0`, until: `!${exclusiveBusy(step, lock)}` };
  }
  return undefined;
}

/** The statements of the operation's start; returns its value when it completes at once. */
export function opStart(step: StepScope, instr: OpInstr): Code {
  const { op } = instr;
  if (op.sleeps) sleepCheck(step);
  switch (op.family) {
    case 'completion': return completionStart(step, instr);
    case 'srcu': case 'rcu': return readSideStart(step, instr);
    case 'atomic': return atomicStart(step, instr);
    case 'access': return accessStart(step, instr);
    case 'irq': case 'preempt': cpuStart(step, instr); return UNKNOWN_RESULT;
    case 'cross_cpu': crossCpuStart(step, instr); return UNKNOWN_RESULT;
    default: return lockOf(step, instr) ? lockStart(step, instr) : UNKNOWN_RESULT;
  }
}

/** The second part of a two-part operation, once its guard holds. */
export function opResume(step: StepScope, instr: OpInstr): void {
  const lock = lockOf(step, instr);
  if (lock) take(step, lock, instr);
}

/** machine.ts's checkSleep: IRQs off, preemption off, or inside an RCU (not SRCU) read side. */
export function sleepCheck(step: StepScope): void {
  const why = [step.irqOff, `${step.preempt} > 0`];
  for (const [id, info] of step.globals.scenario.objects) {
    const d = step.globals.domain(id);
    if (d && !info.family.startsWith('srcu') && d.readers.includes(step.thread)) why.push(`${d.depth}[${step.thread}] > 0`);
  }
  const possible = why.filter((w) => w !== '0' && w !== '0 > 0');
  if (possible.length > 0) step.emit(ifElse(`(${possible.join(' || ')})`, [step.problem('sleep-in-atomic')]));
}

function completionStart(step: StepScope, instr: OpInstr): Code {
  const c = instr.op.object ? step.globals.completion(instr.op.object.id) : undefined;
  if (!c) return UNKNOWN_RESULT;
  const available = `(${c.all} || ${c.done} > 0)`;
  switch (instr.op.action) {
    case 'init': case 'reinit': step.emit(`${c.done} = 0; ${c.all} = 0`); return UNKNOWN_RESULT;
    case 'complete': step.emit(`${c.done} = (${c.all} -> ${c.done} : ${c.done} + 1)`); return UNKNOWN_RESULT;
    case 'complete_all': step.emit(`${c.all} = 1`); return UNKNOWN_RESULT;
    case 'wait': step.emit(`${c.done} = (${c.all} -> ${c.done} : ${c.done} - 1)`); return UNKNOWN_RESULT;
    case 'try_wait': {
      const ok = step.temp();
      step.emit(`${ok} = (${available} -> 1 : 0)`);
      step.emit(`${c.done} = ((${ok} == 1 && !${c.all}) -> ${c.done} - 1 : ${c.done})`);
      return { text: ok, plain: true };
    }
    case 'done': return { text: `(${available} -> 1 : 0)`, plain: true };
    default: return UNKNOWN_RESULT;
  }
}

function readSideStart(step: StepScope, instr: OpInstr): Code {
  const d = instr.op.object ? step.globals.domain(instr.op.object.id) : undefined;
  if (!d) return UNKNOWN_RESULT;
  const me = step.thread;
  const depth = `${d.depth}[${me}]`;
  switch (instr.op.action) {
    case 'read_lock': step.emit(`${depth}++`); break;
    case 'read_unlock': {
      // The outermost unlock ends the section every grace period that began before it waits for.
      const ended = d.gp ? step.globals.clearBit(d.gp, d.synchronizers, me) : [];
      step.emit(ifElse(`${depth} == 0`, [step.problem('misuse')], [`${depth}--`, ...(ended.length ? [ifElse(`${depth} == 0`, ended)] : [])]));
      break;
    }
    case 'synchronize': {
      // The snapshot: every CPU inside a read-side section of this domain now (itself included).
      const open = d.readers.map((r) => `(${d.depth}[${r}] > 0 -> ${bit(r)} : 0)`);
      if (d.gp) step.emit(`${d.gp}[${me}] = ${open.length > 0 ? open.join(' | ') : '0'}`);
      break;
    }
    default: break;
  }
  return UNKNOWN_RESULT;
}

function atomicStart(step: StepScope, instr: OpInstr): Code {
  const { op } = instr;
  const v = op.object ? step.globals.cell(op.object.id) : undefined;
  if (v === undefined) return UNKNOWN_RESULT;
  const cellPlain = step.plainness.plain(`cell:${op.object!.id}`);
  const operands = opOperands(instr);
  const operand = step.value(operands.operand);
  const old = step.temp();
  step.emit(`${old} = ${v}`);
  const both = (x: Code): boolean => cellPlain && x.plain;
  const sum = (x: Code, sign: '+' | '-'): string => (both(x) ? `${old} ${sign} ${x.text}` : `((isnum(${old}) && isnum(${x.text})) -> ${old} ${sign} ${x.text} : UNKNOWN)`);
  const write = (text: string, plain: boolean): void => {
    step.emit(`${v} = ${text}`);
    step.plainness.learn(`cell:${op.object!.id}`, plain);
  };
  const oldCode: Code = { text: old, plain: cellPlain };
  switch (op.action) {
    case 'read': return oldCode;
    case 'set': write(operand.text, operand.plain); return UNKNOWN_RESULT;
    case 'xchg': write(operand.text, operand.plain); return oldCode;
    case 'add': case 'sub': write(sum(operand, op.action === 'add' ? '+' : '-'), both(operand)); return UNKNOWN_RESULT;
    case 'add_return': case 'sub_return': {
      write(sum(operand, op.action === 'add_return' ? '+' : '-'), both(operand));
      if (!op.primitive.endsWith('_and_test')) return { text: v, plain: both(operand) };
      return both(operand) ? { text: `(${v} == 0)`, plain: true } : { text: `(isnum(${v}) -> (${v} == 0 -> 1 : 0) : UNKNOWN)`, plain: false };
    }
    case 'inc_unless_negative': case 'dec_unless_positive': {
      const [refuse, next] = op.action === 'inc_unless_negative' ? [`${old} < 0`, `${old} + 1`] : [`${old} > 0`, `${old} - 1`];
      const result = step.temp();
      const run = `if :: ${refuse} -> ${result} = 0 :: else -> ${v} = ${next}; ${result} = 1 fi`;
      step.emit(cellPlain ? run : ifElse(`!isnum(${old})`, [`${v} = UNKNOWN`, `${result} = UNKNOWN`], [run]));
      return { text: result, plain: cellPlain };
    }
    case 'add_unless': {
      const unless = operands.unless === undefined ? { text: '0', plain: true } : step.value(operands.unless);
      const result = step.temp();
      const add = `if :: ${old} == ${unless.text} -> ${result} = 0 :: else -> ${v} = ${sum(operand, '+')}; ${result} = 1 fi`;
      const plain = cellPlain && unless.plain;
      step.emit(plain ? add : ifElse(`!(isnum(${old}) && isnum(${unless.text}))`, [`${v} = UNKNOWN`, `${result} = UNKNOWN`], [add]));
      step.plainness.learn(`cell:${op.object!.id}`, plain && both(operand));
      return { text: result, plain };
    }
    case 'cmpxchg': {
      if (op.primitive.includes('try_cmpxchg')) { write('UNKNOWN', false); return UNKNOWN_RESULT; }
      const expected = step.value(operands.expected);
      const comparable = cellPlain && expected.plain ? 'true' : `(${old} != UNKNOWN && ${expected.text} != UNKNOWN && ((${old} >= SYMBOL_BASE) == (${expected.text} >= SYMBOL_BASE)))`;
      step.emit(`if :: !${comparable} -> ${v} = UNKNOWN :: else -> ${ifElse(`${old} == ${expected.text}`, [`${v} = ${operand.text}`])} fi`);
      step.plainness.learn(`cell:${op.object!.id}`, cellPlain && expected.plain && operand.plain);
      return oldCode;
    }
    default: return UNKNOWN_RESULT;
  }
}

function accessStart(step: StepScope, instr: OpInstr): Code {
  const id = instr.op.object?.id;
  const v = id !== undefined ? step.globals.cell(id) : undefined;
  if (v === undefined) return UNKNOWN_RESULT;
  if (instr.op.action === 'store') {
    const value = step.value(opOperands(instr).operand);
    step.emit(`${v} = ${value.text}`);
    step.plainness.learn(`cell:${id!}`, value.plain);
    return UNKNOWN_RESULT;
  }
  return { text: v, plain: step.plainness.plain(`cell:${id!}`) };
}

function cpuStart(step: StepScope, instr: OpInstr): void {
  const { irqOff, preempt, irqStack, irqDepth } = step;
  const enable = [`${irqOff} = 0`, ...step.answerIpis()];
  switch (instr.op.action) {
    case 'irq_disable': step.emit(`${irqOff} = 1`); return;
    case 'irq_save':
      step.emit(`${irqStack} = (${irqStack} & ~(1 << ${irqDepth})) | (${irqOff} << ${irqDepth}); ${irqDepth}++; ${irqOff} = 1`);
      return;
    case 'irq_enable': step.emit(enable.join('; ')); return;
    case 'irq_restore':
      // A saved "off" leaves the flag as it is; a saved "on", or no save at all (a misuse), turns IRQs on.
      step.emit(ifElse(`${irqDepth} == 0`, [step.problem('misuse'), ...enable],
        [`${irqDepth}--`, ifElse(`((${irqStack} >> ${irqDepth}) & 1) == 1`, [], enable)]));
      return;
    case 'preempt_disable': step.emit(`${preempt}++`); return;
    case 'preempt_enable': step.emit(ifElse(`${preempt} == 0`, [step.problem('misuse')], [`${preempt}--`])); return;
    default: return;
  }
}

function crossCpuStart(step: StepScope, instr: OpInstr): void {
  const { op } = instr;
  const cpus = step.globals.cpus;
  if (op.action === 'stop_machine' || !cpus) return;
  if (op.action === 'ipi') step.emit(ifElse(step.irqOff, [step.problem('misuse')]));
  let waits: string;
  if (op.action === 'kick') {
    if (!kickWaits(step.globals.scenario, instr)) return;
    waits = 'true';
  } else {
    const wait = step.value(opOperands(instr).wait);
    waits = wait.plain ? `(${wait.text} != 0)` : `(truth(${wait.text}) != 0)`;
  }
  const late = Array.from({ length: step.globals.threadCount }, (_, t) => t).filter((t) => t !== step.thread)
    .map((t) => `((!${cpus.done}[${t}] && ${cpus.irqoff}[${t}]) -> ${bit(t)} : 0)`);
  if (late.length > 0) step.emit(ifElse(waits, [`${cpus.ipi}[${step.thread}] = ${late.join(' | ')}`]));
}

function lockStart(step: StepScope, instr: OpInstr): Code {
  const { op } = instr;
  const lock = lockOf(step, instr)!;
  const me = step.thread;
  const holder = String(me + 1);
  if (op.primitive === 'downgrade_write') {
    step.emit(ifElse(`${lock.writer} != ${holder}`, [step.problem('misuse')], [`${lock.readers}[${me}]++`, `${lock.writer} = 0`]));
    return UNKNOWN_RESULT;
  }
  const unspin = lock.spins ? [`${step.preempt} = (${step.preempt} > 0 -> ${step.preempt} - 1 : 0)`] : [];
  switch (op.action) {
    case 'acquire':
      // An rwsem writer that finds it busy queues (and new readers wait behind it); the others take it.
      if (lock.queued && op.mode !== 'shared') step.emit(ifElse(exclusiveBusy(step, lock), [`${lock.queued} = ${lock.queued} | ${bit(me)}`], takeStatements(step, lock, instr)));
      else take(step, lock, instr);
      return UNKNOWN_RESULT;
    case 'try_acquire': {
      const ok = step.temp();
      const busy = op.mode === 'shared' ? sharedBusy(step, lock) : exclusiveBusy(step, lock);
      step.emit(ifElse(busy, [`${ok} = 0`], [`${ok} = 1`, ...takeStatements(step, lock, instr)]));
      return { text: ok, plain: true };
    }
    case 'release':
      if (op.mode === 'shared') step.emit(ifElse(`${lock.readers}[${me}] == 0`, [step.problem('misuse')], [`${lock.readers}[${me}]--`, ...unspin]));
      else step.emit(ifElse(`${lock.writer} != ${holder}`, [step.problem('misuse')], [`${lock.writer} = 0`, ...unspin]));
      return UNKNOWN_RESULT;
    default:
      return UNKNOWN_RESULT;
  }
}

function takeStatements(step: StepScope, lock: LockNames, instr: OpInstr): string[] {
  const me = step.thread;
  return [
    instr.op.mode === 'shared' ? `${lock.readers}[${me}]++` : `${lock.writer} = ${me + 1}`,
    ...(lock.queued ? [`${lock.queued} = ${lock.queued} & ~${bit(me)}`] : []),
    ...(lock.spins ? [`${step.preempt}++`] : []),
  ];
}

function take(step: StepScope, lock: LockNames, instr: OpInstr): void {
  step.emit(takeStatements(step, lock, instr).join('; '));
}
