// Compiles an inlined entry point (src/model/inline.ts's Step tree) into a
// flat instruction list with jumps, so a thread's position is one integer and
// loops, gotos and early returns are plain jumps. Structure the notes cannot
// express is read as follows:
//
// - `break` with no loop or switch around it in its function: the notes write
//   a switch's cases as `case X:` path lines, so the break leaves the case:
//   control resumes after the outermost enclosing `if` of that function, as
//   in seed 000 (`break;` then `if (end_update)`), or leaves the function.
// - Loops have no do-while form in the model; every loop tests first.
// - A spin lock with `_irq`/`_irqsave` disables IRQs *before* it spins
//   (include/linux/spinlock_api_smp.h: local_irq_save(); preempt_disable();
//   do_raw_spin_lock()), so it compiles to two operations; the unlock
//   releases, then restores IRQs.

import type { Step } from '../model/inline';
import type { CallStmt, ConditionTest, SourceLoc, SyncOp } from '../model/types';
import { parseExpr, type Expr } from './expr';

interface Base {
  loc: SourceLoc;
  /** Functions active at this instruction, entry first. */
  stack: readonly string[];
  /** The text a witness shows for it; undefined hides it (structural jumps). */
  text?: string;
}

export type Instr = Base & (
  | { kind: 'op'; op: SyncOp; call: CallStmt; assignTo?: string; synthetic?: 'irq-before-lock' | 'irq-after-unlock' }
  | { kind: 'access'; access: 'store' | 'load'; object: string; value?: Expr }
  | { kind: 'enter'; callee: string; expanded: boolean; cut?: 'recursion' | 'depth' }
  | { kind: 'exit'; callee: string; assignTo?: string }
  | { kind: 'assign'; target: string; value: Expr }
  | { kind: 'branch'; cond: Expr; condText: string; tests: ConditionTest[]; elseTarget: number }
  | { kind: 'switch'; on: Expr; cases: { labels: string[]; target: number }[]; endTarget: number }
  | { kind: 'loopEnter'; loop: number }
  /** `cond` undefined: `for (;;)`; `opaque`: a loop macro we cannot evaluate. */
  | { kind: 'loopTest'; loop: number; cond?: Expr; exitTarget: number }
  /** `counter` names a back edge that is bounded (goto backwards). */
  | { kind: 'jump'; target: number; counter?: string }
  | { kind: 'return'; value?: Expr; target: number }
  /** A line shown and otherwise skipped: a label, a `case X:` path, the `=> target()` of a dispatched call. */
  | { kind: 'mark'; dispatch?: boolean }
  | { kind: 'end' }
);

export interface Program {
  entry: string;
  instrs: Instr[];
  /** Calls cut by the inliner (recursion, depth), with where. */
  cuts: { callee: string; reason: 'recursion' | 'depth'; loc: SourceLoc }[];
}

interface FunctionScope {
  labels: Map<string, number>;
  /** Jumps waiting for a label, a function exit or an outermost-branch exit. */
  gotoFixups: { pc: number; label: string }[];
  exitFixups: number[];
}

interface Scope {
  fn: FunctionScope;
  breakFixups?: number[];
  continueTarget?: number;
  /** Exits of the outermost `if` of the function, for a break with no loop (see above). */
  branchExitFixups?: number[];
}

const SPIN_FAMILIES = new Set(['spinlock', 'raw_spinlock', 'rwlock']);

class Compiler {
  readonly instrs: Instr[] = [];
  readonly cuts: Program['cuts'] = [];
  private loops = 0;

  emit(instr: Instr): number {
    this.instrs.push(instr);
    return this.instrs.length - 1;
  }

  private patch(pc: number, target: number): void {
    const instr = this.instrs[pc];
    if (!instr) return;
    if (instr.kind === 'jump' || instr.kind === 'return') instr.target = target;
    else if (instr.kind === 'branch') instr.elseTarget = target;
    else if (instr.kind === 'loopTest') instr.exitTarget = target;
    else if (instr.kind === 'switch') instr.endTarget = target;
  }

  private get here(): number { return this.instrs.length; }

  function(steps: readonly Step[], stack: readonly string[]): FunctionScope {
    const fn: FunctionScope = { labels: new Map(), gotoFixups: [], exitFixups: [] };
    this.body(steps, { fn }, stack);
    for (const { pc, label } of fn.gotoFixups) {
      const target = fn.labels.get(label);
      const instr = this.instrs[pc];
      if (target === undefined || instr?.kind !== 'jump') {
        // A goto to a label the notes do not show leaves the function.
        fn.exitFixups.push(pc);
        continue;
      }
      instr.target = target;
      if (target <= pc) instr.counter = `#goto${pc}`;
    }
    return fn;
  }

  body(steps: readonly Step[], scope: Scope, stack: readonly string[]): void {
    for (const step of steps) this.step(step, scope, stack);
  }

  private step(step: Step, scope: Scope, stack: readonly string[]): void {
    switch (step.kind) {
      case 'call': return this.call(step, scope, stack);
      case 'branch': return this.branch(step, scope, stack);
      case 'switch': return this.switch(step, scope, stack);
      case 'loop': return this.loop(step, scope, stack);
      case 'stmt': return this.simple(step.stmt, scope, stack);
    }
  }

  private call(step: Extract<Step, { kind: 'call' }>, scope: Scope, stack: readonly string[]): void {
    const { call } = step;
    const base = { loc: call.loc, stack, text: call.text };
    if (call.op) {
      const op = call.op;
      const irq = op.cpuEffect === 'irq' || op.cpuEffect === 'irqsave';
      const spin = SPIN_FAMILIES.has(op.family);
      if (irq && spin && (op.action === 'acquire' || op.action === 'try_acquire')) {
        const irqOp: SyncOp = { primitive: op.primitive, family: 'irq', action: op.cpuEffect === 'irq' ? 'irq_disable' : 'irq_save', sleeps: false, implicit: true };
        this.emit({ ...base, kind: 'op', op: irqOp, call, synthetic: 'irq-before-lock' });
      }
      this.emit({ ...base, kind: 'op', op, call, ...(call.assignTo ? { assignTo: call.assignTo } : {}) });
      if (irq && spin && op.action === 'release') {
        const irqOp: SyncOp = { primitive: op.primitive, family: 'irq', action: op.cpuEffect === 'irq' ? 'irq_enable' : 'irq_restore', sleeps: false, implicit: true };
        this.emit({ ...base, kind: 'op', op: irqOp, call, synthetic: 'irq-after-unlock' });
      }
      return;
    }
    const callee = step.target?.name ?? call.callee;
    if (step.cut) this.cuts.push({ callee, reason: step.cut, loc: call.loc });
    this.emit({ ...base, kind: 'enter', callee, expanded: step.body.length > 0, ...(step.cut ? { cut: step.cut } : {}) });
    // An indirect call shows where it went, as the notes' `=>` line does.
    if (step.target && step.target.name !== call.callee) this.emit({ loc: call.loc, stack, text: `${step.target.name}()`, kind: 'mark', dispatch: true });
    const fn = this.function(step.body, [...stack, callee]);
    const exit = this.emit({ loc: call.loc, stack, kind: 'exit', callee, ...(call.assignTo ? { assignTo: call.assignTo } : {}) });
    for (const pc of fn.exitFixups) this.patch(pc, exit);
  }

  private branch(step: Extract<Step, { kind: 'branch' }>, scope: Scope, stack: readonly string[]): void {
    const { stmt } = step;
    const outermost = scope.branchExitFixups === undefined;
    const inner: Scope = outermost ? { ...scope, branchExitFixups: [] } : scope;
    const test = this.emit({ loc: stmt.loc, stack, text: `if (${stmt.cond})`, kind: 'branch', cond: parseExpr(stmt.cond), condText: stmt.cond, tests: stmt.tests, elseTarget: -1 });
    this.body(step.then, inner, stack);
    if (step.else.length > 0) {
      const skip = this.emit({ loc: stmt.loc, stack, kind: 'jump', target: -1 });
      this.patch(test, this.here);
      this.body(step.else, inner, stack);
      this.patch(skip, this.here);
    } else {
      this.patch(test, this.here);
    }
    if (outermost) for (const pc of inner.branchExitFixups ?? []) this.patch(pc, this.here);
  }

  private switch(step: Extract<Step, { kind: 'switch' }>, scope: Scope, stack: readonly string[]): void {
    const { stmt } = step;
    const at = this.emit({ loc: stmt.loc, stack, text: `switch (${stmt.on})`, kind: 'switch', on: parseExpr(stmt.on), cases: [], endTarget: -1 });
    const inner: Scope = { ...scope, breakFixups: [] };
    const cases: { labels: string[]; target: number }[] = [];
    for (const c of step.cases) {
      cases.push({ labels: c.labels, target: this.here });
      this.emit({ loc: stmt.loc, stack, text: c.labels.map((l) => (l === 'default' ? 'default:' : `case ${l}:`)).join(' '), kind: 'mark' });
      this.body(c.body, inner, stack);
    }
    const instr = this.instrs[at];
    if (instr?.kind === 'switch') instr.cases = cases;
    this.patch(at, this.here);
    for (const pc of inner.breakFixups ?? []) this.patch(pc, this.here);
  }

  private loop(step: Extract<Step, { kind: 'loop' }>, scope: Scope, stack: readonly string[]): void {
    const { stmt } = step;
    const loop = this.loops++;
    this.emit({ loc: stmt.loc, stack, kind: 'loopEnter', loop });
    const head = this.here;
    this.body(step.head, scope, stack);
    // A loop macro (list_for_each_entry) has no condition we can evaluate.
    const cond: Expr | undefined = stmt.cond.trim() === '' ? undefined : stmt.macro ? { kind: 'opaque' } : parseExpr(stmt.cond);
    const label = stmt.macro ? `${stmt.macro}(${stmt.cond})` : stmt.cond.trim() === '' ? 'for (;;)' : `while (${stmt.cond})`;
    const test = this.emit({ loc: stmt.loc, stack, text: label, kind: 'loopTest', loop, ...(cond ? { cond } : {}), exitTarget: -1 });
    const inner: Scope = { ...scope, breakFixups: [], continueTarget: head };
    this.body(step.body, inner, stack);
    this.emit({ loc: stmt.loc, stack, kind: 'jump', target: head });
    this.patch(test, this.here);
    for (const pc of inner.breakFixups ?? []) this.patch(pc, this.here);
  }

  private simple(stmt: Extract<Step, { kind: 'stmt' }>['stmt'], scope: Scope, stack: readonly string[]): void {
    const base = { loc: stmt.loc, stack };
    switch (stmt.kind) {
      case 'return': {
        const pc = this.emit({ ...base, text: `return${stmt.value !== undefined ? ` ${stmt.value}` : ''};`, kind: 'return', ...(stmt.value !== undefined ? { value: parseExpr(stmt.value) } : {}), target: -1 });
        scope.fn.exitFixups.push(pc);
        return;
      }
      case 'goto':
        scope.fn.gotoFixups.push({ pc: this.emit({ ...base, text: `goto ${stmt.label};`, kind: 'jump', target: -1 }), label: stmt.label });
        return;
      case 'label':
        scope.fn.labels.set(stmt.name, this.emit({ ...base, text: `${stmt.name}:`, kind: 'mark' }));
        return;
      case 'break': {
        const pc = this.emit({ ...base, text: 'break;', kind: 'jump', target: -1 });
        (scope.breakFixups ?? scope.branchExitFixups ?? scope.fn.exitFixups).push(pc);
        return;
      }
      case 'continue':
        if (scope.continueTarget !== undefined) this.emit({ ...base, text: 'continue;', kind: 'jump', target: scope.continueTarget });
        else this.emit({ ...base, text: 'continue;', kind: 'mark' });
        return;
      case 'path':
        this.emit({ ...base, text: stmt.text, kind: 'mark' });
        return;
      case 'assign':
        this.emit({ ...base, text: `${stmt.target} = ${stmt.value};`, kind: 'assign', target: stmt.target, value: parseExpr(stmt.value) });
        return;
      case 'access':
        this.emit({ ...base, text: `${stmt.text};`, kind: 'access', access: stmt.access, object: stmt.object.id, ...(stmt.value !== undefined ? { value: parseExpr(stmt.value) } : {}) });
        return;
    }
  }
}

/** Compiles one entry point's inlined steps. The last instruction is `end`. */
export function compileProgram(entry: string, steps: readonly Step[], loc: SourceLoc): Program {
  const compiler = new Compiler();
  const fn = compiler.function(steps, [entry]);
  const end = compiler.emit({ loc, stack: [entry], kind: 'end' });
  for (const pc of fn.exitFixups) {
    const instr = compiler.instrs[pc];
    if (instr?.kind === 'jump' || instr?.kind === 'return') instr.target = end;
  }
  return { entry, instrs: compiler.instrs, cuts: compiler.cuts };
}

/** The pcs control can go to from `pc` (for future footprints). */
export function successors(program: Program, pc: number): number[] {
  const instr = program.instrs[pc];
  if (!instr) return [];
  switch (instr.kind) {
    case 'end': return [];
    case 'jump': return [instr.target];
    case 'return': return [instr.target];
    case 'branch': return [pc + 1, instr.elseTarget];
    case 'loopTest': return [pc + 1, instr.exitTarget];
    case 'switch': return [...instr.cases.map((c) => c.target), instr.endTarget];
    default: return [pc + 1];
  }
}
