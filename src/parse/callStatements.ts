// Builds the model's call statements and locations: from a call's tree node,
// from a call read off the text (simpleStatements.ts), and for the acquire and
// release a scope-based guard stands for.

import type { Point, SyntaxNode } from './syntaxNode';
import { TRANSPARENT_MACROS } from '../model/primitives';
import { syncOpFor } from '../model/syncOp';
import { argumentNodes, argumentTexts, calleeOf, isName, isStaticCall } from './cShapes';
import type { CallStmt, IndirectTarget, SourceLoc, SyncOp } from '../model/types';
import type { SimpleCall } from './simpleStatements';
import type { StatementContext } from './statementContext';

export class CallBuilder {
  constructor(private readonly ctx: StatementContext) {}

  /** Where `node` stands in the file (or, with `last`, the span from `node` to the end of `last`). */
  loc(node: SyntaxNode, last: SyntaxNode = node): SourceLoc {
    return this.locAt(node.startPosition, last.endPosition);
  }

  /** The place of the source between two indices inside `node`. */
  span(node: SyntaxNode, from: number, to: number): SourceLoc {
    return this.locAt(from === node.startIndex ? node.startPosition : node.pointAt(from), node.pointAt(to));
  }

  private locAt({ row, column }: Point, end: Point): SourceLoc {
    const mapLoc = this.ctx.mapLoc;
    if (!mapLoc) return { file: this.ctx.file, line: row, col: column, endLine: end.row, endCol: end.column };
    const start = mapLoc(row, column);
    const mappedEnd = mapLoc(end.row, end.column);
    return { file: start.file, line: start.line, col: start.col, endLine: mappedEnd.line, endCol: mappedEnd.col };
  }

  /** The call statement for `name(plain args)` inside `node`; undefined for a transparent macro (`WARN_ON`). */
  simpleCall(node: SyntaxNode, call: SimpleCall): CallStmt | undefined {
    if (TRANSPARENT_MACROS.has(call.callee)) return undefined;
    const start = node.startIndex;
    return this.make(call.callee, call.args, node.text.slice(call.start, call.end), this.span(node, start + call.start, start + call.end));
  }

  /** The call statement for a call_expression node; undefined for a transparent macro (`WARN_ON`). */
  callStmt(node: SyntaxNode): CallStmt | undefined {
    const fn = calleeOf(node);
    if (!fn) return undefined;
    const args = argumentTexts(node);
    let callee = fn.text;
    let indirect: IndirectTarget | undefined;
    if (isName(fn)) {
      // A plain function name: a direct call (most calls; no need to ask the tree for its type).
    } else if (isStaticCall(fn)) {
      callee = argumentNodes(fn)[0]?.text ?? fn.text;
      indirect = { via: 'static_call', member: callee };
    } else if (fn.type === 'field_expression') {
      const member = fn.childForFieldName('field')?.text ?? '';
      indirect = { via: member === 'notifier_call' ? 'notifier' : 'ops', member };
    } else if (fn.type !== 'identifier') {
      indirect = { via: 'pointer', member: fn.text };
    }
    if (!indirect && TRANSPARENT_MACROS.has(callee)) return undefined;
    return this.make(callee, args, node.text, this.loc(node), indirect);
  }

  /** A call statement; a direct call to a primitive carries its sync operation. */
  private make(callee: string, args: string[], text: string, loc: SourceLoc, indirect?: IndirectTarget): CallStmt {
    const call: CallStmt = { kind: 'call', callee, args, text, loc };
    if (indirect) call.indirect = indirect;
    const op = indirect ? undefined : syncOpFor(callee, args, this.ctx.table, this.ctx.aliases);
    if (op) call.op = op;
    return call;
  }

  /** The call a guard's acquire or release stands for, at `loc` (its end, for a release at scope end), shown as `text`'s first line. */
  opCall(op: SyncOp, loc: SourceLoc, text: string, atEnd = false): CallStmt {
    const where = atEnd ? { ...loc, line: loc.endLine, col: Math.max(0, loc.endCol - 1) } : loc;
    // An object the primitive implies (the RCU of `guard(rcu)()`, text `rcu_read_lock()`) is no argument.
    const args = op.object && op.object.text !== `${op.primitive}()` ? [op.object.text] : [];
    const newline = text.indexOf('\n');
    return { kind: 'call', callee: op.primitive, args, text: newline < 0 ? text : text.slice(0, newline), op, loc: where };
  }
}
