// Remembers which call-graph lookups a computation made, so its result can be
// reused after an edit when every lookup still gives the same answer. Models
// of unedited files keep their objects, so "the same" is object identity.

import type { CallGraph } from '../model/callGraph';
import type { CallStmt, FunctionSummary } from '../model/types';

export type GraphLookups = Pick<CallGraph, 'definition' | 'targets'>;

export class LookupRecord {
  private readonly definitions = new Map<string, FunctionSummary | undefined>();
  /** Each call looked up, with `CallGraph.targetKey` of the answer. */
  private readonly targets = new Map<CallStmt, string>();
  /** The last graph asked about, and the answer: every check of one run asks again. */
  private checked: { graph: CallGraph; holds: boolean } | undefined;

  /**
   * A view of `graph` that writes every answer it gives into this record,
   * except answers `base` holds already: a result cached next to `base`'s
   * (a check's work on a root's walk) is only checked for what it added.
   */
  recording(graph: CallGraph, base?: LookupRecord): GraphLookups {
    return {
      definition: (name) => {
        const fn = graph.definition(name);
        if (!base?.definitions.has(name) && !this.definitions.has(name)) {
          this.definitions.set(name, fn);
          this.checked = undefined;
        }
        return fn;
      },
      targets: (call) => {
        if (!base?.targets.has(call) && !this.targets.has(call)) {
          this.targets.set(call, graph.targetKey(call));
          this.checked = undefined;
        }
        return graph.targets(call);
      },
    };
  }

  /** Would `graph` answer every recorded lookup the same way? */
  holdsIn(graph: CallGraph): boolean {
    if (this.checked?.graph !== graph) this.checked = { graph, holds: this.answersHold(graph) };
    return this.checked.holds;
  }

  private answersHold(graph: CallGraph): boolean {
    for (const [name, fn] of this.definitions) if (graph.definition(name) !== fn) return false;
    for (const [call, key] of this.targets) if (graph.targetKey(call) !== key) return false;
    return true;
  }
}
