// A call that looks like a lock (`foo_lock(&x)`) but is neither in the
// primitive table nor defined in the inputs: the model cannot see what it
// does, so say so instead of guessing.

import type { CallGraph } from './callGraph';
import { forEachCall } from './callGraph';
import type { InputProblem, Stmt } from './types';

const LOCK_LIKE = /(?:^|_)(?:lock|unlock|trylock|down|up)(?:_|$)|^(?:lock|unlock)_/;

export function unknownLockLikeCalls(graph: CallGraph): InputProblem[] {
  const problems: InputProblem[] = [];
  const reported = new Set<string>();
  const visit = (body: readonly Stmt[]): void => forEachCall(body, (call) => {
    if (call.body?.length) visit(call.body);
    if (call.op || call.indirect || call.dispatch?.length || call.body?.length) return;
    if (!LOCK_LIKE.test(call.callee) || graph.definitions.has(call.callee) || reported.has(call.callee)) return;
    reported.add(call.callee);
    problems.push({
      loc: call.loc,
      severity: 'warning',
      message: `\`${call.callee}()\` looks like a lock but is neither a known primitive nor defined in the inputs; ` +
        `declare it in .racelens.json, e.g. "primitives": { "${call.callee}": "mutex_lock" }`,
    });
  });
  for (const list of graph.definitions.values()) for (const fn of list) visit(fn.body);
  return problems;
}
