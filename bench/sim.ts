// `npm run bench`, simulator part (issue: simulator). Bars: each seed
// scenario decided in under 50 ms; seed 000 scaled to 1, 2, 4 and 6 readers
// against the updater faster than Spin's pan on the exported model on every
// row, and growth with the reader count far below factorial. Not a test:
// numbers are printed.
//
// RaceLens times are medians of 15 runs after warming up (V8 takes a few
// dozen runs of a scenario to settle its optimised code; the first, cold
// run of each seed scenario is shown too). pan is compiled once per model (gcc -O2 -DSAFETY,
// shown separately), given a hash table sized to the state count it
// reported on a first run (-w, as Spin's manual advises: about log2 of the
// states), and timed as a process, median of 9 runs; pan's own elapsed time
// is shown too (it counts in 10 ms steps).

import { readSource } from '../src/parse/workspace';
import { primitiveTable } from '../src/model/primitives';
import { CallGraph } from '../src/model/callGraph';
import type { CParser } from '../src/parse/treeSitter';
import { buildScenario, simulate, type EntrySpec, type SimResult } from '../src/sim';
import type { Params } from '../src/sim/env';
import { promelaModel } from '../src/sim/promela/export';
import { compilePan, removeCompiled, requireSpin, runPan, type PanRun } from '../src/sim/promela/pan';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const { table } = primitiveTable();
const FIXTURES = resolve('test/fixtures');

function graphOf(parser: CParser, ...parts: string[]): CallGraph {
  const name = parts[parts.length - 1]!;
  return new CallGraph([readSource(parser, name, readFileSync(join(FIXTURES, ...parts), 'utf8'), { table })]);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const RUNS = 9;
const SIMULATION_RUNS = 15;

/** The first (cold) run's time, then the median of SIMULATION_RUNS runs after warming up for at least 20 runs and 500 ms. */
function timeSimulation(graph: CallGraph, entries: EntrySpec[], params: Params | undefined): { coldMs: number; ms: number; result: SimResult } {
  const scenario = buildScenario(graph, entries);
  const options = { ...(params ? { params } : {}), budgetMs: 120_000, bounds: { maxStates: 2_000_000 } };
  const timed = (): { ms: number; result: SimResult } => {
    const start = performance.now();
    const result = simulate(scenario, options);
    return { ms: performance.now() - start, result };
  };
  const cold = timed();
  const warmStart = performance.now();
  for (let r = 0; r < 20 || performance.now() - warmStart < 500; r++) timed();
  const runs = Array.from({ length: SIMULATION_RUNS }, timed);
  return { coldMs: cold.ms, ms: median(runs.map((r) => r.ms)), result: runs[0]!.result };
}

function verdict(result: SimResult): string {
  const parts = [`${result.outcomes.length} outcomes`];
  if (result.deadlocks.length) parts.push(`${result.deadlocks.length} deadlocks`);
  if (result.violations.length) parts.push(`${result.violations.length} violations`);
  return parts.join(', ');
}

function seedScenarios(parser: CParser): void {
  console.log('\nSimulator: each seed scenario decided (bar: < 50 ms each)');
  const seed000 = graphOf(parser, 'seeds', '000_ae3e64e89a0db923.txt');
  const rows: [string, CallGraph, EntrySpec[], Params | undefined][] = [
    ['seed 000, data = 0 (reader vs update)', seed000, [{ name: 'kvm_vm_ioctl' }, { name: 'reload_store' }], { data: 0 }],
    ['seed 000, data = 1 (force)', seed000, [{ name: 'kvm_vm_ioctl' }, { name: 'reload_store' }], { data: 1 }],
    ['seed 001, rwlock design', graphOf(parser, 'sim', 'seed001-rwlock.rlnotes'), [{ name: 'seamcall_reader', copies: 2 }, { name: 'tdx_module_update_rwlock' }], undefined],
    ['seed 001, stop_machine design', graphOf(parser, 'sim', 'seed001-stop-machine.rlnotes'), [{ name: 'seamcall_reader', copies: 2 }, { name: 'tdx_module_update_stop_machine' }], undefined],
    ['seed 003, kvm->lock vs kvm->srcu rule', graphOf(parser, 'sim', 'seed003.rlnotes'), [{ name: 'kvm_vcpu_ioctl', copies: 2 }, { name: 'kvm_vm_ioctl_set_memory_region' }], undefined],
    ['fixed design, 3 readers', graphOf(parser, 'sim', 'fixed.rlnotes'), [{ name: 'fw_update' }, { name: 'kvm_vm_ioctl', copies: 3 }], undefined],
  ];
  for (const [name, graph, entries, params] of rows) {
    const { coldMs, ms, result } = timeSimulation(graph, entries, params);
    console.log(`  ${name.padEnd(40)} ${ms.toFixed(2).padStart(7)} ms  ${ms < 50 ? 'ok' : 'OVER 50 ms'}  (first, cold run ${coldMs.toFixed(1)} ms; ${result.stats.states} states; ${verdict(result)})`);
  }
}

/** pan on the exported model: compile once, size the hash table from a first run, then time 5 runs. */
function timePan(text: string): { compileMs: number; run: PanRun; ms: number } {
  const compiled = compilePan(text, '-O2');
  try {
    const first = runPan(compiled, { hashBits: 22, depth: 10_000 });
    const hashBits = Math.max(10, Math.ceil(Math.log2(Math.max(1, first.states))) + 1);
    const runs = Array.from({ length: RUNS }, () => runPan(compiled, { hashBits, depth: 10_000 }));
    return { compileMs: compiled.compileMs, run: runs[0]!, ms: median(runs.map((r) => r.wallMs)) };
  } finally {
    removeCompiled(compiled);
  }
}

function scaling(parser: CParser, spin: boolean): void {
  console.log('\nSimulator: seed 000 with N readers against the updater, RaceLens vs Spin\'s pan on the exported model (bar: faster on every row)');
  console.log(`  ${'readers'.padEnd(8)}${'data'.padEnd(6)}${'executions'.padStart(11)}${'states'.padStart(9)}${'ms'.padStart(9)}  |${'pan states'.padStart(12)}${'pan ms'.padStart(9)}${'(pan own)'.padStart(11)}${'compile ms'.padStart(12)}  |${'pan/RaceLens'.padStart(13)}`);
  const graph = graphOf(parser, 'seeds', '000_ae3e64e89a0db923.txt');
  const states = new Map<number, number>();
  const panStates = new Map<number, number>();
  for (const readers of [1, 2, 4, 6]) {
    for (const data of [0, 1]) {
      const entries: EntrySpec[] = [{ name: 'kvm_vm_ioctl', copies: readers }, { name: 'reload_store' }];
      const ours = timeSimulation(graph, entries, { data });
      states.set(readers, Math.max(states.get(readers) ?? 0, ours.result.stats.states));
      let panColumns = '  (spin not installed)';
      if (spin) {
        const pan = timePan(promelaModel(buildScenario(graph, entries), { params: { data }, outcomes: false }).text);
        panStates.set(readers, Math.max(panStates.get(readers) ?? 0, pan.run.states));
        const ratio = pan.ms / ours.ms;
        panColumns = `${String(pan.run.states).padStart(12)}${pan.ms.toFixed(1).padStart(9)}${`${pan.run.panSeconds}s`.padStart(11)}${pan.compileMs.toFixed(0).padStart(12)}  |${`${ratio.toFixed(1)}x`.padStart(12)} ${ratio > 1 ? 'faster' : 'SLOWER'}`;
      }
      const { stats } = ours.result;
      console.log(`  ${String(readers).padEnd(8)}${String(data).padEnd(6)}${String(stats.executions).padStart(11)}${String(stats.states).padStart(9)}${ours.ms.toFixed(1).padStart(9)}  |${panColumns}`);
    }
  }
  const growth = (table: Map<number, number>): string => `${((table.get(6) ?? 0) / Math.max(1, table.get(1) ?? 1)).toFixed(0)}x`;
  console.log(`  growth from 1 to 6 readers: RaceLens ${growth(states)} the states${spin ? `, pan ${growth(panStates)}` : ''} (6! = 720)`);
}

export async function benchSimulator(parser: CParser): Promise<void> {
  let spin = true;
  try {
    console.log(`\n${requireSpin()}`);
  } catch (error) {
    spin = false;
    console.log(`\n${(error as Error).message}: pan columns are left out`);
  }
  seedScenarios(parser);
  scaling(parser, spin);
}
