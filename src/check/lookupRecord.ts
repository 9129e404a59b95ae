// Remembers which call-graph lookups a computation made, so its result can be
// reused after an edit when every lookup still gives the same answer. Models
// of unedited files keep their objects, so "the same" is object identity.

import { isDirectCall, type CallGraph, type GraphChanges } from '../model/callGraph';
import type { CallStmt, FunctionSummary } from '../model/types';

export type GraphLookups = Pick<CallGraph, 'definition' | 'targets'>;

export class LookupRecord {
  private readonly definitions = new Map<string, FunctionSummary | undefined>();
  /** Each call looked up, with `CallGraph.targetKey` of the answer. */
  private readonly targets = new Map<CallStmt, string>();
  /** The last graph asked about, and the answer: every check of one run asks again. */
  private checked: { graph: CallGraph; holds: boolean } | undefined;
  /** Listed on first use after recording stops (see `touches`). */
  private dependsOn: { names: string[]; indirect: boolean } | undefined;

  /** `compute`'s value, with the record of the lookups it made (beyond `base`'s; see `recording`). */
  static run<T>(graph: CallGraph, compute: (lookups: GraphLookups) => T, base?: LookupRecord): { lookups: LookupRecord; value: T } {
    const lookups = new LookupRecord();
    return { lookups, value: compute(lookups.recording(graph, base)) };
  }

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
          this.checked = this.dependsOn = undefined;
        }
        return fn;
      },
      targets: (call) => {
        if (!base?.targets.has(call) && !this.targets.has(call)) {
          this.targets.set(call, graph.targetKey(call));
          this.checked = this.dependsOn = undefined;
        }
        return graph.targets(call);
      },
    };
  }

  /**
   * Would `graph` answer every recorded lookup the same way? When the
   * record held in the graph `graph` was built to follow, only the lookups
   * of names that changed between the two are asked again.
   */
  holdsIn(graph: CallGraph): boolean {
    const last = this.checked;
    if (last?.graph === graph) return last.holds;
    const changes = last?.holds ? graph.changesFrom(last.graph) : undefined;
    const holds = changes && !this.touches(changes) ? true : this.answersHold(graph);
    this.checked = { graph, holds };
    return holds;
  }

  /** Did the record look up anything `changes` may answer differently? */
  private touches(changes: GraphChanges): boolean {
    if (changes.names.size === 0 && !changes.bindings) return false;
    const { names, indirect } = (this.dependsOn ??= this.dependencies());
    if (indirect && changes.bindings) return true;
    for (const name of names) if (changes.names.has(name)) return true;
    return false;
  }

  /** The names the answers depend on, and whether any depends on ops bindings. */
  private dependencies(): { names: string[]; indirect: boolean } {
    const names = [...this.definitions.keys()];
    let indirect = false;
    for (const call of this.targets.keys()) {
      if (isDirectCall(call)) names.push(call.callee);
      else if (call.indirect) indirect = true;
      // Ops and dispatch lists are answered from the call alone.
    }
    return { names, indirect };
  }

  private answersHold(graph: CallGraph): boolean {
    for (const [name, fn] of this.definitions) if (graph.definition(name) !== fn) return false;
    for (const [call, key] of this.targets) if (graph.targetKey(call) !== key) return false;
    return true;
  }
}
