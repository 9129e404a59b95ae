// The model's shared state: one group of globals per simulator object, the
// CPUs' state, the update-phase monitor and the outcome record, declared
// with the start values scenario.ts gives them.
//
//   completion   g_<c>_done (count), g_<c>_all (complete_all until re-init)
//   SRCU/RCU     g_<d>_depth[cpu] (read-side nesting), g_<d>_gp[cpu]: the
//                readers a CPU's synchronize still waits for, one bit each
//   lock         g_<l>_writer (cpu + 1, 0 free), g_<l>_readers[cpu] (read
//                holds), g_<l>_queued (writers queued on an rwsem, bits)
//   value        g_<v>: an atomic or a shared variable
//   monitor      g_<d>_phase[cpu] (updater: 0 idle, 1 published,
//                2 exclusive, 3 ended), g_<d>_passed[cpu] (reader past its
//                guard), g_<d>_violated (sticky, for outcomes)
//   CPUs         g_irqoff[cpu], g_preempt[cpu], g_done[cpu], g_ipi[cpu]
//                (CPUs that still owe the IPI a CPU waits for), g_spinning_at[cpu]
//                only when a cross-CPU operation needs to see them;
//                otherwise each CPU's flags are locals of its proctype.

import type { Instr } from '../program';
import type { Scenario } from '../scenario';
import { objectKindOf } from '../semantics';
import type { UpdateIdiom } from '../properties';
import { Plainness } from './analysis';
import { bit, Names, type SymbolTable } from './encoding';

export interface LockNames { writer: string; readers?: string; queued?: string; spins: boolean; writerPreference: boolean }

/** Lock families and their rules (semantics/mutex.ts, spinlock.ts, rwlock.ts, rwsem.ts). */
const LOCK_RULES: Readonly<Record<string, { spins: boolean; writerPreference: boolean }>> = {
  mutex: { spins: false, writerPreference: false },
  spinlock: { spins: true, writerPreference: false },
  raw_spinlock: { spins: true, writerPreference: false },
  rwlock: { spins: true, writerPreference: false },
  rwsem: { spins: false, writerPreference: true },
  percpu_rwsem: { spins: false, writerPreference: true },
  cpu_hotplug: { spins: false, writerPreference: true },
};

export function lockRules(family: string): { spins: boolean; writerPreference: boolean } | undefined {
  return LOCK_RULES[family];
}

type OpInstr = Extract<Instr, { kind: 'op' }>;

/** Whether kvm_make_all_cpus_request() waits for the vCPUs (semantics/crossCpu.ts). */
export function kickWaits(scenario: Scenario, instr: OpInstr): boolean {
  return (scenario.options.kickWaits ?? false) || instr.call.args.some((a) => /WAIT/.test(a));
}

export class Globals {
  readonly names = new Names();
  readonly declarations: string[] = [];
  readonly threadCount: number;
  /** Some operation looks at other CPUs' IRQ or preemption state: the CPUs' flags are global. */
  readonly crossCpu: boolean;
  readonly stopMachine: boolean;
  /** The CPUs' flags as globals (arrays by CPU), when some operation looks at other CPUs. */
  readonly cpus?: { irqoff: string; preempt: string; done: string; ipi: string; spinningAt?: string };
  /** Cells the outcome reports (values some thread writes), in the scenario's order. */
  readonly reported: string[] = [];
  private readonly cells = new Map<string, string>();
  private readonly completions = new Map<string, { done: string; all: string }>();
  private readonly domains = new Map<string, { depth: string; gp: string; synchronizers: number[]; readers: number[] }>();
  private readonly locks = new Map<string, LockNames>();

  /** `prefix` starts every global's name, so that several models can share one verifier (batch.ts). */
  constructor(readonly scenario: Scenario, private readonly symbols: SymbolTable, readonly plainness: Plainness, readonly prefix = '') {
    this.threadCount = scenario.threads.length;
    const ops = scenario.threads.map((t) => t.info.program.instrs.filter((i): i is OpInstr => i.kind === 'op'));
    // A kick that does not wait changes nothing another CPU sees; the other cross-CPU operations look at every CPU.
    this.crossCpu = ops.some((list) => list.some((i) => i.op.family === 'cross_cpu' && (i.op.action !== 'kick' || kickWaits(scenario, i))));
    this.stopMachine = ops.some((list) => list.some((i) => i.op.action === 'stop_machine'));
    for (const [id, info] of scenario.objects) this.declareObject(id, info.kind, ops);
    if (this.crossCpu) {
      const n = `[${this.threadCount}]`;
      this.cpus = {
        irqoff: this.declare('bit', 'g_irqoff', n),
        preempt: this.declare('byte', 'g_preempt', n),
        done: this.declare('bit', 'g_done', n),
        ipi: this.declare('int', 'g_ipi', n),
        ...(this.stopMachine ? { spinningAt: this.declare('short', 'g_spinning_at', n) } : {}),
      };
    }
  }

  private declare(type: string, hint: string, suffix = '', init?: string): string {
    const name = this.names.fresh(`${this.prefix}${hint}`);
    this.declarations.push(`${type} ${name}${suffix}${init !== undefined ? ` = ${init}` : ''};`);
    return name;
  }

  private declareObject(id: string, kind: string, ops: OpInstr[][]): void {
    const given = this.scenario.options.initial?.[id];
    const on = (i: OpInstr): boolean => i.op.object?.id === id && objectKindOf(i.op.family) === kind;
    const users = ops.map((list) => list.filter(on));
    switch (kind) {
      case 'value': {
        const info = this.scenario.objects.get(id)!;
        const start = typeof given === 'number' ? given : typeof given === 'boolean' ? Number(given)
          : typeof given === 'string' ? (/^-?\d+$/.test(given) ? Number(given) : given) : info.written ? 0 : null;
        if (typeof start !== 'number') this.plainness.learn(Plainness.cell(id), false);
        this.cells.set(id, this.declare('int', this.base(id), '', this.symbols.literal(start)));
        if (info.written) this.reported.push(id);
        return;
      }
      case 'completion': {
        const reinit = users.some((list) => list.some((i) => i.op.action === 'init' || i.op.action === 'reinit'));
        const all = given === undefined ? reinit : given === 'done' || given === true;
        const base = this.base(id);
        this.completions.set(id, {
          done: this.declare('int', `${base}_done`, '', String(typeof given === 'number' ? given : 0)),
          all: this.declare('bit', `${base}_all`, '', all ? '1' : '0'),
        });
        return;
      }
      case 'domain': {
        const base = this.base(id);
        const who = (action: string): number[] => users.flatMap((list, t) => (list.some((i) => i.op.action === action) ? [t] : []));
        const synchronizers = who('synchronize');
        this.domains.set(id, {
          depth: this.declare('byte', `${base}_depth`, `[${this.threadCount}]`),
          gp: synchronizers.length > 0 ? this.declare('int', `${base}_gp`, `[${this.threadCount}]`) : '',
          synchronizers,
          readers: who('read_lock'),
        });
        return;
      }
      case 'lock': {
        const base = this.base(id);
        const family = this.scenario.objects.get(id)!.family;
        const rules = lockRules(family) ?? { spins: false, writerPreference: false };
        const all = users.flat();
        const shared = all.some((i) => i.op.mode === 'shared');
        const queued = rules.writerPreference && all.some((i) => i.op.mode !== 'shared' && i.op.action === 'acquire');
        this.locks.set(id, {
          writer: this.declare('byte', `${base}_writer`),
          ...(shared ? { readers: this.declare('byte', `${base}_readers`, `[${this.threadCount}]`) } : {}),
          ...(queued ? { queued: this.declare('int', `${base}_queued`) } : {}),
          ...rules,
        });
        return;
      }
    }
  }

  /** `g_` and the object's id as an identifier (`fw.srcu` is `g_fw_srcu`). */
  private base(id: string): string {
    return `g_${id.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'x'}`;
  }

  cell(id: string): string | undefined { return this.cells.get(id); }
  completion(id: string): { done: string; all: string } | undefined { return this.completions.get(id); }
  domain(id: string) { return this.domains.get(id); }
  lock(id: string): LockNames | undefined { return this.locks.get(id); }

  /** `a[0] + a[1] + …` over the threads: how many read holds a lock has. */
  readerCount(lock: LockNames): string {
    if (!lock.readers) return '0';
    return `(${Array.from({ length: this.threadCount }, (_, t) => `${lock.readers}[${t}]`).join(' + ')})`;
  }

  /** Statements that clear `cpu`'s bit in every mask of `masks` (an IPI answered, a section ended). */
  clearBit(masks: string, owners: readonly number[], cpu: number): string[] {
    return owners.map((o) => `${masks}[${o}] = ${masks}[${o}] & ~${bit(cpu)}`);
  }

  /** Declares the monitor's state for the idioms; returns its names per domain. */
  monitor(idioms: readonly UpdateIdiom[]): Map<string, { phase: string; passed: string; violated: string }> {
    const names = new Map<string, { phase: string; passed: string; violated: string }>();
    for (const idiom of idioms) {
      const base = `g_mon_${this.base(idiom.domain).slice(2)}`;
      names.set(idiom.domain, {
        phase: this.declare('byte', `${base}_phase`, `[${this.threadCount}]`),
        passed: this.declare('bit', `${base}_passed`, `[${this.threadCount}]`),
        violated: this.declare('bit', `${base}_violated`),
      });
    }
    return names;
  }

  /** A global flag or counter declared on demand (the abandoned flag, the outcome record). */
  extra(type: string, name: string, suffix = '', init?: string): string {
    return this.declare(type, name, suffix, init);
  }
}
