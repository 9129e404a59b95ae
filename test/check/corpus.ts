// The quality corpus: every correct fixture (`*.fixed.c`, `*_ok.c`) must give
// zero findings from all checks together; every buggy twin must give exactly
// the findings its caret comments (`// ^ RL00x`) ask for. Shared by the
// corpus test and the benchmark, which prints precision and recall.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readSource } from '../../src/parse/workspace';
import { primitiveTable } from '../../src/model/primitives';
import { checkInput } from '../../src/check/input';
import { runChecks, SUPERSEDES } from '../../src/check/registry';
import type { CParser } from '../../src/parse/treeSitter';
import type { FileModel } from '../../src/model/types';

export const CORPUS_DIRS = ['order', 'context', 'completion'];

export interface CorpusCase { dir: string; file: string; correct: boolean; expected: string[]; actual: string[] }

/** `CODE file:line` for each caret comment: the caret's line flags the line above it. */
function carets(file: string, text: string): string[] {
  return text.split('\n').flatMap((line, i) => {
    const m = /^\s*\/\/\s*\^\s*((?:RL\d{3}\s*)+)/.exec(line);
    return (m?.[1]?.trim().split(/\s+/) ?? []).map((code) => `${code} ${file}:${i}`);
  });
}

export function evaluateCorpus(parser: CParser, fixtures: string): CorpusCase[] {
  const { table } = primitiveTable();
  const cases: CorpusCase[] = [];
  for (const dir of CORPUS_DIRS) {
    const folder = join(fixtures, 'check', dir);
    const names = readdirSync(folder).sort();
    // A locking.rst in the folder documents the order every case there is held to.
    const docs: FileModel[] = names.filter((n) => n.endsWith('.rst')).map((n) => readSource(parser, n, readFileSync(join(folder, n), 'utf8'), { table }));
    for (const file of names.filter((n) => n.endsWith('.c'))) {
      const text = readFileSync(join(folder, file), 'utf8');
      const findings = runChecks(checkInput([readSource(parser, file, text, { table }), ...docs]));
      const actual = findings.filter((f) => f.loc.file === file).map((f) => `${f.code} ${f.loc.file}:${f.loc.line + 1}`);
      // A fixture written for one check carets that check's code; where the
      // registry reports the call under a code that supersedes it, expect that.
      const expected = carets(file, text).map((e) => {
        const rule = SUPERSEDES.find(([winner, loser]) => e.startsWith(`${loser} `) && actual.includes(e.replace(loser, winner)));
        return rule ? e.replace(rule[1], rule[0]) : e;
      });
      cases.push({ dir, file, correct: /(?:\.fixed|_ok)\.c$/.test(file), expected, actual });
    }
  }
  return cases;
}

export function precisionRecall(cases: readonly CorpusCase[]): { tp: number; fp: number; fn: number; precision: number; recall: number } {
  let tp = 0; let fp = 0; let fn = 0;
  for (const c of cases) {
    const expected = new Set(c.expected);
    const actual = new Set(c.actual);
    for (const a of actual) {
      if (expected.has(a)) tp++;
      else fp++;
    }
    for (const e of expected) if (!actual.has(e)) fn++;
  }
  return { tp, fp, fn, precision: tp / Math.max(1, tp + fp), recall: tp / Math.max(1, tp + fn) };
}
