// Inlines an entry point's call graph to a bounded depth: the thread a
// simulator runs and the sequence `racelens graph` prints. Recursion and the
// depth bound are cut and said so, never silently.

import type { CallGraph, EdgeKind } from './callGraph';

/** The lookups inlining needs; a recording view of the graph fits too. */
type Lookups = Pick<CallGraph, 'definition' | 'targets'>;
import type { CallStmt, FunctionSummary, Stmt } from './types';

type Simple = Exclude<Stmt, { kind: 'call' | 'branch' | 'switch' | 'loop' }>;

export type Step =
  | { kind: 'stmt'; stmt: Simple; stack: readonly string[] }
  | {
      kind: 'call';
      call: CallStmt;
      stack: readonly string[];
      /** The function the call was expanded into, and how it was found. */
      target?: { name: string; via: EdgeKind | 'notes-body' };
      /** Other implementations an indirect call can reach (not expanded). */
      alternatives?: string[];
      body: Step[];
      cut?: 'recursion' | 'depth';
    }
  | { kind: 'branch'; stmt: Extract<Stmt, { kind: 'branch' }>; then: Step[]; else: Step[]; stack: readonly string[] }
  | { kind: 'switch'; stmt: Extract<Stmt, { kind: 'switch' }>; cases: { labels: string[]; body: Step[] }[]; stack: readonly string[] }
  | { kind: 'loop'; stmt: Extract<Stmt, { kind: 'loop' }>; head: Step[]; body: Step[]; stack: readonly string[] };

export const DEFAULT_INLINE_DEPTH = 12;

export function inlineEntry(graph: Lookups, entry: FunctionSummary, maxDepth = DEFAULT_INLINE_DEPTH): Step[] {
  return inlineBody(graph, entry.body, [entry.name], maxDepth);
}

function inlineBody(graph: Lookups, body: readonly Stmt[], stack: readonly string[], maxDepth: number): Step[] {
  return body.map((stmt): Step => {
    switch (stmt.kind) {
      case 'call': return inlineCall(graph, stmt, stack, maxDepth);
      case 'branch':
        return { kind: 'branch', stmt, then: inlineBody(graph, stmt.then, stack, maxDepth), else: inlineBody(graph, stmt.else, stack, maxDepth), stack };
      case 'switch':
        return { kind: 'switch', stmt, cases: stmt.cases.map((c) => ({ labels: c.labels, body: inlineBody(graph, c.body, stack, maxDepth) })), stack };
      case 'loop':
        return { kind: 'loop', stmt, head: inlineBody(graph, stmt.head, stack, maxDepth), body: inlineBody(graph, stmt.body, stack, maxDepth), stack };
      default:
        return { kind: 'stmt', stmt, stack };
    }
  });
}

function inlineCall(graph: Lookups, call: CallStmt, stack: readonly string[], maxDepth: number): Step {
  const step: Extract<Step, { kind: 'call' }> = { kind: 'call', call, stack, body: [] };
  if (call.op) return step;
  const targets = graph.targets(call);
  // Notes show the callee's body under the call: that is what the reviewer
  // followed, even when a C definition of the callee is also open.
  const notesBody = call.body && call.body.length > 0 ? call.body : undefined;
  const first = targets[0];
  const name = call.dispatch?.[0] ?? first?.name ?? call.callee;
  const definition = notesBody ? undefined : first ? graph.definition(first.name) : undefined;
  if (!notesBody && !definition) return step;
  step.target = notesBody ? { name, via: 'notes-body' } : { name, via: first!.kind };
  if (targets.length > 1) step.alternatives = targets.slice(1).map((t) => t.name);
  if (stack.includes(name)) {
    step.cut = 'recursion';
    return step;
  }
  if (stack.length >= maxDepth) {
    step.cut = 'depth';
    return step;
  }
  step.body = inlineBody(graph, notesBody ?? definition!.body, [...stack, name], maxDepth);
  return step;
}

/** Every step, depth first, in program order. */
export function* walkSteps(steps: readonly Step[]): Generator<Step> {
  for (const step of steps) {
    yield step;
    switch (step.kind) {
      case 'call': yield* walkSteps(step.body); break;
      case 'branch': yield* walkSteps(step.then); yield* walkSteps(step.else); break;
      case 'switch': for (const c of step.cases) yield* walkSteps(c.body); break;
      case 'loop': yield* walkSteps(step.head); yield* walkSteps(step.body); break;
      default: break;
    }
  }
}
