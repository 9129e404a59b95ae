// What every check receives: the joined model of everything open.

import { CallGraph } from '../model/callGraph';
import type { FileModel, FunctionSummary, LockRule } from '../model/types';

export interface CheckInput {
  files: readonly FileModel[];
  graph: CallGraph;
  /** Where threads start: notes entry points and functions nobody calls (or the user's entries). */
  roots: readonly FunctionSummary[];
  /** Lock-order rules from every locking doc in the inputs. */
  rules: readonly LockRule[];
}

/**
 * The input for a run over `files`. `previous`, the input of the run before
 * (the editor re-checks on every edit), lets cached work be re-validated
 * only where the call graph changed.
 */
export function checkInput(files: readonly FileModel[], entries: readonly string[] = [], previous?: CheckInput): CheckInput {
  const graph = new CallGraph(files, previous?.graph);
  const named = entries.map((name) => graph.definition(name)).filter((f): f is FunctionSummary => f !== undefined);
  return { files, graph, roots: named.length > 0 ? named : graph.roots(), rules: files.flatMap((f) => f.rules) };
}
