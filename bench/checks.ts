// Checks benchmark (issue: findings): all checks over a 10,000-line file
// (< 300 ms), over 500 files (< 10 s), and re-checking one edited file with
// the other files' models cached (< 100 ms). Prints per-check times too.

import { CParser } from '../src/parse/treeSitter';
import { readSource } from '../src/parse/workspace';
import type { PrimitiveTable } from '../src/model/primitives';
import type { FileModel } from '../src/model/types';
import { checkInput } from '../src/check/input';
import { CHECKS, runChecks } from '../src/check/registry';
import { generateC } from './generate';
import { evaluateCorpus, precisionRecall } from '../test/check/corpus';
import { resolve } from 'node:path';

function time<T>(run: () => T): { ms: number; result: T } {
  const start = performance.now();
  const result = run();
  return { ms: performance.now() - start, result };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

export function benchChecks(parser: CParser, table: PrimitiveTable): void {
  console.log('\nFindings: every check (RL001-RL009)');
  const text = generateC(10_000);
  const runs: number[] = [];
  let count = 0;
  for (let r = 0; r < 5; r++) {
    const t = time(() => runChecks(checkInput([readSource(parser, 'gen10k.c', text, { table })])));
    runs.push(t.ms);
    count = t.result.length;
  }
  console.log(`  10,000-line file, read + all checks: ${median(runs).toFixed(0)} ms median of 5 (bar < 300 ms), ${count} findings`);

  const models: FileModel[] = Array.from({ length: 500 }, (_, i) => readSource(parser, `tree/file${i}.c`, generateC(400, i + 1), { table }));
  // The first run over these models walks everything: what a CI run or the editor's first index pays.
  const first = time(() => checkInput(models));
  const input = first.result;
  const perCheck = CHECKS.map((c) => ({ codes: c.codes.join('/'), ms: time(() => c.check(input)).ms }));
  const cold = first.ms + perCheck.reduce((n, c) => n + c.ms, 0);
  const again = time(() => runChecks(checkInput(models)));
  console.log(`  500 files (already read), every check, first run: ${cold.toFixed(0)} ms (bar < 10 s; call graph ${first.ms.toFixed(0)} ms, ` +
    `${perCheck.map((c) => `${c.codes} ${c.ms.toFixed(0)} ms`).join(', ')}); run again with nothing changed: ${again.ms.toFixed(0)} ms`);

  const edits: { read: number; graph: number; checks: number; total: number }[] = [];
  for (let r = 0; r < 7; r++) {
    // Each round reads file0 afresh: its model is new, so its own roots are walked again.
    const edited = generateC(400, 1).replace('mutex_lock(&kvm->lock);', `mutex_lock(&kvm->lock);\n\tcond_resched(); /* ${r} */`);
    const next = [...models];
    const read = time(() => (next[0] = readSource(parser, 'tree/file0.c', edited, { table })));
    const graph = time(() => checkInput(next, [], input));
    const checks = time(() => runChecks(graph.result));
    edits.push({ read: read.ms, graph: graph.ms, checks: checks.ms, total: read.ms + graph.ms + checks.ms });
  }
  const typical = [...edits].sort((a, b) => a.total - b.total)[Math.floor(edits.length / 2)]!;
  console.log(`  re-check after editing one of 500 files, the others' models and walks cached: ${typical.total.toFixed(0)} ms median of ${edits.length} ` +
    `(re-read ${typical.read.toFixed(0)} ms, call graph and roots ${typical.graph.toFixed(0)} ms, all checks ${typical.checks.toFixed(0)} ms; ` +
    `${Math.min(...edits.map((e) => e.total)).toFixed(0)}–${Math.max(...edits.map((e) => e.total)).toFixed(0)} ms) (bar < 100 ms)`);

  const cases = evaluateCorpus(parser, resolve('test/fixtures'));
  const score = precisionRecall(cases);
  const correct = cases.filter((c) => c.correct);
  console.log(`  quality corpus (${correct.length} correct files, ${cases.length - correct.length} buggy twins): precision ${score.precision.toFixed(3)}, ` +
    `recall ${score.recall.toFixed(3)} (${score.tp} found, ${score.fp} false, ${score.fn} missed); ` +
    `findings on correct code: ${correct.reduce((n, c) => n + c.actual.length, 0)}`);
}
