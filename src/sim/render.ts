// A witness as the CPU table reviewers put in their mails (seed 000's end):
// one column per CPU, time going down, each CPU's lines in notes notation
// (`-> call()` nested three columns per level), a blank row where another
// CPU takes over, and the simulator's explanation as a `//` comment.

import type { TraceLine, Witness } from './results';

export interface RenderOptions {
  /** Append each line's explanation as `// ...` (default true). */
  notes?: boolean;
  /** Minimum column width (default 40). */
  minWidth?: number;
}

export function formatLine(line: TraceLine, notes = true): string {
  const nested = '   '.repeat(Math.max(0, line.depth - 1));
  const indent = line.kind === 'entry' ? '' : line.kind === 'call' ? `${nested}-> ` : line.kind === 'dispatch' ? `${nested}=> ` : '   '.repeat(line.depth);
  return `${indent}${line.text}${notes && line.note ? ` //${line.note}` : ''}`;
}

interface Block { cpu: number; lines: string[] }

export function renderWitness(witness: Witness, options: RenderOptions = {}): string {
  const notes = options.notes ?? true;
  const blocks: Block[] = [];
  const add = (cpu: number, lines: readonly TraceLine[]): void => {
    const text = lines.map((l) => formatLine(l, notes));
    const last = blocks[blocks.length - 1];
    if (last && last.cpu === cpu) last.lines.push(...text);
    else if (text.length > 0) blocks.push({ cpu, lines: text });
  };
  for (const step of witness.steps) add(step.cpu, step.lines);
  for (const b of witness.blocked) add(b.thread, b.lines);

  const cpus = [...new Set(blocks.map((b) => b.cpu))].sort((a, b) => a - b);
  const column = new Map(cpus.map((cpu, i) => [cpu, i]));
  const widths = cpus.map((cpu) => Math.max(options.minWidth ?? 40, ...blocks.filter((b) => b.cpu === cpu).flatMap((b) => b.lines.map((l) => l.length + 3))));
  const row = (cells: Map<number, string>): string => {
    let out = '';
    cpus.forEach((_, i) => {
      const cell = cells.get(i) ?? '';
      out += i === cpus.length - 1 ? cell : cell.padEnd(widths[i]!);
    });
    return out.trimEnd();
  };
  const rows: string[] = [
    row(new Map(cpus.map((cpu, i) => [i, `CPU ${cpu}`]))),
    row(new Map(cpus.map((_, i) => [i, '-'.repeat(25)]))),
  ];
  blocks.forEach((block, i) => {
    if (i > 0) rows.push('');
    for (const line of block.lines) rows.push(row(new Map([[column.get(block.cpu)!, line]])));
  });
  return rows.join('\n') + '\n';
}
