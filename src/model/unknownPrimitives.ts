// A call that looks like a lock (`foo_lock(&x)`) but is neither in the
// primitive table nor defined in the inputs: the model cannot see what it
// does, so say so instead of guessing.

import type { CallGraph } from './callGraph';
import { forEachCall } from './callGraph';
import { oncePer } from './oncePer';
import type { CallStmt, FileModel, InputProblem, Stmt } from './types';

const LOCK_LIKE = /(?:^|_)(?:lock|unlock|trylock|down|up)(?:_|$)|^(?:lock|unlock)_/;

/** A file's plain calls whose names look like a lock, in code order, notes-nested bodies included (listed once per file model). */
const lockLikeCallsIn = oncePer((file: FileModel): CallStmt[] => {
  const calls: CallStmt[] = [];
  const visit = (body: readonly Stmt[]): void => forEachCall(body, (call) => {
    if (call.body?.length) visit(call.body);
    if (call.op || call.indirect || call.dispatch?.length || call.body?.length) return;
    if (LOCK_LIKE.test(call.callee)) calls.push(call);
  });
  for (const fn of file.functions) visit(fn.body);
  return calls;
});

/** Lock-like calls nothing in `files` defines (the editor asks on every re-check: the scan is per file, once). */
export function unknownLockLikeCalls(files: readonly FileModel[], graph: CallGraph): InputProblem[] {
  const problems: InputProblem[] = [];
  const reported = new Set<string>();
  for (const call of files.flatMap(lockLikeCallsIn)) {
    if (graph.definitions.has(call.callee) || reported.has(call.callee)) continue;
    reported.add(call.callee);
    problems.push({
      loc: call.loc,
      severity: 'warning',
      message: `\`${call.callee}()\` looks like a lock but is neither a known primitive nor defined in the inputs; ` +
        `declare it in .racelens.json, e.g. "primitives": { "${call.callee}": "mutex_lock" }`,
    });
  }
  return problems;
}
