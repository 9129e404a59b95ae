// Shared by the report tests: seed 000's notes read by the real readers, and
// hand-made witnesses for exact layouts.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readSource } from '../../src/parse/workspace';
import { primitiveTable } from '../../src/model/primitives';
import { checkInput, type CheckInput } from '../../src/check/input';
import type { SourceLoc } from '../../src/model/types';
import type { Witness, WitnessStep } from '../../src/sim';
import { loadParser } from '../helpers';

export const SEED = resolve('examples/seed000-race.rlnotes');

/** Seed 000's notes as the editor's engine reads them: the file keyed by its path. */
export async function seed000(): Promise<CheckInput> {
  const parser = await loadParser();
  const model = readSource(parser, SEED, readFileSync(SEED, 'utf8'), { table: primitiveTable().table });
  return checkInput([model]);
}

export const loc = (line: number, col = 0, file = 'notes.rlnotes'): SourceLoc => ({ file, line, col, endLine: line, endCol: col + 10 });

export interface StepSpec {
  cpu: number;
  action: string;
  line: number;
  objects?: Record<string, string>;
  note?: string;
}

/** A witness with one line per step, on the CPUs named by `labels`. */
export function witnessOf(labels: string[], steps: StepSpec[], blocked: Witness['blocked'] = []): Witness {
  return {
    schedule: steps.map((s) => String(s.cpu)).join(' '),
    threads: labels.map((label, i) => ({ thread: i, cpu: i, entry: label, label })),
    steps: steps.map((s, index): WitnessStep => ({
      index, thread: s.cpu, cpu: s.cpu, action: s.action, loc: loc(s.line), stack: [labels[s.cpu]!],
      lines: [{ text: s.action, loc: loc(s.line), depth: 1, kind: 'call', ...(s.note ? { note: s.note } : {}) }],
      objects: s.objects ?? {},
      ...(s.note ? { note: s.note } : {}),
    })),
    blocked,
  };
}
