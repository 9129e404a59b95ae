// What a branch's condition tests, for the simulator and the checks: the
// results of calls, shared objects, parameters and locals it reads.

import type { SyntaxNode } from './syntaxNode';
import type { StatementContext } from './statementContext';
import { objectRef } from '../model/objects';
import { TRANSPARENT_MACROS } from '../model/primitives';
import type { ConditionTest } from '../model/types';
import { argumentNodes, calleeOf, isStaticCall } from './cShapes';
import type { ConditionItem } from './simpleConditions';

/** What a condition tests: call results, shared objects, parameters, locals. */
export function conditionTests(condition: SyntaxNode, ctx: StatementContext): ConditionTest[] {
  const tests = new TestList(ctx);
  const visit = (node: SyntaxNode): void => {
    switch (node.type) {
      case 'call_expression': {
        const fn = calleeOf(node);
        const name = fn && isStaticCall(fn) ? argumentNodes(fn)[0]?.text ?? '' : fn?.text ?? '';
        // `unlikely(x)`, `WARN_ON(x)`: what the argument tests (the macro's name is no variable).
        if (TRANSPARENT_MACROS.has(name)) {
          for (const argument of argumentNodes(node)) visit(argument);
          return;
        }
        tests.result(name);
        return;
      }
      case 'field_expression':
        tests.path(node.text);
        return;
      case 'identifier':
        tests.name(node.text);
        return;
      case 'type_descriptor':
      case 'sizeof_expression':
        return;
    }
    for (const child of node.namedChildren) visit(child);
  };
  visit(condition);
  return tests.list;
}

/** The tests of a condition read from its text (simpleConditions.ts), as the tree walk above would give them. */
export function conditionTestsOf(items: readonly ConditionItem[], ctx: StatementContext): ConditionTest[] {
  const tests = new TestList(ctx);
  for (const item of items) {
    if (item.kind === 'result') tests.result(item.of);
    else if (item.kind === 'path') tests.path(item.text);
    else tests.name(item.name);
  }
  return tests.list;
}

const CONSTANT = /^[A-Z_][A-Z0-9_]*$/;

/** Tests in the order first met, each once. */
class TestList {
  readonly list: ConditionTest[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly ctx: StatementContext) {}

  result(name: string): void {
    this.add(`result:${name}`, { kind: 'result', of: name });
  }

  /** A member path (`kvm->fw->update`): the object it names. */
  path(text: string): void {
    const object = objectRef(text, this.ctx.aliases);
    if (object) this.add(`object:${object.id}`, { kind: 'object', object });
  }

  /** A bare name: a local, a parameter, a global object; constants say nothing. */
  name(name: string): void {
    const ctx = this.ctx;
    if (CONSTANT.test(name) || name === 'NULL' || name === 'true' || name === 'false') return;
    if (ctx.locals.has(name)) this.add(`local:${name}`, { kind: 'local', name });
    else if (ctx.isParam(name)) this.add(`param:${name}`, { kind: 'param', name });
    else if (ctx.globals.has(name) || ctx.undeclared === 'object') this.path(name);
    else this.add(`param:${name}`, { kind: 'param', name });
  }

  private add(key: string, test: ConditionTest): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(test);
  }
}
