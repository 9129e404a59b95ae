// A small reader and evaluator for the C expressions that decide branches:
// `atomic_add_return(bias, &nr_running_td) != bias`, `(unsigned long)data == 0`,
// `!READ_ONCE(fw->update)`, `ret = atomic_inc_unless_negative(&x) ? 0 : -EBUSY`.
// The model keeps conditions as text (the parser's tree is gone by the time we
// run), so we read them again here; anything we cannot read evaluates to
// unknown and the branch is explored both ways.

import { fromBool, truth, type Value } from './values';

export type Expr =
  | { kind: 'num'; value: number }
  | { kind: 'name'; name: string }
  /** A member or element access such as `fw->update`, `kvm->fw->srcu`, `a[i].b`: a shared object. */
  | { kind: 'path'; text: string }
  /** A call: its value is what this thread's last call of `callee` returned. */
  | { kind: 'call'; callee: string }
  | { kind: 'unary'; op: string; arg: Expr }
  | { kind: 'cast'; toBool: boolean; arg: Expr }
  | { kind: 'binary'; op: string; left: Expr; right: Expr }
  | { kind: 'cond'; test: Expr; then: Expr; else: Expr }
  | { kind: 'opaque' };

/** Where names, paths and calls get their values. */
export interface Env {
  name(name: string): Value;
  path(text: string): Value;
  call(callee: string): Value;
}

interface Token { text: string; start: number; end: number }

const TOKEN = /\s*(0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|[A-Za-z_]\w*|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|\S)/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    const token = m[1] ?? '';
    tokens.push({ text: token, start: m.index + m[0].length - token.length, end: m.index + m[0].length });
  }
  return tokens;
}

/** Binary operators by C precedence (higher binds tighter). */
const BINARY: Readonly<Record<string, number>> = {
  '||': 4, '&&': 5, '|': 6, '^': 7, '&': 8, '==': 9, '!=': 9, '<': 10, '>': 10, '<=': 10, '>=': 10,
  '<<': 11, '>>': 11, '+': 12, '-': 12, '*': 13, '/': 13, '%': 13,
};

const TYPE_WORDS = /^(?:unsigned|signed|long|int|short|char|bool|_Bool|void|const|volatile|struct|enum|union|[us](?:8|16|32|64)|size_t|ssize_t|uintptr_t|\w+_t)$/;

class Reader {
  private at = 0;
  constructor(private readonly tokens: Token[], private readonly source: string) {}

  parse(): Expr {
    const expr = this.comma();
    return this.at === this.tokens.length ? expr : { kind: 'opaque' };
  }

  private peek(offset = 0): string | undefined { return this.tokens[this.at + offset]?.text; }
  private next(): string { return this.tokens[this.at++]?.text ?? ''; }
  private expect(text: string): void { if (this.next() !== text) throw new SyntaxError(text); }

  private comma(): Expr {
    let expr = this.conditional();
    // `a, b` evaluates to b.
    while (this.peek() === ',') { this.next(); expr = this.conditional(); }
    return expr;
  }

  private conditional(): Expr {
    const test = this.binary(4);
    if (this.peek() !== '?') return test;
    this.next();
    const then = this.comma();
    this.expect(':');
    return { kind: 'cond', test, then, else: this.conditional() };
  }

  private binary(minPrecedence: number): Expr {
    let left = this.unary();
    for (;;) {
      const op = this.peek();
      const precedence = op !== undefined ? BINARY[op] : undefined;
      if (precedence === undefined || precedence < minPrecedence) return left;
      this.next();
      left = { kind: 'binary', op: op!, left, right: this.binary(precedence + 1) };
    }
  }

  private unary(): Expr {
    const op = this.peek();
    if (op === '!' || op === '-' || op === '+' || op === '~' || op === '&' || op === '*') {
      this.next();
      return { kind: 'unary', op, arg: this.unary() };
    }
    if (op === 'sizeof') { this.next(); this.unary(); return { kind: 'opaque' }; }
    if (op === '(' && this.isCast()) {
      this.next();
      let toBool = false;
      while (this.peek() !== ')') { const word = this.next(); if (word === 'bool' || word === '_Bool') toBool = true; }
      this.next();
      return { kind: 'cast', toBool, arg: this.unary() };
    }
    return this.postfix();
  }

  /** `(unsigned long)x`: a parenthesised run of type words and stars. */
  private isCast(): boolean {
    let i = 1;
    let words = 0;
    for (; this.peek(i) !== ')' && this.peek(i) !== undefined; i++) {
      const word = this.peek(i) ?? '';
      if (word === '*') continue;
      if (!TYPE_WORDS.test(word) && this.peek(i - 1) !== 'struct' && this.peek(i - 1) !== 'enum') return false;
      words++;
    }
    return words > 0 && this.peek(i) === ')';
  }

  private postfix(): Expr {
    const first = this.tokens[this.at];
    if (!first) throw new SyntaxError('end');
    if (first.text === '(') {
      this.next();
      const inner = this.comma();
      this.expect(')');
      return inner;
    }
    this.next();
    if (/^\d/.test(first.text)) return { kind: 'num', value: Number.parseInt(first.text.replace(/[uUlL]+$/, ''), first.text.startsWith('0x') || first.text.startsWith('0X') ? 16 : first.text.startsWith('0') && first.text.length > 1 ? 8 : 10) };
    if (!/^[A-Za-z_]/.test(first.text)) return { kind: 'opaque' };
    if (this.peek() === '(') return this.call(first.text);
    let end = first.end;
    let isPath = false;
    while (this.peek() === '->' || this.peek() === '.' || this.peek() === '[') {
      isPath = true;
      if (this.next() === '[') { this.comma(); this.expect(']'); } else this.next();
      end = this.tokens[this.at - 1]?.end ?? end;
    }
    return isPath ? { kind: 'path', text: this.source.slice(first.start, end) } : { kind: 'name', name: first.text };
  }

  private call(callee: string): Expr {
    this.expect('(');
    let depth = 1;
    while (depth > 0) {
      const token = this.next();
      if (token === '') throw new SyntaxError(')');
      if (token === '(') depth++;
      else if (token === ')') depth--;
    }
    // `f(x)->member` or `f(x)(y)` is more than a call's value.
    if (this.peek() === '->' || this.peek() === '.' || this.peek() === '(' || this.peek() === '[') return { kind: 'opaque' };
    return { kind: 'call', callee };
  }
}

const cache = new Map<string, Expr>();

/** Reads a C expression; what cannot be read becomes `opaque` (unknown). */
export function parseExpr(text: string): Expr {
  let expr = cache.get(text);
  if (!expr) {
    try {
      expr = new Reader(tokenize(text), text).parse();
    } catch {
      expr = { kind: 'opaque' };
    }
    cache.set(text, expr);
  }
  return expr;
}

export function evaluate(expr: Expr, env: Env): Value {
  switch (expr.kind) {
    case 'num': return expr.value;
    case 'name': return env.name(expr.name);
    case 'path': return env.path(expr.text);
    case 'call': return env.call(expr.callee);
    case 'opaque': return null;
    case 'cast': {
      const value = evaluate(expr.arg, env);
      return expr.toBool ? fromBool(truth(value)) : value;
    }
    case 'unary': return unary(expr.op, evaluate(expr.arg, env));
    case 'cond': {
      const test = truth(evaluate(expr.test, env));
      if (test !== null) return evaluate(test ? expr.then : expr.else, env);
      const a = evaluate(expr.then, env);
      return a === evaluate(expr.else, env) ? a : null;
    }
    case 'binary': {
      if (expr.op === '&&' || expr.op === '||') {
        const left = truth(evaluate(expr.left, env));
        if (left === (expr.op === '||')) return fromBool(left);
        const right = truth(evaluate(expr.right, env));
        if (left === null) return right === (expr.op === '||') ? fromBool(right) : null;
        return fromBool(right);
      }
      return binary(expr.op, evaluate(expr.left, env), evaluate(expr.right, env));
    }
  }
}

function unary(op: string, value: Value): Value {
  if (op === '!') { const t = truth(value); return t === null ? null : fromBool(!t); }
  if (typeof value !== 'number') return null;
  switch (op) {
    case '-': return -value;
    case '+': return value;
    case '~': return ~value;
    default: return null; // `&x`, `*p`: addresses and pointees are not modelled
  }
}

function binary(op: string, a: Value, b: Value): Value {
  if (op === '==' || op === '!=') {
    const equal = a === null || b === null ? null
      : typeof a === typeof b ? a === b
        : null; // a symbol against a number: could be either
    return equal === null ? null : fromBool(op === '==' ? equal : !equal);
  }
  if (typeof a !== 'number' || typeof b !== 'number') return null;
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0 ? null : Math.trunc(a / b);
    case '%': return b === 0 ? null : a % b;
    case '<': return fromBool(a < b);
    case '>': return fromBool(a > b);
    case '<=': return fromBool(a <= b);
    case '>=': return fromBool(a >= b);
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
    case '<<': return a << b;
    case '>>': return a >> b;
    default: return null;
  }
}

/** The names, shared paths and calls an expression reads. */
export function readsOf(expr: Expr, into: { names: Set<string>; paths: Set<string>; calls: Set<string> }): void {
  switch (expr.kind) {
    case 'name': into.names.add(expr.name); break;
    case 'path': into.paths.add(expr.text); break;
    case 'call': into.calls.add(expr.callee); break;
    case 'unary': case 'cast': readsOf(expr.arg, into); break;
    case 'binary': readsOf(expr.left, into); readsOf(expr.right, into); break;
    case 'cond': readsOf(expr.test, into); readsOf(expr.then, into); readsOf(expr.else, into); break;
    default: break;
  }
}
