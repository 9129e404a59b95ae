// Exports a scenario as a Promela model that Spin checks for the same
// things the simulator looks for:
//   - deadlocks: a state where no process can move and some process is not
//     at its end is Spin's "invalid end state" (Spin manual, "end-state
//     labels"), so every blocked CPU is one;
//   - the update-phase exclusion: assertions after every step that can
//     break it (monitor.ts);
//   - sleeping in atomic context and misuses: assertions at their sites;
//   - outcomes (optional): when the last thread returns, pan prints every
//     thread's return value, every shared value some thread writes and the
//     broken exclusions, from an embedded `c_code` block that pan runs as it
//     explores (Spin manual, "c_code").
// Parameters the user fixed are constants; the others are chosen at the
// branches that read them. Loops are bounded as in the simulation.
//
//   const text = exportPromela(scenario, { params: { data: 0 } });

import type { Params } from '../env';
import { Machine } from '../machine';
import { initialState, type Scenario } from '../scenario';
import { Plainness, ProgramFacts } from './analysis';
import { Names, PRELUDE, SymbolTable } from './encoding';
import { Globals } from './globals';
import { Monitor } from './monitor';
import { spinningName } from './ops';
import { ThreadWriter, type ModelScope } from './thread';

export interface PromelaOptions {
  params?: Params;
  /** The simulation's loop bound (`bounds.loopUnroll`); default 2. */
  bounds?: { loopUnroll?: number };
  /** Print each outcome from pan (a `c_code` block); default true. Off, the model is plain Promela. */
  outcomes?: boolean;
  /** Starts every global and proctype name, so that models can share one verifier (batch.ts). */
  prefix?: string;
}

/** A model and what reading pan's report of it takes. */
export interface PromelaModel {
  text: string;
  symbols: SymbolTable;
  /** Assertion names to the simulator's violation keys (`misuse|label|pc`, `update-phase|domain|reader|updater`). */
  sites: Map<string, string>;
  /** The order of the numbers on an OUTCOME line: return values by thread, then these cells, then these domains' flags. */
  outcome: { labels: string[]; cells: string[]; domains: string[] };
  /** The initial local run already abandons the execution: nothing is explored. */
  abandonedAtStart: boolean;
  /** The model's pieces, for batch.ts: the text is header, prelude, macros, declarations, proctypes. */
  parts: { macros: string[]; declarations: string[]; proctypes: { name: string; text: string }[]; scratch: number };
}

export const OUTCOME_PREFIX = 'RACELENS-OUTCOME';

export function exportPromela(scenario: Scenario, options: PromelaOptions = {}): string {
  return promelaModel(scenario, options).text;
}

export function promelaModel(scenario: Scenario, options: PromelaOptions = {}): PromelaModel {
  const plainness = new Plainness();
  // Plainness only ever grows towards "not plain": rewrite until a pass learns nothing new.
  for (;;) {
    plainness.changed = false;
    const model = generate(scenario, options, plainness);
    if (!plainness.changed) return model;
  }
}

function canCut(scenario: Scenario): boolean {
  return scenario.threads.some((t) => t.info.program.instrs.some((i) => (i.kind === 'jump' && i.counter !== undefined) || (i.kind === 'loopTest' && i.cond?.kind !== 'opaque')));
}

function generate(scenario: Scenario, options: PromelaOptions, plainness: Plainness): PromelaModel {
  const params = options.params ?? {};
  const loopBound = options.bounds?.loopUnroll ?? 2;
  const symbols = new SymbolTable();
  const prefix = options.prefix ?? '';
  const globals = new Globals(scenario, symbols, plainness, prefix);
  const labels = scenario.threads.map((t) => t.label);
  const sites = new Map<string, string>();
  const siteNames = new Names();
  const hidden: string[] = [];
  const site = (key: string, hint: string): string => {
    const known = [...sites].find(([, k]) => k === key)?.[0];
    if (known) return known;
    const name = siteNames.fresh(`${prefix}${hint.replace(/[^A-Za-z0-9_]+/g, '_')}`);
    sites.set(name, key);
    hidden.push(`hidden byte ${name};`);
    return name;
  };
  const monitorNames = globals.monitor(scenario.idioms);
  const monitor = new Monitor(scenario.idioms, monitorNames, site, labels);
  const recording = options.outcomes ?? true;
  let scratch = 0;
  const spinning = new Map<number, string[]>();
  const outcomeNames = recording ? {
    finished: globals.extra('byte', 'g_finished'),
    ret: globals.extra('int', 'g_outcome_ret', `[${scenario.threads.length}]`),
  } : undefined;
  const reported = globals.reported.map((id) => globals.cell(id)!);
  const violatedFlags = scenario.idioms.map((i) => monitorNames.get(i.domain)!.violated);
  const print = outcomeNames ? printOutcome(scenario.threads.length, outcomeNames, reported, violatedFlags) : '';
  const model: ModelScope = {
    globals, symbols, plainness, monitor, loopBound, labels,
    ...(canCut(scenario) ? { abandoned: globals.extra('bit', 'g_abandoned') } : {}),
    ...(outcomeNames ? { outcome: { ...outcomeNames, print } } : {}),
    site,
    scratch: (count) => { scratch = Math.max(scratch, count); },
    spinsAt: (thread, _code, blocked) => { spinning.set(thread, [...(spinning.get(thread) ?? []), blocked]); },
  };
  const machine = new Machine(scenario, { params, loopBound });
  const abandonedAtStart = machine.initial(initialState(scenario)).effects.cut !== undefined;
  const factsByEntry = new Map<string, ProgramFacts>();
  const proctypes = scenario.threads.map((spec) => {
    const name = `${prefix}cpu${spec.id}_${spec.label.replace(/[^A-Za-z0-9_]+/g, '_')}`;
    if (abandonedAtStart) return { name, text: `proctype ${name}() { skip }` };
    let facts = factsByEntry.get(spec.entry);
    if (!facts) factsByEntry.set(spec.entry, facts = new ProgramFacts(spec.info, scenario.objects, params, scenario.options.aliases));
    return { name, text: new ThreadWriter(model, spec, facts).write(name) };
  });
  const header = [
    `/* RaceLens scenario: ${labels.map((l, t) => `CPU ${t} ${l}`).join(', ')}`,
    ` * parameters: ${Object.entries(params).map(([k, v]) => `${k} = ${String(v)}`).join(', ') || 'none fixed'}; loop bound ${loopBound}`,
    abandonedAtStart ? ' * The initial local run reaches a loop bound: the simulator abandons every execution, so nothing runs here.' : ' * Deadlock: invalid end state. Exclusion, misuse and sleep-in-atomic: assertions (never_* are always 0).',
    ' */',
  ];
  const spinMacros = globals.stopMachine ? scenario.threads.map((t) => `#define ${spinningName(prefix, t.id)} (${(spinning.get(t.id) ?? ['0']).join(' || ')})`) : [];
  const declarations = [...globals.declarations, ...hidden];
  const text = [
    ...header, ...PRELUDE, ...spinMacros, '',
    ...declarations, ...scratchDeclaration(scratch), '',
    ...proctypes.map((p) => `active ${p.text}\n`),
  ].join('\n');
  return {
    text, symbols, sites, abandonedAtStart,
    outcome: { labels, cells: globals.reported, domains: scenario.idioms.map((i) => i.domain) },
    parts: { macros: spinMacros, declarations, proctypes, scratch },
  };
}

/** The hidden scratch variables every atomic step may use (h_0, h_1, …). */
export function scratchDeclaration(count: number): string[] {
  return count > 0 ? [`hidden int ${Array.from({ length: count }, (_, i) => `h_${i}`).join(', ')};`] : [];
}

function printOutcome(threads: number, names: { finished: string; ret: string }, cells: readonly string[], violated: readonly string[]): string {
  const values = [
    ...Array.from({ length: threads }, (_, t) => `now.${names.ret}[${t}]`),
    ...cells.map((c) => `now.${c}`),
    ...violated.map((v) => `now.${v}`),
  ];
  const format = values.map(() => '%d').join(' ');
  return `if :: ${names.finished} == ${threads} -> c_code { printf("${OUTCOME_PREFIX} ${format}\\n"${values.map((v) => `, (int) ${v}`).join('')}); } :: else -> skip fi`;
}
