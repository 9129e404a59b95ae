// What Simulate Race offers before it runs: the entry points that can run on
// the other CPUs (those touching an object this side touches come first and
// are picked), and the parameters the scenario leaves open (seed 000's
// `data`), which the user may fix or leave to be explored both ways.

import type { CallGraph } from '../model/callGraph';
import { inlineEntry } from '../model/inline';
import type { SourceLoc } from '../model/types';
import { readsOf } from '../sim/expr';
import { compileProgram, type Program } from '../sim/program';
import type { Scenario } from '../sim/scenario';
import { ERRNO, isBiasName } from '../sim/values';

export interface EntryChoice {
  name: string;
  loc: SourceLoc;
  /** Objects it shares with the chosen side. */
  shared: string[];
  /** Preselected: it shares an object with the chosen side. */
  picked: boolean;
}

function programOf(graph: CallGraph, name: string): Program | undefined {
  const fn = graph.definition(name);
  return fn ? compileProgram(name, inlineEntry(graph, fn), fn.loc) : undefined;
}

/** The shared objects an entry point's inlined program touches. */
export function objectsOf(graph: CallGraph, name: string): Set<string> {
  const found = new Set<string>();
  for (const instr of programOf(graph, name)?.instrs ?? []) {
    if (instr.kind === 'op' && instr.op.object) found.add(instr.op.object.id);
    else if (instr.kind === 'access') found.add(instr.object);
  }
  return found;
}

/** The entry points whose inlined program runs `line` of `file`: the sides a cursor stands on. */
export function entriesAt(graph: CallGraph, roots: readonly string[], file: string, line: number): string[] {
  return roots.filter((name) => {
    const fn = graph.definition(name);
    if (fn && fn.file === file && fn.loc.line === line) return true;
    return (programOf(graph, name)?.instrs ?? []).some((i) => i.loc.file === file && i.loc.line === line);
  });
}

/** Every root as a choice for the other CPUs, those sharing an object with `side` first and picked. */
export function entryChoices(graph: CallGraph, roots: readonly string[], side: readonly string[]): EntryChoice[] {
  const mine = new Set(side.flatMap((name) => [...objectsOf(graph, name)]));
  const choices = roots.map((name) => {
    const shared = [...objectsOf(graph, name)].filter((id) => mine.has(id)).sort();
    const loc = graph.definition(name)!.loc;
    return { name, loc, shared, picked: shared.length > 0 && !side.includes(name) };
  });
  return choices.sort((a, b) => Number(b.picked) - Number(a.picked));
}

/**
 * Names the scenario's branch conditions read that nothing gives a value:
 * not a local the thread assigns, not a shared object, not a bias, an errno,
 * a boolean or an upper-case constant (sim/env.ts's order). The simulator
 * explores both outcomes of each unless the user fixes it.
 */
export function scenarioParams(scenario: Scenario): string[] {
  const found = new Set<string>();
  for (const thread of scenario.threads) {
    const { program, assigned } = thread.info;
    for (const instr of program.instrs) {
      const cond = instr.kind === 'branch' ? instr.cond : instr.kind === 'loopTest' ? instr.cond : instr.kind === 'switch' ? instr.on : undefined;
      if (!cond) continue;
      const reads = { names: new Set<string>(), paths: new Set<string>(), calls: new Set<string>() };
      readsOf(cond, reads);
      for (const name of reads.names) {
        const known = assigned.has(name) || scenario.objects.has(name) || isBiasName(name) || ERRNO[name] !== undefined ||
          ['true', 'false', 'NULL', 'nullptr'].includes(name) || /^[A-Z][A-Z0-9_]*$/.test(name);
        if (!known) found.add(name);
      }
    }
  }
  return [...found].sort();
}
