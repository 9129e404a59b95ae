// One proctype per thread. Its control points are the thread's scheduling
// points: every shared instruction has a label S_<pc> (and a two-part
// operation a second label W_<pc> for its wait), and the atomic step that
// starts there runs the instruction and then every local instruction after
// it up to the next scheduling point, exactly as machine.ts groups a
// transition. Local control flow inside a step uses labels L<step>_<pc>;
// leaving a step is a `goto` to the next S_ label, outside any atomic, where
// other processes may run (Spin manual, "atomic": a jump out of an atomic
// sequence ends its indivisibility). A branch the thread cannot decide
// becomes a nondeterministic `if`.
//
// A loop that wants to go round at its bound abandons the execution, as the
// simulator does: the flag g_abandoned is set and every process leaves at
// its next scheduling point, so no later state is checked.

import type { Instr } from '../program';
import type { ThreadSpec } from '../scenario';
import { CALLEE_RETURN, RESULT, Plainness, type ProgramFacts } from './analysis';
import type { SymbolTable } from './encoding';
import type { Code } from './expr';
import { lockRules, type Globals } from './globals';
import type { Monitor } from './monitor';
import { ifElse, opGuard, opResume, opStart, opWait, spinBlocked } from './ops';
import { Step, type ThreadScope } from './step';
import { controlCode } from './control';

type OpInstr = Extract<Instr, { kind: 'op' }>;

/** What the whole model offers each thread. */
export interface ModelScope {
  readonly globals: Globals;
  readonly symbols: SymbolTable;
  readonly plainness: Plainness;
  readonly monitor: Monitor;
  readonly loopBound: number;
  /** The flag a cut sets, when some loop can be cut. */
  readonly abandoned?: string;
  /** The outcome record, when outcomes are printed. */
  readonly outcome?: { finished: string; ret: string; print: string };
  site(key: string, name: string): string;
  scratch(count: number): void;
  /** Records that CPU `thread` spins at `code` while `blocked` (for stop_machine). */
  spinsAt(thread: number, code: number, blocked: string): void;
  readonly labels: readonly string[];
}

export class ThreadWriter implements ThreadScope {
  private readonly locals = new Map<string, { name: string; decl: string }>();
  private readonly blocks: string[] = [];

  constructor(readonly model: ModelScope, readonly spec: ThreadSpec, readonly facts: ProgramFacts) {}

  get thread(): number { return this.spec.id; }
  get globals(): Globals { return this.model.globals; }
  get symbols(): SymbolTable { return this.model.symbols; }
  get plainness(): Plainness { return this.model.plainness; }
  private get instrs(): Instr[] { return this.spec.info.program.instrs; }

  /** The CPU's IRQ flag: global when other CPUs look at it, a local when only this thread changes it, else 0. */
  get irqOff(): string {
    if (this.model.globals.cpus) return `${this.model.globals.cpus.irqoff}[${this.thread}]`;
    return this.changesCpu('irq') ? this.declare('irqoff', 'l_irqoff', 'bit', '0') : '0';
  }

  get preempt(): string {
    if (this.model.globals.cpus) return `${this.model.globals.cpus.preempt}[${this.thread}]`;
    return this.changesCpu('preempt') ? this.declare('preempt', 'l_preempt', 'byte', '0') : '0';
  }

  /** Whether some operation of the thread changes its CPU's IRQ flag, or its preemption count (spin locks do). */
  private changesCpu(what: 'irq' | 'preempt'): boolean {
    return this.instrs.some((i) => i.kind === 'op' && (i.op.family === what || (what === 'preempt' && lockRules(i.op.family)?.spins === true)));
  }
  get irqStack(): string { return this.declare('irqstack', 'l_irq_saved', 'int', '0'); }
  get irqDepth(): string { return this.declare('irqdepth', 'l_irq_depth', 'byte', '0'); }

  /** Declares a proctype local once; returns its name. */
  declare(key: string, hint: string, type: string, init: string): string {
    let known = this.locals.get(key);
    if (!known) {
      const name = `${hint}${[...this.locals.values()].some((l) => l.name === hint) ? `_${this.locals.size}` : ''}`;
      known = { name, decl: `${type} ${name} = ${init}` };
      this.locals.set(key, known);
    }
    return known.name;
  }

  /** The local that keeps a value key (a name, `()callee`, `%ret`). */
  local(key: string): string {
    const safe = key.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
    if (key === CALLEE_RETURN) return this.declare(`v:${key}`, 'l_callee_ret', 'int', 'UNKNOWN');
    if (key.startsWith('()')) return this.declare(`v:${key}`, `l_result_${safe}`, 'int', 'UNKNOWN');
    const source = this.facts.source(key);
    const init = key === 'ret' ? 'UNSET' : source.kind === 'local' ? this.symbols.literal(source.fallback) : '0';
    return this.declare(`v:${key}`, `l_${safe}`, 'int', init);
  }

  /** Whether a value key is worth keeping: something reads it (or it is `ret`, which outcomes show). */
  keeps(key: string): boolean {
    if (key === CALLEE_RETURN) return this.instrs.some((i) => i.kind === 'exit' && ((i.assignTo !== undefined && this.keeps(i.assignTo)) || this.keeps(RESULT(i.callee))));
    return this.facts.keeps(key) || (key === 'ret' && this.facts.info.assigned.has('ret') && this.model.outcome !== undefined);
  }

  /** Assigns a value key, if kept, and learns its plainness. */
  assign(step: Step, key: string, code: Code): void {
    if (!this.keeps(key)) return;
    step.emit(`${this.local(key)} = ${code.text}`);
    this.plainness.learn(Plainness.local(this.spec.entry, key), code.plain);
  }

  problem(property: 'misuse' | 'sleep-in-atomic', pc: number): string {
    const key = `${property}|${this.spec.label}|${pc}`;
    return `assert(${this.model.site(key, `never_${property.replace(/-/g, '_')}_cpu${this.thread}_pc${pc}`)})`;
  }

  answerIpis(): string[] {
    const cpus = this.globals.cpus;
    if (!cpus) return [];
    const senders = this.globals.scenario.threads.filter((t) => t.id !== this.thread && t.info.program.instrs.some((i) => i.kind === 'op' && (i.op.action === 'ipi' || i.op.action === 'kick'))).map((t) => t.id);
    return this.globals.clearBit(cpus.ipi, senders, this.thread);
  }

  scratch(count: number): void { this.model.scratch(count); }

  /** Whether the thread's step at `pc` can change what the update-phase monitor sees. */
  private watched(pc: number): boolean {
    if (!this.model.monitor.watches(this.thread)) return false;
    const objects = new Set(this.model.monitor.idioms.flatMap((i) => [i.domain, ...i.completions, ...i.flags, ...i.counters]));
    const instr = this.instrs[pc]!;
    if (instr.kind === 'op') return instr.op.object !== undefined && objects.has(instr.op.object.id);
    if (instr.kind === 'access' && objects.has(instr.object)) return true;
    return (this.spec.info.reads[pc] ?? []).some((id) => objects.has(id));
  }

  /** The proctype's text. */
  write(name: string): string {
    const { instrs } = this;
    const body: string[] = [];
    const start = this.skipTrivial(0);
    // When the thread starts with a shared step, its first label S_<start> comes first anyway.
    if (!this.spec.info.shared[start]) this.step(body, { watched: false }, (step) => this.run(step, 'P', 0, false));
    instrs.forEach((instr, pc) => {
      if (!this.spec.info.shared[pc]) return;
      if (instr.kind === 'op') this.operation(body, pc, instr);
      else this.step(body, { label: `S_${pc}`, watched: this.watched(pc) }, (step) => this.run(step, `S${pc}`, pc, true));
    });
    const decls = [...this.locals.values()].map((l) => `  ${l.decl};`);
    return [`proctype ${name}() {`, ...decls, ...body.map((l) => `  ${l}`), '  done: skip', '}'].join('\n');
  }

  /**
   * Writes one atomic step at `label` (none: the process's first step);
   * `write` fills it and returns the guard it starts with. `watched`: the
   * step can change what the monitor sees, so its exits check the exclusion.
   * `spinReset`: the step leaves a spin-wait that stop_machine watches.
   */
  private step(out: string[], how: { label?: string; watched: boolean; spinReset?: boolean }, write: (step: Step) => string | undefined): void {
    const { label, watched, spinReset = false } = how;
    this.watchedStep = watched;
    const step = new Step(this);
    const guard = write(step);
    const lines = [...(spinReset && this.globals.cpus?.spinningAt ? [`${this.globals.cpus.spinningAt}[${this.thread}] = 0`] : []), ...step.lines, ...this.blocks.splice(0)];
    const abandoned = this.model.abandoned;
    const condition = [abandoned ? `!${abandoned}` : undefined, guard].filter((c) => c !== undefined).join(' && ');
    const atomic = `atomic { ${condition ? `${condition} -> ` : ''}${lines.join(';\n      ')} }`;
    if (label) out.push(`${label}:`);
    out.push(abandoned ? `if :: ${abandoned} -> goto done :: ${atomic} fi` : atomic);
  }

  /** The step being written can change what the monitor sees (see `step`). */
  private watchedStep = false;

  /** The two steps of an operation: its start (S_pc) and, for a two-part one, its resumption (W_pc). */
  private operation(out: string[], pc: number, instr: OpInstr): void {
    const id = `S${pc}`;
    const scope = new Step(this);
    scope.pc = pc;
    const wait = opWait(scope, instr);
    const spinsAtStart = this.globals.cpus?.spinningAt !== undefined && spinBlocked(scope, instr, false) !== undefined;
    this.step(out, { label: `S_${pc}`, watched: this.watched(pc), spinReset: spinsAtStart }, (step) => {
      step.pc = pc;
      const guard = opGuard(step, instr);
      const value = opStart(step, instr);
      if (wait) step.emit(ifElse(wait.when, [...this.spinMark(pc, instr, true), `goto W_${pc}`]));
      this.complete(step, instr, value);
      this.run(step, id, pc + 1, false);
      return guard;
    });
    if (!wait) return;
    const spinsInWait = this.globals.cpus?.spinningAt !== undefined && spinBlocked(scope, instr, true) !== undefined;
    this.step(out, { label: `W_${pc}`, watched: this.watched(pc), spinReset: spinsInWait }, (step) => {
      step.pc = pc;
      opResume(step, instr);
      this.complete(step, instr, { text: 'UNKNOWN', plain: false });
      this.run(step, `W${pc}`, pc + 1, false);
      return wait.until;
    });
  }

  /** After an operation completes: the monitor sees it, and its value goes where the call assigns it. */
  private complete(step: Step, instr: OpInstr, value: Code): void {
    const { op } = instr;
    if (op.family === 'access' && op.object) {
      const cell = this.globals.cell(op.object.id);
      const current = { text: cell ?? 'UNKNOWN', plain: cell !== undefined && this.plainness.plain(Plainness.cell(op.object.id)) };
      if (op.action === 'store') this.model.monitor.store(step, op.object.id, current);
      else this.model.monitor.load(step, op.object.id, value);
    } else {
      this.model.monitor.op(step, instr, value);
    }
    if (instr.synthetic) return;
    if (instr.assignTo) this.assign(step, instr.assignTo, value);
    if (this.spec.info.resultsRead.has(instr.call.callee)) this.assign(step, RESULT(instr.call.callee), value);
  }

  /** Marks where a CPU spins, for stop_machine: before it waits at a spin lock (S) or for an IPI (W). */
  private spinMark(pc: number, instr: Instr | undefined, resumed: boolean): string[] {
    const at = this.globals.cpus?.spinningAt;
    if (!at || instr?.kind !== 'op') return [];
    const scope = new Step(this);
    const blocked = spinBlocked(scope, instr, resumed);
    if (blocked === undefined) return [];
    const code = 2 * pc + (resumed ? 2 : 1);
    this.model.spinsAt(this.thread, code, `(${at}[${this.thread}] == ${code} && ${blocked})`);
    return [`${at}[${this.thread}] = ${code}`];
  }

  /**
   * The local run of a step from `from`: every instruction reached before
   * the next scheduling point, as labelled blocks (appended to `blocks`),
   * after a jump to the first. With `first`, the instruction at `from` runs
   * even though it is shared (it is the step's own instruction).
   */
  private run(step: Step, id: string, from: number, first: boolean): undefined {
    const label = (pc: number): string => `L${id}_${pc}`;
    const queued = new Set<number>();
    const work: number[] = [];
    const jump = (to: number): string => {
      const pc = this.skipTrivial(to);
      if (this.spec.info.shared[pc]) {
        // Leaving the step: the monitor check, the spin mark, then the next scheduling point.
        const exit = [...(this.watchedStep ? this.model.monitor.check(new Step(this)) : []), ...this.spinMark(pc, this.instrs[pc], false)];
        if (exit.length === 0) return `goto S_${pc}`;
      }
      if (!queued.has(pc)) { queued.add(pc); work.push(pc); }
      return `goto ${label(pc)}`;
    };
    const cut = `goto L${id}_cut`;
    if (first) controlCode(this, step, from, jump, cut);
    else step.emit(jump(from));
    const written = new Map<number, string[]>();
    let usesCut = first && step.lines.some((l) => l.includes(cut));
    while (work.length > 0) {
      const pc = work.pop()!;
      const block = new Step(this);
      block.pc = pc;
      if (this.spec.info.shared[pc]) this.exit(block, pc);
      else controlCode(this, block, pc, jump, cut);
      usesCut ||= block.lines.some((l) => l.includes(cut));
      written.set(pc, block.lines);
    }
    for (const pc of [...written.keys()].sort((a, b) => a - b)) this.blocks.push(`${label(pc)}: ${written.get(pc)!.join('; ')}`);
    if (usesCut) this.blocks.push(`L${id}_cut: ${this.model.abandoned} = 1; goto done`);
    return undefined;
  }

  /** The first instruction from `pc` on that does something: calls, labels and plain jumps are only shown in witnesses. */
  private skipTrivial(pc: number): number {
    const seen = new Set<number>();
    for (let at = pc; !seen.has(at); ) {
      seen.add(at);
      const instr = this.instrs[at];
      if (!instr || this.spec.info.shared[at]) return at;
      if (instr.kind === 'enter' || instr.kind === 'mark') at++;
      else if (instr.kind === 'jump' && instr.counter === undefined) at = instr.target;
      else if (instr.kind === 'exit' && !this.keeps(CALLEE_RETURN) && !(instr.assignTo !== undefined && this.keeps(instr.assignTo)) && !(this.spec.info.resultsRead.has(instr.callee) && this.keeps(RESULT(instr.callee)))) at++;
      else return at;
    }
    return pc;
  }

  /** Leaving a step for the scheduling point at `pc`: the monitor check, then the jump. */
  private exit(block: Step, pc: number): void {
    if (this.watchedStep) for (const s of this.model.monitor.check(block)) block.emit(s);
    for (const s of this.spinMark(pc, this.instrs[pc], false)) block.emit(s);
    block.emit(`goto S_${pc}`);
  }

  /** The thread returns: its CPU goes idle (IRQs on, IPIs answered), its outcome is recorded. */
  finish(block: Step): void {
    const cpus = this.globals.cpus;
    if (cpus) block.emit([`${cpus.done}[${this.thread}] = 1`, `${cpus.irqoff}[${this.thread}] = 0`, ...this.answerIpis()].join('; '));
    const outcome = this.model.outcome;
    if (outcome) {
      const ret = this.keeps('ret') ? this.local('ret') : 'UNSET';
      const own = this.threadReturn()!;
      block.emit(`${outcome.ret}[${this.thread}] = ((${own} != UNSET && ${own} != UNKNOWN) -> ${own} : ${ret})`);
      block.emit(`${outcome.finished}++`);
    }
    if (this.watchedStep) for (const s of this.model.monitor.check(block)) block.emit(s);
    if (outcome) block.emit(outcome.print);
    block.emit('goto done');
  }

  /** The return value of the entry point (machine.ts's `t.ret`), when outcomes are recorded. */
  threadReturn(): string | undefined {
    return this.model.outcome ? this.declare('v:%thread', 'l_thread_ret', 'int', 'UNSET') : undefined;
  }
}
