// The update-phase exclusion property (properties.ts) in Promela: the same
// monitor, updated by the same events inside each atomic step, and checked
// at the end of every step that can change it. A broken exclusion sets the
// domain's sticky `violated` flag (outcomes report it) and fails an
// assertion named after the reader and the updater, so that Spin's report
// says which pair (Spin manual: "assert" — an assertion violation is
// reported with the text of the assertion).

import type { Instr } from '../program';
import type { UpdateIdiom } from '../properties';
import { isBiasName } from '../values';
import type { Code } from './expr';
import { ifElse, type StepScope } from './ops';

type OpInstr = Extract<Instr, { kind: 'op' }>;

interface MonitorNames { phase: string; passed: string; violated: string }

/** One effect of properties.ts's `classify`. */
type Effect = 'publish' | 'synchronized' | 'end' | 'pass' | 'fail' | 'left';

export class Monitor {
  constructor(
    readonly idioms: readonly UpdateIdiom[],
    private readonly names: ReadonlyMap<string, MonitorNames>,
    /** Declares a never-true bit for an assertion site and returns its name. */
    private readonly site: (key: string, name: string) => string,
    private readonly labels: readonly string[],
  ) {}

  private roles(thread: number): { idiom: UpdateIdiom; names: MonitorNames; updater: boolean; reader: boolean }[] {
    return this.idioms.flatMap((idiom) => {
      const updater = idiom.updaters.includes(thread);
      const reader = idiom.readers.includes(thread);
      return updater || reader ? [{ idiom, names: this.names.get(idiom.domain)!, updater, reader }] : [];
    });
  }

  /** Whether `thread` takes part in some idiom (only then do its steps need the check). */
  watches(thread: number): boolean {
    return this.roles(thread).length > 0;
  }

  private apply(step: StepScope, names: MonitorNames, effect: Effect): string {
    const phase = `${names.phase}[${step.thread}]`;
    switch (effect) {
      case 'publish': return `${phase} = ((${phase} == 0 || ${phase} == 3) -> 1 : ${phase})`;
      case 'synchronized': return `${phase} = (${phase} == 1 -> 2 : ${phase})`;
      case 'end': return `${phase} = ((${phase} == 1 || ${phase} == 2) -> 3 : ${phase})`;
      case 'pass': return `${names.passed}[${step.thread}] = 1`;
      case 'fail': case 'left': return `${names.passed}[${step.thread}] = 0`;
    }
  }

  /** Statements for an effect that depends on a value's truth: true → `ifTrue`, false → `ifFalse`, unknown → none. */
  private byTruth(step: StepScope, names: MonitorNames, value: Code, ifTrue: Effect, ifFalse: Effect): string {
    const yes = this.apply(step, names, ifTrue);
    const no = this.apply(step, names, ifFalse);
    if (value.plain) return ifElse(`${value.text} != 0`, [yes], [no]);
    return `if :: truth(${value.text}) == 1 -> ${yes} :: truth(${value.text}) == 0 -> ${no} :: else -> skip fi`;
  }

  /** A store to a shared variable (a flag set: published; cleared: the update ended). */
  store(step: StepScope, object: string, value: Code): void {
    for (const { idiom, names, updater } of this.roles(step.thread)) {
      if (updater && idiom.flags.includes(object)) step.emit(this.byTruth(step, names, value, 'publish', 'end'));
    }
  }

  /** A load of a shared variable (a reader that sees the flag clear is past its guard). */
  load(step: StepScope, object: string, value: Code): void {
    for (const { idiom, names, reader } of this.roles(step.thread)) {
      if (reader && idiom.flags.includes(object)) step.emit(this.byTruth(step, names, value, 'fail', 'pass'));
    }
  }

  /** A completed operation with its value (properties.ts's `classify` for operation events). */
  op(step: StepScope, instr: OpInstr, value: Code): void {
    const { op } = instr;
    const id = op.object?.id;
    if (id === undefined) return;
    for (const { idiom, names, updater, reader } of this.roles(step.thread)) {
      const effect = (e: Effect): void => step.emit(this.apply(step, names, e));
      if (id === idiom.domain) {
        if (updater && op.action === 'synchronize') effect('synchronized');
        else if (reader && op.action === 'read_unlock') {
          const depth = this.depthOf(step, id);
          step.emit(ifElse(`${depth} == 0`, [this.apply(step, names, 'left')]));
        }
      } else if (idiom.completions.includes(id)) {
        if (updater && (op.action === 'init' || op.action === 'reinit')) effect('publish');
        else if (updater && op.action === 'complete_all') effect('end');
        else if (reader && op.action === 'wait') effect('pass');
        else if (reader && op.action === 'try_wait') step.emit(ifElse(`${value.text} == 1`, [this.apply(step, names, 'pass')], [this.apply(step, names, 'fail')]));
      } else if (idiom.counters.includes(id)) {
        const bias = isBiasName(op.operand ?? '');
        if (updater && bias && (op.action === 'add' || op.action === 'add_return')) effect('publish');
        else if (updater && bias && (op.action === 'sub' || op.action === 'sub_return')) effect('end');
        else if (reader && (op.action === 'inc_unless_negative' || op.action === 'add_unless')) {
          step.emit(`if :: ${value.text} == 1 -> ${this.apply(step, names, 'pass')} :: ${value.text} == 0 -> ${this.apply(step, names, 'fail')} :: else -> skip fi`);
        }
      }
    }
  }

  private depthOf(step: StepScope, domain: string): string {
    return `${step.globals.domain(domain)!.depth}[${step.thread}]`;
  }

  /**
   * The check after a step of `thread`: a step can only break the exclusion
   * for pairs it belongs to (it changes its own phase, passed flag or depth).
   */
  check(step: StepScope): string[] {
    const statements: string[] = [];
    for (const { idiom, names } of this.roles(step.thread)) {
      const depth = step.globals.domain(idiom.domain)!.depth;
      for (const updater of idiom.updaters) {
        for (const reader of idiom.readers) {
          if (reader === updater || (step.thread !== reader && step.thread !== updater)) continue;
          const broken = `${names.phase}[${updater}] == 2 && ${names.passed}[${reader}] && ${depth}[${reader}] > 0`;
          const key = `update-phase|${idiom.domain}|${this.labels[reader]}|${this.labels[updater]}`;
          const bit = this.site(key, `never_exclusion_broken_${idiom.domain}_cpu${reader}_cpu${updater}`);
          statements.push(ifElse(`(${broken})`, [`${names.violated} = 1`, `assert(${bit})`]));
        }
      }
    }
    return statements;
  }
}
