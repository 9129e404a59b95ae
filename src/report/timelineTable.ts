// A witness as a compact numbered timeline for a hover: one row per step,
// one column per CPU, each cell the step's operation. Unlike renderWitness
// (the full CPU table for mails), it leaves out the local lines and the
// call nesting, so a 2-CPU witness fits a hover's width.
//
//    #  CPU 0 reload_store                CPU 1 kvm_vm_ioctl
//    1                                    wait_for_completion(&kvm->fw->co…
//    2  init_completion(&fw->completion)
//   …
//    6                                    idx = srcu_read_lock(&kvm->fw->s…  <- breaks here

import type { Witness } from '../sim/results';

export interface CompactOptions {
  /** Width of each CPU column, the gap included (default 40). */
  width?: number;
  /** Step after which the property is broken: its row is marked. */
  breakStep?: number;
  /** At most this many rows; earlier steps are elided (default 30). */
  maxRows?: number;
}

const BREAK_MARK = '  <- breaks here';

function clip(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= width ? flat : `${flat.slice(0, Math.max(1, width - 1))}…`;
}

/** The CPUs that do something in the witness (run a step or end blocked), in order. */
export function activeCpus(witness: Witness): number[] {
  return [...new Set([...witness.steps.map((s) => s.cpu), ...witness.blocked.map((b) => b.thread)])].sort((a, b) => a - b);
}

export function renderCompactTimeline(witness: Witness, options: CompactOptions = {}): string {
  const width = options.width ?? 40;
  const cpus = activeCpus(witness);
  const column = new Map(cpus.map((cpu, i) => [cpu, i]));
  const label = (cpu: number): string => {
    const thread = witness.threads.find((t) => t.cpu === cpu);
    return `CPU ${cpu}${thread ? ` ${thread.label}` : ''}`;
  };
  const numberWidth = String(witness.steps.length).length + 1;
  const row = (number: string, cpu: number, text: string): string => {
    const at = column.get(cpu) ?? 0;
    const cells = cpus.map((_, i) => (i === at ? clip(text, width - 2) : ''));
    const line = cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(width))).join('');
    return `${number.padStart(numberWidth)}  ${line}`.trimEnd();
  };

  const header = cpus.map((cpu, i) => (i === cpus.length - 1 ? label(cpu) : clip(label(cpu), width - 2).padEnd(width))).join('');
  const out = [`${'#'.padStart(numberWidth)}  ${header}`];
  const maxRows = options.maxRows ?? 30;
  const first = Math.max(0, witness.steps.length - maxRows);
  if (first > 0) out.push(`${''.padStart(numberWidth)}  … ${first} earlier step${first === 1 ? '' : 's'}`);
  for (const step of witness.steps.slice(first)) {
    const text = row(String(step.index + 1), step.cpu, step.action);
    out.push(step.index === options.breakStep ? `${text}${BREAK_MARK}` : text);
  }
  for (const blocked of witness.blocked) {
    const last = blocked.lines[blocked.lines.length - 1];
    if (!last) continue;
    out.push(row('·', blocked.thread, `${last.text}${last.note ? ` (${last.note})` : ''}`));
  }
  return out.join('\n');
}
