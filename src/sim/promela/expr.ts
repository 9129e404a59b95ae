// C expressions as Promela expressions, with the simulator's meaning
// (src/sim/expr.ts): unknown operands make unknown results, a symbol equals
// only itself, `&&`/`||` decide when one side decides, `/ 0` is unknown.
//
// A plain value (analysis.ts) is written as the C it came from. Otherwise
// the checks are spelled out with Promela's conditional expression
// `(c -> a : b)` (Spin manual, "cond_expr"), and operands that a check
// names twice are first computed into hidden scratch variables, so that the
// text stays linear in the size of the expression.

import { evaluate, type Expr } from '../expr';
import type { Value } from '../values';
import { Plainness, RESULT, type ProgramFacts, type Source } from './analysis';
import type { SymbolTable } from './encoding';

/** A Promela expression and whether it always denotes a concrete number. */
export interface Code {
  text: string;
  plain: boolean;
  /** A plain comparison or logical result: already 1 or 0. */
  bool?: boolean;
}

/** What the expression writer needs from the thread being written. */
export interface ExprScope {
  readonly facts: ProgramFacts;
  readonly plainness: Plainness;
  readonly symbols: SymbolTable;
  /** The pc whose expressions are written (for "certainly assigned here"). */
  readonly pc: number;
  local(key: string): string;
  cell(id: string): string;
  /** A fresh hidden scratch variable, valid until the current atomic step ends. */
  temp(): string;
  /** A statement run before the expression is used. */
  pre(statement: string): void;
}

const ATOM = /^(?:[A-Za-z_]\w*(?:\[\d+\])?|\(-?\d+\)|-?\d+|UNKNOWN)$/;

export const constant = (value: Value, symbols: SymbolTable): Code => ({ text: symbols.literal(value), plain: typeof value === 'number' });

/** A name, path or call result as Promela reads it. */
export function sourceCode(source: Source, scope: ExprScope): Code {
  const entry = scope.facts.program.entry;
  switch (source.kind) {
    case 'const': return constant(source.value, scope.symbols);
    case 'cell': return { text: scope.cell(source.id), plain: scope.plainness.plain(Plainness.cell(source.id)) };
    case 'local': {
      const name = scope.local(source.key);
      const plain = scope.plainness.plain(Plainness.local(entry, source.key));
      // `ret` starts UNSET so that an outcome can say "none"; read before it is set, it is the fallback.
      if (source.key === 'ret') return { text: `(${name} == UNSET -> ${scope.symbols.literal(source.fallback)} : ${name})`, plain };
      return { text: name, plain };
    }
  }
}

export class ExprWriter {
  constructor(private readonly scope: ExprScope) {}

  /** The value of `expr`. */
  value(expr: Expr): Code {
    const folded = this.fold(expr);
    if (folded !== undefined) return constant(folded, this.scope.symbols);
    const { scope } = this;
    switch (expr.kind) {
      case 'num': return constant(expr.value, scope.symbols);
      case 'name': return sourceCode(scope.facts.source(expr.name), scope);
      case 'path': return sourceCode(scope.facts.pathSource(expr.text), scope);
      case 'call': return this.callResult(expr.callee);
      case 'opaque': return { text: 'UNKNOWN', plain: false };
      case 'cast': return expr.toBool ? this.truth(this.value(expr.arg)) : this.value(expr.arg);
      case 'unary': return this.unary(expr.op, this.value(expr.arg));
      case 'cond': return this.conditional(expr);
      case 'binary': return this.binary(expr.op, this.value(expr.left), this.value(expr.right));
    }
  }

  /** The value of an expression that reads only constants, computed here by the simulator's own evaluator. */
  private fold(expr: Expr): Value | undefined {
    if (expr.kind === 'num' || expr.kind === 'name') return undefined;
    const facts = this.scope.facts;
    const notConstant = new Error('not constant');
    const known = (source: Source): Value => {
      if (source.kind !== 'const') throw notConstant;
      return source.value;
    };
    try {
      return evaluate(expr, {
        name: (name) => known(facts.source(name)),
        path: (text) => known(facts.pathSource(text)),
        call: () => { throw notConstant; },
      });
    } catch (error) {
      if (error === notConstant) return undefined;
      throw error;
    }
  }

  /** C truth as 1, 0 or UNKNOWN (plain when the value is plain). */
  truth(code: Code): Code {
    if (/^\(?-?\d+\)?$/.test(code.text)) return { text: Number(code.text.replace(/[()]/g, '')) !== 0 ? '1' : '0', plain: true, bool: true };
    if (code.bool || code.text === 'UNKNOWN') return code;
    if (code.plain) return { text: `(${code.text} != 0)`, plain: true, bool: true };
    return { text: `truth(${this.atom(code).text})`, plain: false };
  }

  /** A code that may be named several times: a variable, a literal, or a scratch copy. */
  atom(code: Code): Code {
    if (ATOM.test(code.text)) return code;
    const temp = this.scope.temp();
    this.scope.pre(`${temp} = ${code.text}`);
    return { text: temp, plain: code.plain };
  }

  private callResult(callee: string): Code {
    const key = RESULT(callee);
    const { scope } = this;
    const plain = scope.plainness.plain(Plainness.local(scope.facts.program.entry, key)) && scope.facts.assignedBefore[scope.pc]!.has(key);
    return { text: scope.local(key), plain };
  }

  private unary(op: string, arg: Code): Code {
    if (op === '!') {
      if (arg.plain) return { text: `(!${arg.text})`, plain: true, bool: true };
      const t = this.atom(this.truth(arg)).text;
      return { text: `(${t} == UNKNOWN -> UNKNOWN : 1 - ${t})`, plain: false };
    }
    if (op !== '-' && op !== '+' && op !== '~') return { text: 'UNKNOWN', plain: false }; // `&x`, `*p`: not modelled
    const apply = (x: string): string => (op === '+' ? x : `(${op}${x})`);
    if (arg.plain) return { text: apply(arg.text), plain: true };
    const a = this.atom(arg).text;
    return { text: `(isnum(${a}) -> ${apply(a)} : UNKNOWN)`, plain: false };
  }

  private conditional(expr: Extract<Expr, { kind: 'cond' }>): Code {
    const test = this.truth(this.value(expr.test));
    const a = this.value(expr.then);
    const b = this.value(expr.else);
    if (test.plain && a.plain && b.plain) return { text: `(${test.text} -> ${a.text} : ${b.text})`, plain: true };
    const t = this.atom(test).text;
    const x = this.atom(a).text;
    const y = this.atom(b).text;
    if (test.plain) return { text: `(${t} -> ${x} : ${y})`, plain: false };
    return { text: `(${t} == 1 -> ${x} : (${t} == 0 -> ${y} : (${x} == ${y} -> ${x} : UNKNOWN)))`, plain: false };
  }

  private binary(op: string, left: Code, right: Code): Code {
    if (op === '&&' || op === '||') return this.logical(op, left, right);
    const divides = op === '/' || op === '%';
    const safeDivisor = !divides || (/^\(?-?\d+\)?$/.test(right.text) && Number(right.text.replace(/[()]/g, '')) !== 0);
    const compares = ['==', '!=', '<', '>', '<=', '>='].includes(op);
    if (left.plain && right.plain && safeDivisor) return { text: `(${left.text} ${op} ${right.text})`, plain: true, ...(compares ? { bool: true } : {}) };
    const a = this.atom(left).text;
    const b = this.atom(right).text;
    if (op === '==' || op === '!=') {
      const [yes, no] = op === '==' ? [1, 0] : [0, 1];
      return { text: `((${a} == UNKNOWN || ${b} == UNKNOWN) -> UNKNOWN : (((${a} >= SYMBOL_BASE) != (${b} >= SYMBOL_BASE)) -> UNKNOWN : (${a} == ${b} -> ${yes} : ${no})))`, plain: false };
    }
    const numbers = `isnum(${a}) && isnum(${b})${divides ? ` && ${b} != 0` : ''}`;
    const known = ['<', '>', '<=', '>='].includes(op) ? `((${a} ${op} ${b}) -> 1 : 0)` : `(${a} ${op} ${b})`;
    return { text: `((${numbers}) -> ${known} : UNKNOWN)`, plain: false };
  }

  private logical(op: '&&' | '||', left: Code, right: Code): Code {
    if (left.plain && right.plain) return { text: `(${left.text} ${op} ${right.text})`, plain: true, bool: true };
    const l = this.atom(this.truth(left)).text;
    const r = this.atom(this.truth(right)).text;
    // A deciding side decides; otherwise an unknown side makes the result unknown.
    const [decides, other] = op === '&&' ? [0, 1] : [1, 0];
    return { text: `(${l} == ${decides} -> ${decides} : (${l} == ${other} -> ${r} : (${r} == ${decides} -> ${decides} : UNKNOWN)))`, plain: false };
  }
}
