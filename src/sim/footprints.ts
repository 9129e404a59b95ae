// The state-dependent side of partial-order reduction (por.ts has the static
// side): what a thread's next transition and its future touch in this
// state, and which threads can unblock a blocked one.
//
//   - A wait on a completion that is done for all only reads it; and once
//     no running thread can re-initialise such a completion, every later
//     operation on it only reads it (semantics/completion.ts: complete(),
//     complete_all() and waits change nothing while `all` holds), so the
//     threads' futures read it too.
//   - A blocked thread brings into a persistent set only the threads that
//     may enable it (a necessary enabling set, Godefroid's thesis ch. 4),
//     not every thread its step conflicts with.

import { footprintTables, type Access, type Footprint, type FootprintTables } from './por';
import { completionOps } from './flow';
import type { Instr } from './program';
import type { ProgramInfo, Scenario } from './scenario';
import type { Wait } from './semantics/types';
import type { SimState } from './state';

const READ_ONLY = new WeakMap<readonly Access[], Map<string, Footprint>>();

/** A footprint with every access to the given objects (one id per line) turned into a read. */
function readOnly(footprint: Footprint, objects: string): Footprint {
  if (objects === '' || footprint === 'any') return footprint;
  let byObjects = READ_ONLY.get(footprint);
  if (!byObjects) READ_ONLY.set(footprint, byObjects = new Map());
  let refined = byObjects.get(objects);
  if (!refined) {
    const ids = new Set(objects.split('\n'));
    refined = footprint.some((a) => a.write && ids.has(a.object)) ? footprint.map((a) => (a.write && ids.has(a.object) ? { object: a.object, slot: a.slot, write: false } : a)) : footprint;
    byObjects.set(objects, refined);
  }
  return refined;
}

const TABLES = new WeakMap<ProgramInfo, Map<boolean, FootprintTables>>();

export class StateFootprints {
  private readonly completions: string[];

  constructor(private readonly scenario: Scenario, private readonly kickWaits: boolean) {
    this.completions = [...scenario.objects.values()].filter((o) => o.kind === 'completion').map((o) => o.id);
  }

  /** The thread's footprint tables (por.ts), computed once per program and kick rule. */
  private tables(info: ProgramInfo): FootprintTables {
    let byRule = TABLES.get(info);
    if (!byRule) TABLES.set(info, byRule = new Map());
    let tables = byRule.get(this.kickWaits);
    if (!tables) byRule.set(this.kickWaits, tables = footprintTables(info.program, info.footprint, info.shared, this.kickWaits));
    return tables;
  }

  /**
   * Completions done for all that no running thread may re-initialise, one
   * id per line (a key for the footprint cache): every operation on them
   * from now on only reads them.
   */
  frozen(state: SimState): string {
    let frozen = '';
    for (const id of this.completions) {
      const c = state.objects[id];
      if (c?.kind !== 'completion' || !c.all) continue;
      if (state.threads.some((t, thread) => t.status === 'running' && completionOps(this.scenario.threads[thread]!.info).reinits[t.pc]?.has(id))) continue;
      frozen += `${id}\n`;
    }
    return frozen;
  }

  /** What the thread's next transition touches in this state. */
  next(state: SimState, info: ProgramInfo, instr: Instr | undefined, pc: number, frozen: string): Footprint {
    const tables = this.tables(info);
    let next = tables.next[pc] ?? [];
    if (instr?.kind === 'op' && instr.op.action === 'wait' && instr.op.object) {
      // A wait on a completion done for all only reads it.
      const c = state.objects[instr.op.object.id];
      if (c?.kind === 'completion' && c.all) next = tables.waitDone[pc] ?? next;
    }
    return readOnly(next, frozen);
  }

  /** Everything the thread may still touch from `pc`. */
  future(info: ProgramInfo, pc: number, frozen: string): Footprint {
    return readOnly(this.tables(info).future[pc] ?? [], frozen);
  }

  /**
   * Threads of which one must move before a blocked thread can: a wait for
   * every one of several threads (lock holders, the readers a grace period
   * waits for, CPUs that owe an IPI or block stop_machine) needs only one of
   * them, if all are alive (a finished one never moves: then nothing can
   * enable it); a completion can be completed by any thread that may still
   * complete it.
   */
  enablers(state: SimState, thread: number, wait: Wait): number[] {
    const alive = (t: number): boolean => t !== thread && state.threads[t]?.status === 'running';
    const oneOf = (threads: readonly number[]): number[] => (threads.length > 0 && threads.every(alive) ? [threads[0]!] : []);
    switch (wait.kind) {
      case 'lock': return wait.self ? [] : oneOf(wait.holders.map(([t]) => t));
      case 'grace-period': return wait.self ? [] : oneOf(wait.readers.map(([t]) => t));
      case 'ipi': return oneOf(wait.cpus.map(([t]) => t));
      case 'stop-machine': return oneOf(wait.cpus.map((c) => c.thread));
      case 'completion': {
        const completers: number[] = [];
        state.threads.forEach((t, other) => {
          if (alive(other) && completionOps(this.scenario.threads[other]!.info).completes[t.pc]?.has(wait.object)) completers.push(other);
        });
        return completers;
      }
    }
  }
}
