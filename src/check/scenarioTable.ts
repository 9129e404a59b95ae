// Lockdep's "Possible unsafe locking scenario" table, for any number of CPUs.
// Lockdep prints two columns even when the chain is longer; a cycle of n locks
// needs n CPUs, each holding one lock of the cycle and waiting for the next,
// so this prints one column per CPU. The layout is lockdep's: a header
// `CPU0 CPU1 ...` over dashes, then each CPU's first lock in column order,
// then each CPU's blocked lock from the last CPU back to CPU0 (for two CPUs
// this is exactly the order lockdep prints), then `*** DEADLOCK ***`.

/** lockdep's verbs: `lock(A);`, `rlock(A);` for a reader, `sync(S);` for a synchronize. */
export type ScenarioVerb = 'lock' | 'rlock' | 'sync';

export interface ScenarioStep {
  verb: ScenarioVerb;
  /** The lock class as the finding names it, e.g. `kvm.lock`. */
  lock: string;
}

export interface ScenarioCpu {
  /** The lock this CPU already holds. */
  holds: ScenarioStep;
  /** The lock it then waits for, held by another CPU (or by itself, for one CPU). */
  waitsFor: ScenarioStep;
}

/** Lockdep's column pitch: `CPU1` and its locks start 29 columns after CPU0's locks. */
const MIN_COLUMN_WIDTH = 29;
const CELL_INDENT = 2;
/** Lockdep indents CPU0's header five columns more than CPU0's locks. */
const FIRST_HEADER_INDENT = 7;

function cell(step: ScenarioStep): string {
  return `${step.verb}(${step.lock});`;
}

/**
 * The scenario as text lines, lockdep's layout. `note` is printed after the
 * DEADLOCK line, as lockdep prints "May be due to missing lock nesting notation".
 */
export function renderScenario(cpus: readonly ScenarioCpu[], note?: string): string[] {
  const cells = cpus.flatMap((cpu) => [cell(cpu.holds), cell(cpu.waitsFor)]);
  // Long class names widen every column so no cell runs into the next column.
  const width = Math.max(MIN_COLUMN_WIDTH, ...cells.map((c) => c.length + 2));
  const startOf = (column: number): number => CELL_INDENT + width * column;
  const headerStart = (column: number): number => (column === 0 ? FIRST_HEADER_INDENT : startOf(column));
  const row = (column: number, text: string): string => `${' '.repeat(startOf(column))}${text}`;

  const header = (label: (column: number) => string): string => {
    let line = '';
    cpus.forEach((_, column) => {
      line = line.padEnd(headerStart(column)) + label(column);
    });
    return line;
  };

  const lines = [' Possible unsafe locking scenario:', ''];
  lines.push(header((column) => `CPU${column}`));
  lines.push(header(() => '----'));
  cpus.forEach((cpu, column) => lines.push(row(column, cell(cpu.holds))));
  for (let column = cpus.length - 1; column >= 0; column--) {
    lines.push(row(column, cell(cpus[column]!.waitsFor)));
  }
  lines.push('', ' *** DEADLOCK ***');
  if (note) lines.push('', ` ${note}`);
  return lines;
}
