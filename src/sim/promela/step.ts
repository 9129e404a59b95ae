// One atomic step of a thread being written: the statements, the scratch
// variables they use, and everything the expression and operation writers
// ask of a step (StepScope). A step is what machine.ts calls a transition:
// one shared step and the local steps after it.

import { parseExpr } from '../expr';
import type { ProgramFacts } from './analysis';
import type { Plainness } from './analysis';
import type { SymbolTable } from './encoding';
import { ExprWriter, type Code } from './expr';
import type { Globals } from './globals';
import type { StepScope } from './ops';

/** What a step needs from the thread it belongs to. */
export interface ThreadScope {
  readonly thread: number;
  readonly facts: ProgramFacts;
  readonly globals: Globals;
  readonly symbols: SymbolTable;
  readonly plainness: Plainness;
  readonly irqOff: string;
  readonly preempt: string;
  readonly irqStack: string;
  readonly irqDepth: string;
  local(key: string): string;
  /** The assertion of a problem at a site; declares the site's never-true bit. */
  problem(property: 'misuse' | 'sleep-in-atomic', pc: number): string;
  answerIpis(): string[];
  /** Notes that the model uses `count` scratch variables. */
  scratch(count: number): void;
}

export class Step implements StepScope {
  readonly lines: string[] = [];
  /** The instruction being written (for "certainly assigned here" and problem sites). */
  pc = 0;
  private temps = 0;
  private readonly writer: ExprWriter;

  constructor(private readonly owner: ThreadScope) {
    this.writer = new ExprWriter(this);
  }

  get thread(): number { return this.owner.thread; }
  get facts(): ProgramFacts { return this.owner.facts; }
  get globals(): Globals { return this.owner.globals; }
  get symbols(): SymbolTable { return this.owner.symbols; }
  get plainness(): Plainness { return this.owner.plainness; }
  get irqOff(): string { return this.owner.irqOff; }
  get preempt(): string { return this.owner.preempt; }
  get irqStack(): string { return this.owner.irqStack; }
  get irqDepth(): string { return this.owner.irqDepth; }

  local(key: string): string { return this.owner.local(key); }
  cell(id: string): string { return this.globals.cell(id) ?? 'UNKNOWN'; }

  temp(): string {
    const name = `h_${this.temps++}`;
    this.owner.scratch(this.temps);
    return name;
  }

  emit(statement: string): void { this.lines.push(statement); }
  pre(statement: string): void { this.lines.push(statement); }
  problem(property: 'misuse' | 'sleep-in-atomic'): string { return this.owner.problem(property, this.pc); }
  answerIpis(): string[] { return this.owner.answerIpis(); }

  /** An argument or operand text as the thread evaluates it; a variable or literal when not plain. */
  value(text: string | undefined): Code {
    if (text === undefined) return { text: 'UNKNOWN', plain: false };
    const code = this.writer.value(parseExpr(text));
    return code.plain ? code : this.writer.atom(code);
  }

  /** An expression's value (for assignments, returns and stores). */
  expr(expr: Parameters<ExprWriter['value']>[0]): Code {
    return this.writer.value(expr);
  }

  /** An expression's C truth: plain (a Promela condition) or a scratch variable holding 1, 0 or UNKNOWN. */
  truth(expr: Parameters<ExprWriter['value']>[0]): Code {
    const t = this.writer.truth(this.writer.value(expr));
    return t.plain ? t : this.writer.atom(t);
  }

  atom(code: Code): Code { return this.writer.atom(code); }
}
