// Runs threads. A transition is one thread's next shared step (an operation
// on an object another CPU can see, or a read of shared memory), followed by
// every local step after it up to the thread's next shared step: local steps
// commute with everything, so they never need a scheduling point of their
// own. A branch the thread cannot decide (an unfixed parameter, an unknown
// result) stops the local run; its outcomes are separate transitions
// ("choices"), so the schedule records them too.

import type { Instr } from './program';
import type { Scenario, ThreadSpec } from './scenario';
import { threadEnv, type Params } from './env';
import { evaluate, parseExpr, type Env, type Expr } from './expr';
import { objectRef } from '../model/objects';
import type { ThreadOptions } from './por';
import { StateFootprints } from './footprints';
import { trivialSkips } from './flow';
import { markViolations, observe } from './properties';
import { answerIpis } from './semantics/cpu';
import { readShared, writeShared } from './semantics/access';
import { SPINNING_FAMILIES, semanticsOf } from './semantics';
import type { Wait, World } from './semantics/types';
import { Draft, type SimState, type ThreadState } from './state';
import { renderValue, truth, type Value } from './values';
import type { TraceLine } from './results';

export interface Transition {
  thread: number;
  /** Which outcome of an undecided branch; -1 when the step has none. */
  choice: number;
}

export interface RunOptions {
  params?: Params;
  /** Times a loop body or a backward goto may run. */
  loopBound?: number;
}

/** What a transition did besides changing the state. */
export interface Effects {
  /** A loop still wanted to go round at its bound: the execution is abandoned here. */
  cut?: { thread: number; pc: number };
  unrolled: { thread: number; pc: number }[];
  problems: { property: 'sleep-in-atomic' | 'misuse'; thread: number; pc: number; message: string }[];
  /** Filled only when recording a witness. */
  lines: TraceLine[];
  note?: string;
  touched: Set<string>;
}

type Decision = { next: number } | { choices: number } | { cut: true } | { unrolledTo: number };

const MAX_LOCAL_STEPS = 100_000;

/** The enabled lists most threads have, shared (nobody writes them). */
const ONE_STEP: number[] = [-1];
const BLOCKED: number[] = [];

export class Machine implements World {
  readonly threadCount: number;
  readonly kickWaits: boolean;
  private readonly params: Params;
  private readonly loopBound: number;

  /** RCU (not SRCU) domains: sleeping inside their read side is a bug. */
  private readonly rcuDomains: string[];
  private readonly footprints: StateFootprints;

  constructor(readonly scenario: Scenario, options: RunOptions = {}) {
    this.rcuDomains = [...scenario.objects.values()].filter((o) => o.kind === 'domain' && !o.family.startsWith('srcu')).map((o) => o.id);
    this.threadCount = scenario.threads.length;
    this.kickWaits = scenario.options.kickWaits ?? false;
    this.footprints = new StateFootprints(scenario, this.kickWaits);
    this.params = options.params ?? {};
    this.loopBound = options.loopBound ?? 2;
  }

  private spec(thread: number): ThreadSpec { return this.scenario.threads[thread]!; }

  private instr(thread: number, pc: number): Instr | undefined { return this.spec(thread).info.program.instrs[pc]; }

  value(state: SimState, thread: number, text: string | undefined): Value {
    if (text === undefined) return null;
    const expr = parseExpr(text);
    // Most operands are literals (`1` of atomic_inc): no environment needed.
    if (expr.kind === 'num') return expr.value;
    return evaluate(expr, this.env(state, thread));
  }

  private env(state: SimState, thread: number): Env {
    const base = threadEnv(state, state.threads[thread]!, this.spec(thread).info, this.params, this.scenario.options.aliases);
    // env.ts reads a path's object class from its text each time; the class of a text never changes.
    return { name: base.name, call: base.call, path: (text) => this.pathValue(state, text) };
  }

  private readonly pathIds = new Map<string, string | undefined>();

  /** env.ts's path(): the shared value a path names, or unknown. */
  private pathValue(state: SimState, text: string): Value {
    let id = this.pathIds.get(text);
    if (id === undefined && !this.pathIds.has(text)) this.pathIds.set(text, id = objectRef(text, this.scenario.options.aliases)?.id);
    const cell = id !== undefined ? state.objects[id] : undefined;
    return cell?.kind === 'value' ? cell.value : null;
  }

  spinning(state: SimState, thread: number): boolean {
    const t = state.threads[thread];
    const instr = t ? this.instr(thread, t.pc) : undefined;
    return instr?.kind === 'op' && SPINNING_FAMILIES.has(instr.op.family) && instr.op.action !== 'stop_machine' && this.waitOf(state, thread) !== null;
  }

  /** What a running thread's next operation waits for, or null when it can go. */
  waitOf(state: SimState, thread: number): Wait | null {
    const t = state.threads[thread];
    const instr = t?.status === 'running' ? this.instr(thread, t.pc) : undefined;
    if (!t || instr?.kind !== 'op') return null;
    const semantics = semanticsOf(instr.op.family);
    return semantics ? semantics.blockedOn({ world: this, state, thread, pc: t.pc, op: instr.op, call: instr.call, phase: t.phase }) : null;
  }

  /** The state after every thread has run its local prefix, and (recording) each prefix's lines. */
  initial(state: SimState, record = false): { state: SimState; prefix: TraceLine[][]; effects: Effects } {
    const draft = new Draft(state);
    const effects = newEffects();
    const prefix: TraceLine[][] = [];
    for (let t = 0; t < this.threadCount; t++) {
      const mine = newEffects();
      if (record) mine.lines.push({ text: `${this.spec(t).entry}()`, loc: this.spec(t).loc, depth: 0, kind: 'entry' });
      this.runLocal(draft, t, -1, mine, record);
      prefix.push(mine.lines);
      effects.problems.push(...mine.problems);
      effects.unrolled.push(...mine.unrolled);
      if (mine.cut) effects.cut = mine.cut;
    }
    markViolations(draft, this.scenario.idioms);
    return { state: draft.finish(), prefix, effects };
  }

  /** Per running thread: its enabled transitions and footprints (for the explorer and POR). */
  options(state: SimState): ThreadOptions[] {
    const result: ThreadOptions[] = [];
    const frozen = this.footprints.frozen(state);
    state.threads.forEach((t, thread) => {
      if (t.status !== 'running') return;
      const info = this.spec(thread).info;
      const instr = info.program.instrs[t.pc];
      let enabled: number[];
      let enablers: number[] | undefined;
      if (instr?.kind === 'op') {
        const wait = this.waitOf(state, thread);
        enabled = wait ? BLOCKED : ONE_STEP;
        if (wait) enablers = this.footprints.enablers(state, thread, wait);
      } else {
        const decision = instr ? this.decide(state, thread, t, instr, -1) : { next: t.pc };
        enabled = 'choices' in decision ? Array.from({ length: decision.choices }, (_, i) => i) : ONE_STEP;
      }
      const next = this.footprints.next(state, info, instr, t.pc, frozen);
      // A local choice commutes with everything, unless its run may abandon the execution.
      const options: ThreadOptions = { thread, enabled, localChoice: !info.shared[t.pc] && next !== 'any', next, future: this.footprints.future(info, t.pc, frozen) };
      if (enablers) options.enablers = enablers;
      result.push(options);
    });
    return result;
  }

  apply(state: SimState, transition: Transition, record = false): { state: SimState; effects: Effects } {
    const draft = new Draft(state);
    const effects = newEffects(record);
    const { thread, choice } = transition;
    const t = draft.read(thread);
    if (t.status !== 'running') throw new Error(`CPU ${thread} has finished`);
    const instr = this.instr(thread, t.pc);
    // A shared step's local run may stop at a choice: the transition ends there.
    let stopped = false;
    if (instr?.kind === 'op') this.runOp(draft, thread, instr, effects, record);
    else stopped = !this.runLocal(draft, thread, choice, effects, record, true);
    if (!stopped && !effects.cut) this.runLocal(draft, thread, -1, effects, record);
    // The exclusion can only break when the monitor or a read side changed (it was marked before, if it held).
    if (draft.monitorMayChange) markViolations(draft, this.scenario.idioms);
    return { state: draft.finish(), effects };
  }

  private runOp(draft: Draft, thread: number, instr: Extract<Instr, { kind: 'op' }>, effects: Effects, record: boolean): void {
    const t = draft.thread(thread);
    const { op, call } = instr;
    const resuming = t.phase > 0;
    if (op.sleeps && !resuming) this.checkSleep(draft, thread, instr, effects);
    const semantics = semanticsOf(op.family);
    const result = semantics ? semantics.run({ world: this, state: draft.view(), draft, thread, pc: t.pc, op, call, phase: t.phase }) : { note: `${op.family} is not simulated` };
    if (result.problem) effects.problems.push({ property: 'misuse', thread, pc: t.pc, message: result.problem });
    if (op.object) effects.touched.add(op.object.id);
    effects.note = instr.synthetic === 'irq-before-lock' ? `IRQs off first: ${op.primitive}() disables them before it spins` : result.note;
    if (record) {
      const text = resuming ? `${op.primitive}() returns` : instr.synthetic === 'irq-after-unlock' ? `(${op.primitive}: IRQs restored)` : call.text;
      effects.lines.push(line(instr, text, resuming || instr.synthetic === 'irq-after-unlock' ? 'stmt' : 'call', effects.note));
    }
    if (op.family === 'access' && op.object) {
      const value = op.action === 'store' ? readShared(draft, op.object.id) : result.value ?? null;
      observe(draft, this.scenario.idioms, thread, { kind: op.action === 'store' ? 'store' : 'load', object: op.object.id, value });
    } else {
      observe(draft, this.scenario.idioms, thread, { kind: 'op', op, value: result.value ?? null, finished: !result.waiting });
    }
    if (result.waiting) {
      t.phase = 1;
      return;
    }
    t.phase = 0;
    if (!instr.synthetic) {
      const value = result.value ?? null;
      if (instr.assignTo) draft.locals(thread)[instr.assignTo] = value;
      if (this.spec(thread).info.resultsRead.has(call.callee)) draft.locals(thread)[`()${call.callee}`] = value;
    }
    t.pc++;
  }

  /** Sleeping with IRQs or preemption off, or inside an RCU (not SRCU) read-side section. */
  private checkSleep(draft: Draft, thread: number, instr: Extract<Instr, { kind: 'op' }>, effects: Effects): void {
    const t = draft.read(thread);
    const why: string[] = [];
    if (t.irqOff) why.push('IRQs are off');
    if (t.preempt > 0) why.push('preemption is off (a spin lock is held or preempt_disable())');
    for (const id of this.rcuDomains) {
      const o = draft.readObject(id);
      if (o?.kind === 'domain' && (o.depth[thread] ?? 0) > 0) why.push(`inside an ${id} read-side section`);
    }
    if (why.length > 0) effects.problems.push({ property: 'sleep-in-atomic', thread, pc: t.pc, message: `${instr.op.primitive}() may sleep, but ${why.join(' and ')}` });
  }

  /**
   * Runs local instructions (and, with `first`, the shared non-operation
   * instruction at pc). Returns false when the thread stopped on a choice
   * without taking one.
   */
  private runLocal(draft: Draft, thread: number, choice: number, effects: Effects, record: boolean, first = false): boolean {
    const info = this.spec(thread).info;
    const skip = record ? undefined : trivialSkips(info);
    for (let steps = 0; steps < MAX_LOCAL_STEPS; steps++) {
      const t = draft.read(thread);
      if (t.status !== 'running') return true;
      // Calls, labels and returns that change nothing are passed in one go (a witness shows them one by one).
      if (skip && skip[t.pc] !== t.pc && !(first && steps === 0)) {
        draft.thread(thread).pc = skip[t.pc]!;
        continue;
      }
      const instr = info.program.instrs[t.pc];
      if (!instr) return true;
      const shared = info.shared[t.pc] ?? false;
      if (instr.kind === 'op' && shared) return true;
      if (shared && !(first && steps === 0)) return true;
      const take = steps === 0 ? choice : -1;
      if (!this.exec(draft, thread, instr, take, effects, record)) return false;
      if (effects.cut) return true;
    }
    effects.cut = { thread, pc: draft.read(thread).pc };
    return true;
  }

  /** Executes one non-operation instruction (or a local operation). False: a choice is needed. */
  private exec(draft: Draft, thread: number, instr: Instr, choice: number, effects: Effects, record: boolean): boolean {
    const info = this.spec(thread).info;
    const pc = draft.read(thread).pc;
    // A call or a label only moves on (a witness shows it: then it takes the full path below).
    if ((instr.kind === 'enter' || instr.kind === 'mark') && !record) {
      draft.thread(thread).pc = pc + 1;
      return true;
    }
    if (instr.kind === 'op') {
      this.runOp(draft, thread, instr, effects, record);
      return true;
    }
    if (instr.kind === 'end') {
      this.finish(draft, thread);
      return true;
    }
    const decision = this.decide(draft.view(), thread, draft.read(thread), instr, choice);
    if ('choices' in decision) return false;
    const t = draft.thread(thread);
    const env = () => this.env(draft.view(), thread);
    let note: string | undefined;
    for (const id of info.reads[pc] ?? []) {
      effects.touched.add(id);
      observe(draft, this.scenario.idioms, thread, { kind: 'load', object: id, value: readShared(draft, id) });
    }
    switch (instr.kind) {
      case 'assign': {
        const value = evaluate(instr.value, env());
        draft.locals(thread)[instr.target] = value;
        note = record && /[(?]/.test(instr.text ?? '') ? `${instr.target} = ${renderValue(value)}` : undefined;
        break;
      }
      case 'access': {
        effects.touched.add(instr.object);
        if (instr.access === 'store') {
          const value = instr.value ? evaluate(instr.value, env()) : null;
          note = writeShared(draft, instr.object, value);
          observe(draft, this.scenario.idioms, thread, { kind: 'store', object: instr.object, value });
        } else {
          observe(draft, this.scenario.idioms, thread, { kind: 'load', object: instr.object, value: readShared(draft, instr.object) });
        }
        break;
      }
      case 'exit': {
        const value = t.locals['%ret'] ?? null;
        const locals = () => draft.locals(thread);
        if ('%ret' in t.locals) delete locals()['%ret'];
        if (instr.assignTo) locals()[instr.assignTo] = value;
        if (info.resultsRead.has(instr.callee)) locals()[`()${instr.callee}`] = value;
        break;
      }
      case 'return': {
        const value = instr.value ? evaluate(instr.value, env()) : null;
        if (this.instr(thread, instr.target)?.kind === 'end') t.ret = value;
        else draft.locals(thread)['%ret'] = value;
        break;
      }
      case 'loopEnter':
        draft.locals(thread)[`#loop${instr.loop}`] = 0;
        break;
      case 'loopTest':
        if ('next' in decision && decision.next === pc + 1) draft.locals(thread)[`#loop${instr.loop}`] = (t.locals[`#loop${instr.loop}`] as number ?? 0) + 1;
        break;
      case 'jump':
        if (instr.counter) draft.locals(thread)[instr.counter] = (t.locals[instr.counter] as number ?? 0) + 1;
        break;
      case 'branch':
        if (choice >= 0 && instr.tests.some((test) => test.kind === 'param')) draft.locals(thread)[`?${instr.condText}`] = choice === 0 ? 1 : 0;
        note = branchNote(decision, pc, choice);
        break;
      default:
        break;
    }
    if ('cut' in decision) {
      effects.cut = { thread, pc };
      note = `loop bound (${this.loopBound}) reached: execution abandoned`;
    }
    if ('unrolledTo' in decision) {
      effects.unrolled.push({ thread, pc });
      note = `loop bound (${this.loopBound}) reached: leaves the loop`;
    }
    if (record && instr.text !== undefined) effects.lines.push(line(instr, instr.text, instr.kind === 'enter' ? 'call' : instr.kind === 'mark' && instr.dispatch ? 'dispatch' : 'stmt', note));
    if ('cut' in decision) return true;
    t.pc = 'next' in decision ? decision.next : 'unrolledTo' in decision ? decision.unrolledTo : pc + 1;
    return true;
  }

  /** Where control goes from a control instruction, given the thread's values. Pure. */
  private decide(state: SimState, thread: number, t: ThreadState, instr: Instr, choice: number): Decision {
    const pc = t.pc;
    const value = (expr: Expr): Value => evaluate(expr, this.env(state, thread));
    switch (instr.kind) {
      case 'branch': {
        let taken = truth(value(instr.cond));
        const remembered = t.locals[`?${instr.condText}`];
        if (taken === null && remembered !== undefined && remembered !== null) taken = remembered === 1;
        if (taken === null) {
          if (choice < 0) return { choices: 2 };
          taken = choice === 0;
        }
        return { next: taken ? pc + 1 : instr.elseTarget };
      }
      case 'loopTest': {
        // `for (;;)` has no condition: it goes round until a break.
        const again = instr.cond ? truth(value(instr.cond)) : true;
        const count = (t.locals[`#loop${instr.loop}`] as number | undefined) ?? 0;
        if (again === false) return { next: instr.exitTarget };
        if (count >= this.loopBound) return again === true ? { cut: true } : { unrolledTo: instr.exitTarget };
        if (again === null && choice < 0) return { choices: 2 };
        return { next: again === true || choice === 0 ? pc + 1 : instr.exitTarget };
      }
      case 'switch': {
        const on = value(instr.on);
        const labels = instr.cases.map((c) => c.labels.map((l) => (l === 'default' ? 'default' : value(parseExpr(l)))));
        const fallback = instr.cases.find((c) => c.labels.includes('default'))?.target ?? instr.endTarget;
        if (on !== null) {
          const hit = instr.cases.findIndex((_, i) => labels[i]!.some((l) => l !== 'default' && l !== null && l === on));
          const unsure = labels.some((ls) => ls.some((l) => l === null || (typeof l !== typeof on && l !== 'default')));
          if (hit >= 0) return { next: instr.cases[hit]!.target };
          if (!unsure) return { next: fallback };
        }
        const options = instr.cases.length + (instr.cases.some((c) => c.labels.includes('default')) ? 0 : 1);
        if (choice < 0) return { choices: options };
        return { next: choice < instr.cases.length ? instr.cases[choice]!.target : instr.endTarget };
      }
      case 'jump': {
        const count = instr.counter ? ((t.locals[instr.counter] as number | undefined) ?? 0) : 0;
        return instr.counter && count >= this.loopBound ? { cut: true } : { next: instr.target };
      }
      case 'return':
        return { next: instr.target };
      default:
        return { next: pc + 1 };
    }
  }

  /** The entry point returned: the CPU goes idle with IRQs on and answers what it owes. */
  private finish(draft: Draft, thread: number): void {
    const t = draft.thread(thread);
    t.status = 'done';
    t.irqOff = false;
    t.irqOffPc = -1;
    answerIpis(draft, thread);
  }
}

/** Stands in for `touched` when nothing is recorded: only witnesses (record = true) read it. */
class Unrecorded extends Set<string> {
  override add(): this { return this; }
}
const UNRECORDED = new Unrecorded();

function newEffects(record = true): Effects {
  return { unrolled: [], problems: [], lines: [], touched: record ? new Set() : UNRECORDED };
}

function line(instr: Instr, text: string, kind: TraceLine['kind'], note: string | undefined): TraceLine {
  const traced: TraceLine = { text, loc: instr.loc, depth: instr.stack.length, kind };
  if (note !== undefined) traced.note = note;
  return traced;
}

function branchNote(decision: Decision, pc: number, choice: number): string | undefined {
  if (!('next' in decision)) return undefined;
  const taken = decision.next === pc + 1;
  return choice >= 0 ? `assumed ${taken ? 'true' : 'false'}` : taken ? 'true' : 'false';
}
