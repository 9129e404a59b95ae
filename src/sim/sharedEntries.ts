// Which entry points to run against each other when the user names none:
// the roots (notes entry points, functions nobody calls) that touch an
// object another root touches too. A root that shares nothing cannot race
// with anything, and would only multiply the interleavings.

import type { CallGraph } from '../model/callGraph';
import { DEFAULT_INLINE_DEPTH, inlineEntry } from '../model/inline';
import { compileProgram } from './program';

function objectsOf(graph: CallGraph, name: string, depth: number): Set<string> {
  const fn = graph.definition(name);
  const found = new Set<string>();
  if (!fn) return found;
  for (const instr of compileProgram(name, inlineEntry(graph, fn, depth), fn.loc).instrs) {
    if (instr.kind === 'op' && instr.op.object) found.add(instr.op.object.id);
    else if (instr.kind === 'access') found.add(instr.object);
  }
  return found;
}

/**
 * Roots sharing at least one object with another root, in the graph's
 * order (file, then line); every root when none shares (each can still
 * deadlock on its own, or misuse a primitive).
 */
export function sharedEntries(graph: CallGraph, inlineDepth = DEFAULT_INLINE_DEPTH): string[] {
  const roots = graph.roots().map((f) => f.name);
  const objects = roots.map((name) => objectsOf(graph, name, inlineDepth));
  const sharing = roots.filter((_, i) => objects.some((other, j) => j !== i && [...objects[i]!].some((id) => other.has(id))));
  return sharing.length > 0 ? sharing : roots;
}
