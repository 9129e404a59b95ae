// Reads C statements and expressions from a tree-sitter tree into model
// statements: calls in evaluation order, branches, loops, gotos, guards.
// Shared by the C reader (function bodies) and the notes reader (one line of
// C per notes line). Unpreprocessed kernel code is full of macros the grammar
// does not know, so every shape we do not recognise still yields its calls.

import type { SyntaxNode } from './syntaxNode';
import { objectRef } from '../model/objects';
import { guardOps } from '../model/syncOp';
import {
  argumentListOf, argumentNodes, calleeOf, declaredName, isElseClause, isName, isNameText, isStaticCall, mayHoldCalls,
  stripParens, withoutComments,
} from './cShapes';
import type { SourceLoc, Stmt, SyncOp } from '../model/types';
import { LOOP_MACRO, SCOPED_GUARD } from './blockMacros';
import { CallBuilder } from './callStatements';
import { conditionTests, conditionTestsOf } from './conditionTests';
import { simpleCondition, type ConditionItem } from './simpleConditions';
import { simpleShape } from './simpleStatements';
import type { StatementContext } from './statementContext';

export type { LocMapper, StatementContext } from './statementContext';

export class StatementReader {
  /** The releases owed by guards active in each enclosing block, innermost last. */
  private readonly guardScopes: SyncOp[][] = [];

  private readonly build: CallBuilder;

  constructor(private readonly ctx: StatementContext) {
    this.build = new CallBuilder(ctx);
  }

  /** Where `node` stands in the file (or, with `last`, the span from `node` to the end of `last`). */
  loc(node: SyntaxNode, last: SyntaxNode = node): SourceLoc {
    return this.build.loc(node, last);
  }

  /** A function body or any block: its statements, guards released at the end. */
  readBlock(block: SyntaxNode): Stmt[] {
    this.guardScopes.push([]);
    const out: Stmt[] = [];
    const children = block.namedChildren;
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      const next = children[i + 1];
      // `macro(args) { ... }` or `macro(args) stmt;`: the grammar sees a call
      // missing its `;` followed by a statement. That is a loop or scoped guard.
      const header = next ? this.blockMacro(child) : undefined;
      if (header && next) {
        out.push(...this.readMacroBlock(header, next));
        i++;
        continue;
      }
      out.push(...this.readStatement(child));
    }
    const guards = this.guardScopes.pop() ?? [];
    if (!endsInJump(out)) out.push(...this.releases(guards, block, true));
    return out;
  }

  /** The call of a `macro(args)` statement that lacks its semicolon, if it heads a block. */
  private blockMacro(node: SyntaxNode): SyntaxNode | undefined {
    // `f(x);`: a statement ending in its semicolon is no header (the text is needed anyway).
    if (node.type !== 'expression_statement' || node.text.endsWith(';')) return undefined;
    const call = node.namedChild(0);
    return call?.type === 'call_expression' ? call : undefined;
  }

  private readMacroBlock(call: SyntaxNode, body: SyntaxNode): Stmt[] {
    const header = { name: calleeOf(call)?.text ?? '', args: argumentNodes(call), text: call.text, loc: this.loc(call) };
    const read = this.macroBlock(header, body);
    return read ?? [...this.readStatement(call), ...this.readStatement(body)];
  }

  /**
   * A loop macro, scoped guard, or unknown `macro(args)` heading a block (undefined: neither,
   * when it heads a lone statement). `header` is the macro's name, arguments, text and place.
   */
  private macroBlock(header: MacroHeader, body: SyntaxNode): Stmt[] | undefined {
    const { name, args } = header;
    if (name === SCOPED_GUARD || name === 'scoped_cond_guard') {
      const ops = guardOps(args[0]?.text ?? '', args.slice(name === SCOPED_GUARD ? 1 : 2).map((a) => a.text), this.ctx.table, this.ctx.aliases);
      if (ops) {
        const inner = this.guarded(ops.release, () => this.readBody(body));
        const acquire = this.build.opCall(ops.acquire, header.loc, header.text);
        const release = this.build.opCall(ops.release, this.loc(body), body.text, true);
        return endsInJump(inner) ? [acquire, ...inner] : [acquire, ...inner, release];
      }
    }
    const head = args.flatMap((a) => this.calls(a));
    if (LOOP_MACRO.test(name) || body.type === 'compound_statement') {
      return [{ kind: 'loop', cond: header.text, macro: name, head, body: this.readBody(body), loc: header.loc }];
    }
    return undefined;
  }

  /**
   * `list_for_each_entry(p, head, node) { ... }` as the grammar saw it: a `while` over the
   * argument list (blockMacros.ts). Its name and header text are read from the source.
   */
  private macroLoop(node: SyntaxNode): Stmt[] {
    const parts = withoutComments(node.namedChildren);
    const condition = parts[0];
    const body = parts[parts.length - 1];
    const name = MACRO_NAME.exec(node.text)?.[0] ?? '';
    if (parts.length !== 2 || !condition || !body || condition.type !== 'parenthesized_expression') return this.loop(node, false);
    const args: SyntaxNode[] = [];
    const inner = withoutComments(condition.namedChildren);
    if (inner.length === 1) commaOperands(inner[0]!, args);
    else args.push(...inner);
    const header = { name, args, text: node.text.slice(0, condition.endIndex - node.startIndex), loc: this.loc(node, condition) };
    return this.macroBlock(header, body) ?? [...args.flatMap((a) => this.calls(a)), ...this.readStatement(body)];
  }

  /** Runs `read` with a guard active in a scope of its own; `release` is owed on return. */
  private guarded(release: SyncOp, read: () => Stmt[]): Stmt[] {
    this.guardScopes.push([release]);
    try {
      return read();
    } finally {
      this.guardScopes.pop();
    }
  }

  private readBody(node: SyntaxNode): Stmt[] {
    return node.type === 'compound_statement' ? this.readBlock(node) : this.readStatement(node);
  }

  readStatement(node: SyntaxNode): Stmt[] {
    const simple = this.simpleStatement(node);
    if (simple) return simple;
    switch (node.type) {
      case 'compound_statement':
        return this.readBlock(node);
      case 'expression_statement':
        return node.namedChild(0) ? this.expressionStatement(node.namedChild(0)!) : [];
      case 'declaration':
        return this.declaration(node);
      case 'if_statement':
        return this.ifStatement(node);
      case 'switch_statement':
        return this.switchStatement(node);
      case 'while_statement':
      case 'for_statement':
        return this.loop(node, true);
      case 'do_statement':
        return this.doLoop(node);
      case 'return_statement':
        return this.returnStatement(node);
      case 'goto_statement':
        return [{ kind: 'goto', label: node.namedChild(0)?.text ?? '', loc: this.loc(node) }];
      case 'labeled_statement': {
        const label = node.childForFieldName('label');
        const inner = node.namedChildren.filter((c) => c.id !== label?.id);
        return [{ kind: 'label', name: label?.text ?? '', loc: this.loc(node) }, ...inner.flatMap((c) => this.readStatement(c))];
      }
      case 'break_statement':
        return [{ kind: 'break', loc: this.loc(node) }];
      case 'continue_statement':
        return [{ kind: 'continue', loc: this.loc(node) }];
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_elif':
      case 'preproc_elifdef':
      case 'preproc_else':
        return this.preprocessor(node);
      case 'comment':
      case 'preproc_def':
      case 'preproc_function_def':
      case 'preproc_call':
      case 'preproc_include':
      case ';':
        return [];
      default:
        // ERROR nodes and shapes the grammar could not place: keep their calls.
        return this.calls(node);
    }
  }

  /**
   * A call, assignment, return or goto read from its text alone (simpleStatements.ts),
   * built as the tree walk below would build it; undefined when the tree must be asked.
   */
  private simpleStatement(node: SyntaxNode): Stmt[] | undefined {
    const type = node.type;
    if (type !== 'expression_statement' && type !== 'return_statement' && type !== 'goto_statement' && type !== 'declaration') return undefined;
    const shape = simpleShape(type, node.text);
    // Text the grammar saw otherwise (a blanked macro) or only in part (error recovery) is the tree's to read.
    if (!shape || !node.parsedAsWritten() || (!this.ctx.errorFree && node.hasError)) return undefined;
    switch (shape.kind) {
      case 'goto':
        return [{ kind: 'goto', label: shape.label, loc: this.loc(node) }];
      case 'declaration': {
        const out: Stmt[] = [];
        for (const { name, pointer, value, call } of shape.declarators) {
          this.ctx.locals.set(name, pointer ? `${shape.type} *` : shape.type);
          const stmt = call && this.build.simpleCall(node, call);
          if (!stmt) continue;
          stmt.assignTo = name;
          stmt.text = `${name} = ${value}`;
          out.push(stmt);
        }
        return out;
      }
      case 'call': {
        const call = this.build.simpleCall(node, shape.call);
        return call ? [call] : [];
      }
      case 'return': {
        const call = shape.call && this.build.simpleCall(node, shape.call);
        const out: Stmt[] = call ? [call] : [];
        out.push(...this.releases(this.guardScopes.flat(), node, false));
        const loc = this.loc(node);
        out.push(shape.value === undefined ? { kind: 'return', loc } : { kind: 'return', value: shape.value, loc });
        return out;
      }
      case 'assign': {
        const call = shape.call && this.build.simpleCall(node, shape.call);
        const out: Stmt[] = call ? [call] : [];
        // A target that is no bare name is a member path (`a->b`, `a.b`): a field.
        const span = () => this.build.span(node, node.startIndex, node.startIndex + shape.end);
        this.assigned(out, shape.target, () => true, shape.call !== undefined, shape.value, node.text.slice(0, shape.end), span);
        return out;
      }
    }
  }

  /**
   * A parenthesised condition read from its text (simpleConditions.ts): its calls, built as
   * `calls` builds them, and what it reads; undefined when the tree must be asked.
   */
  private simpleCondition(condition: SyntaxNode): { calls: Stmt[]; items: ConditionItem[] } | undefined {
    if (!condition.startsWith('(')) return undefined;
    const shape = simpleCondition(condition.text, 0);
    if (!shape || !condition.parsedAsWritten() || (!this.ctx.errorFree && condition.hasError)) return undefined;
    const calls: Stmt[] = [];
    for (const call of shape.calls) {
      const stmt = this.build.simpleCall(condition, call);
      if (stmt) calls.push(stmt);
    }
    return { calls, items: shape.items };
  }

  /** The calls of a `switch` or `while` condition, from its text when it says them exactly. */
  private conditionCalls(condition: SyntaxNode): Stmt[] {
    return this.simpleCondition(condition)?.calls ?? this.calls(condition);
  }

  private expressionStatement(expr: SyntaxNode): Stmt[] {
    const type = expr.type;
    if (type === 'assignment_expression') return this.assignment(expr);
    if (type === 'update_expression') {
      // `fw->generation++`: a read-modify-write of shared memory, not atomic.
      const target = expr.childForFieldName('argument');
      const object = target && this.isShared(target) ? objectRef(target.text, this.ctx.aliases) : undefined;
      if (object) return [{ kind: 'access', access: 'store', object, value: expr.text, text: expr.text, loc: this.loc(expr) }];
    }
    if (type === 'call_expression') {
      const guard = this.guardStatement(expr);
      if (guard) return guard;
    }
    return this.calls(expr);
  }

  /** `guard(mutex)(&x);`: acquire now, release when the enclosing block ends. */
  private guardStatement(call: SyntaxNode): Stmt[] | undefined {
    const fn = calleeOf(call);
    if (fn?.type !== 'call_expression' || calleeOf(fn)?.text !== 'guard') return undefined;
    const type = argumentNodes(fn)[0]?.text ?? '';
    const ops = guardOps(type, argumentNodes(call).map((a) => a.text), this.ctx.table, this.ctx.aliases);
    if (!ops) return undefined;
    this.guardScopes[this.guardScopes.length - 1]?.push(ops.release);
    return [this.build.opCall(ops.acquire, this.loc(call), call.text)];
  }

  private assignment(expr: SyntaxNode): Stmt[] {
    // `left op right`: the operator is unnamed, so the two are the only named children but
    // comments; error recovery can add more, and then the fields say which is which.
    const sides = withoutComments(expr.namedChildren);
    const left = sides.length === 2 ? sides[0]! : expr.childForFieldName('left');
    const right = sides.length === 2 ? sides[1]! : expr.childForFieldName('right');
    if (!left || !right) return sides.flatMap((side) => this.calls(side));
    const out = this.calls(right);
    const isField = () => left.type === 'field_expression';
    this.assigned(out, left.text, isField, right.type === 'call_expression', right.text, expr.text, () => this.loc(expr));
    return [...this.calls(left), ...out];
  }

  /**
   * What `target op value` adds after the value's calls (`out`), read from the tree or
   * from the text: the value's call assigned to the target; or a store, when the target is
   * shared memory (a field, or a file-scope variable no local hides); or an assignment to a
   * local. A bare-name target becomes a local.
   */
  private assigned(
    out: Stmt[], target: string, isField: () => boolean, valueIsCall: boolean, value: string, text: string, loc: () => SourceLoc,
  ): void {
    const named = isNameText(target);
    const last = out[out.length - 1];
    if (valueIsCall && last?.kind === 'call') {
      last.assignTo = target;
      last.text = text;
    } else if (this.isSharedTarget(target, isField)) {
      const object = objectRef(target, this.ctx.aliases);
      if (object) out.push({ kind: 'access', access: 'store', object, value, text, loc: loc() });
    } else if (named) {
      out.push({ kind: 'assign', target, value, loc: loc() });
    }
    if (named && !this.ctx.globals.has(target)) this.ctx.locals.set(target, this.ctx.locals.get(target) ?? '');
  }

  /** A store to a struct field or a file-scope variable is visible to other CPUs. */
  private isShared(left: SyntaxNode): boolean {
    return this.isSharedTarget(left.text, () => left.type === 'field_expression');
  }

  /** The same for a target's text; `isField` is asked only of a target that is no bare name. */
  private isSharedTarget(target: string, isField: () => boolean): boolean {
    return isNameText(target) ? this.ctx.globals.has(target) && !this.ctx.locals.has(target) : isField();
  }

  private declaration(node: SyntaxNode): Stmt[] {
    const type = node.childForFieldName('type')?.text ?? '';
    const out: Stmt[] = [];
    for (const declarator of node.childrenForFieldName('declarator')) {
      const name = declaredName(declarator);
      // A `*` in the declarator, not in its initialiser (`n = a * b`), makes a pointer.
      const pointer = declarator.type === 'pointer_declarator' || (declarator.text.split('=', 1)[0] ?? '').includes('*');
      if (name) this.ctx.locals.set(name, pointer ? `${type} *` : type);
      const value = declarator.type === 'init_declarator' ? declarator.childForFieldName('value') : null;
      if (!value) continue;
      const calls = this.calls(value);
      const last = calls[calls.length - 1];
      if (value.type === 'call_expression' && last?.kind === 'call' && name) {
        last.assignTo = name;
        last.text = `${name} = ${value.text}`;
      }
      out.push(...calls);
    }
    return out;
  }

  private ifStatement(node: SyntaxNode): Stmt[] {
    // `if (condition) consequence [else ...]`: told apart by position and the `else` keyword;
    // any other shape (error recovery) by the fields.
    const [first = null, ...rest] = withoutComments(node.namedChildren);
    const usual = rest.length === 1 ? !isElseClause(rest[0]!) : rest.length === 2 && !isElseClause(rest[0]!) && isElseClause(rest[1]!);
    const condition = usual ? first : node.childForFieldName('condition');
    const consequence = usual ? rest[0]! : node.childForFieldName('consequence');
    const alternative = usual ? rest[1] ?? null : node.childForFieldName('alternative');
    const elseBody = alternative ? alternative.namedChildren : [];
    const simple = condition ? this.simpleCondition(condition) : undefined;
    const calls = simple ? simple.calls : condition ? this.calls(condition) : [];
    return [
      ...calls,
      {
        kind: 'branch',
        cond: condition ? stripParens(condition.text) : '',
        tests: simple ? conditionTestsOf(simple.items, this.ctx) : condition ? conditionTests(condition, this.ctx) : [],
        then: consequence ? this.readBody(consequence) : [],
        else: elseBody.flatMap((c) => this.readBody(c)),
        loc: this.loc(node),
      },
    ];
  }

  private switchStatement(node: SyntaxNode): Stmt[] {
    const condition = node.childForFieldName('condition');
    const body = node.childForFieldName('body');
    const cases: { labels: string[]; body: Stmt[] }[] = [];
    for (const child of body?.namedChildren ?? []) {
      if (child.type !== 'case_statement') continue;
      const value = child.childForFieldName('value');
      const label = value ? value.text : 'default';
      const statements = child.namedChildren.filter((c) => c.id !== value?.id);
      const previous = cases[cases.length - 1];
      // `case A: case B: body` share one body.
      if (previous && previous.body.length === 0) previous.labels.push(label);
      else cases.push({ labels: [label], body: [] });
      cases[cases.length - 1]!.body.push(...statements.flatMap((s) => this.readStatement(s)));
    }
    return [
      ...(condition ? this.conditionCalls(condition) : []),
      { kind: 'switch', on: condition ? stripParens(condition.text) : '', cases, loc: this.loc(node) },
    ];
  }

  private loop(node: SyntaxNode, macroAllowed: boolean): Stmt[] {
    if (macroAllowed && node.type === 'while_statement' && !node.startsWithWord('while')) return this.macroLoop(node);
    const condition = node.childForFieldName('condition');
    const body = node.childForFieldName('body');
    const init = node.type === 'for_statement' ? node.childForFieldName('initializer') : null;
    const update = node.type === 'for_statement' ? node.childForFieldName('update') : null;
    const bodyStmts = body ? this.readBody(body) : [];
    if (update) bodyStmts.push(...this.calls(update));
    return [
      ...(init ? this.calls(init) : []),
      {
        kind: 'loop',
        cond: condition ? stripParens(condition.text) : '',
        head: condition ? (node.type === 'while_statement' ? this.conditionCalls(condition) : this.calls(condition)) : [],
        body: bodyStmts,
        loc: this.loc(node),
      },
    ];
  }

  /** `do { ... } while (0)` is a block, the macro idiom; any other do-loop is a loop. */
  private doLoop(node: SyntaxNode): Stmt[] {
    const condition = node.childForFieldName('condition');
    const body = node.childForFieldName('body');
    const bodyStmts = body ? this.readBody(body) : [];
    if (condition && stripParens(condition.text).trim() === '0') return bodyStmts;
    return [{
      kind: 'loop',
      cond: condition ? stripParens(condition.text) : '',
      head: [],
      body: [...bodyStmts, ...(condition ? this.calls(condition) : [])],
      loc: this.loc(node),
    }];
  }

  private returnStatement(node: SyntaxNode): Stmt[] {
    const value = node.namedChild(0);
    const out: Stmt[] = value ? this.calls(value) : [];
    // Scope-based guards are released on the way out (include/linux/cleanup.h).
    const active = this.guardScopes.flat();
    out.push(...this.releases(active, node, false));
    out.push(value ? { kind: 'return', value: value.text, loc: this.loc(node) } : { kind: 'return', loc: this.loc(node) });
    return out;
  }

  private releases(owed: SyncOp[], at: SyntaxNode, atEnd: boolean): Stmt[] {
    if (owed.length === 0) return [];
    const loc = this.loc(at);
    return [...owed].reverse().map((release) => this.build.opCall(release, loc, at.text, atEnd));
  }

  /** `#ifdef CONFIG_X ... #else ... #endif` inside a body: a branch on the config symbol. */
  private preprocessor(node: SyntaxNode): Stmt[] {
    const alternative = node.childForFieldName('alternative');
    const condition = node.childForFieldName('condition') ?? node.childForFieldName('name');
    const inner = node.namedChildren.filter((c) => c.id !== alternative?.id && c.id !== condition?.id);
    const then = this.readSequence(inner);
    if (node.type === 'preproc_else') return then;
    const symbol = condition?.text ?? '';
    const negated = node.type === 'preproc_ifdef' && node.child(0)?.text === '#ifndef';
    return [{
      kind: 'branch',
      cond: `${negated ? '!' : ''}${node.type === 'preproc_ifdef' ? `defined(${symbol})` : symbol}`,
      tests: [{ kind: 'config', symbol }],
      then,
      else: alternative ? this.preprocessor(alternative) : [],
      loc: this.loc(node),
    }];
  }

  /** Statements that sit side by side without a block of their own (preprocessor arms). */
  private readSequence(nodes: SyntaxNode[]): Stmt[] {
    const out: Stmt[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const header = nodes[i + 1] ? this.blockMacro(nodes[i]!) : undefined;
      if (header) {
        out.push(...this.readMacroBlock(header, nodes[i + 1]!));
        i++;
      } else {
        out.push(...this.readStatement(nodes[i]!));
      }
    }
    return out;
  }

  /** Every call under `node`, arguments before the call that takes them. */
  calls(node: SyntaxNode): Stmt[] {
    const out: Stmt[] = [];
    this.collectCalls(node, out);
    return out;
  }

  private collectCalls(node: SyntaxNode, out: Stmt[]): void {
    // No parenthesis, no call and no assignment worth a walk: skip the subtree.
    const text = node.text;
    if (!text.includes('(') && !text.includes('=')) return;
    if (node.type === 'call_expression') {
      // An argument without '(' or '=' holds no call: skip the list when none has one.
      const list = argumentListOf(node);
      if (list) node.endsWithChild(list);
      if (list && mayHoldCalls(list.text)) for (const arg of argumentNodes(node)) this.collectCalls(arg, out);
      const fn = calleeOf(node);
      // `static_call(key)(args)`: the inner call names the target, it is not a call itself.
      if (fn && !isName(fn) && fn.type === 'call_expression' && !isStaticCall(fn)) this.collectCalls(fn, out);
      const call = this.build.callStmt(node);
      if (call) out.push(call);
      return;
    }
    if (node.type === 'assignment_expression' && node !== undefined) {
      out.push(...this.assignment(node));
      return;
    }
    for (const child of node.namedChildren) this.collectCalls(child, out);
  }

}

/** A block macro's name, its arguments, and its header's text and place. */
interface MacroHeader { name: string; args: SyntaxNode[]; text: string; loc: SourceLoc }

const MACRO_NAME = /^\w+/;

/** The operands of `a, b, c` (the grammar nests comma expressions to the right), in order. */
function commaOperands(node: SyntaxNode, out: SyntaxNode[]): void {
  if (node.type !== 'comma_expression') {
    out.push(node);
    return;
  }
  const parts = withoutComments(node.namedChildren);
  for (const part of parts) commaOperands(part, out);
}

function endsInJump(stmts: Stmt[]): boolean {
  const last = stmts[stmts.length - 1];
  return last !== undefined && (last.kind === 'return' || last.kind === 'goto');
}
