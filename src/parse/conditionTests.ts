// What a branch's condition tests, for the simulator and the checks: the
// results of calls, shared objects, parameters and locals it reads.

import type { SyntaxNode } from './syntaxNode';
import type { StatementContext } from './cStatements';
import { objectRef } from '../model/objects';
import { TRANSPARENT_MACROS } from '../model/primitives';
import type { ConditionTest } from '../model/types';
import { argumentNodes, calleeOf, isStaticCall } from './cShapes';

/** What a condition tests: call results, shared objects, parameters, locals. */
export function conditionTests(condition: SyntaxNode, ctx: StatementContext): ConditionTest[] {
  const tests: ConditionTest[] = [];
  const seen = new Set<string>();
  const add = (key: string, test: ConditionTest) => {
    if (!seen.has(key)) { seen.add(key); tests.push(test); }
  };
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
        add(`result:${name}`, { kind: 'result', of: name });
        return;
      }
      case 'field_expression': {
        const object = objectRef(node.text, ctx.aliases);
        if (object) add(`object:${object.id}`, { kind: 'object', object });
        return;
      }
      case 'identifier': {
        const name = node.text;
        if (/^[A-Z_][A-Z0-9_]*$/.test(name) || name === 'NULL' || name === 'true' || name === 'false') return;
        if (ctx.locals.has(name)) add(`local:${name}`, { kind: 'local', name });
        else if (ctx.isParam(name)) add(`param:${name}`, { kind: 'param', name });
        else if (ctx.globals.has(name) || ctx.undeclared === 'object') {
          const object = objectRef(name, ctx.aliases);
          if (object) add(`object:${object.id}`, { kind: 'object', object });
        } else add(`param:${name}`, { kind: 'param', name });
        return;
      }
      case 'type_descriptor':
      case 'sizeof_expression':
        return;
    }
    for (const child of node.namedChildren) visit(child);
  };
  visit(condition);
  return tests;
}
