// Several exported models in one verifier, so that a batch of scenarios
// costs one gcc run instead of one each (compiling pan.c takes far longer
// than checking a small model). Each model's names carry its own prefix;
// the processes are no longer `active`: `init` starts those of the model
// that the environment variable RACELENS_SCENARIO selects, read by embedded
// C when pan runs (Spin manual: "c_decl", "c_expr"). Every pan run still
// explores exactly one model.

import type { Scenario } from '../scenario';
import { PRELUDE } from './encoding';
import { promelaModel, scratchDeclaration, type PromelaModel, type PromelaOptions } from './export';

export const SCENARIO_VARIABLE = 'RACELENS_SCENARIO';

export interface Batch {
  text: string;
  /** The models, in order: model k runs when RACELENS_SCENARIO is k. */
  models: PromelaModel[];
}

export function promelaBatch(items: readonly { scenario: Scenario; options?: PromelaOptions }[]): Batch {
  const models = items.map((item, k) => promelaModel(item.scenario, { ...item.options, prefix: `s${k}_` }));
  const scratch = Math.max(0, ...models.map((m) => m.parts.scratch));
  const choices = models.map((m, k) => `  :: c_expr { racelens_chosen == ${k} } -> atomic { ${m.parts.proctypes.map((p) => `run ${p.name}()`).join('; ')} }`);
  const text = [
    `/* RaceLens: ${models.length} scenarios in one verifier; ${SCENARIO_VARIABLE}=k selects the k-th. */`,
    ...PRELUDE,
    ...models.flatMap((m) => m.parts.macros),
    // Spin takes a call in c_expr for a side effect: the choice is read once by c_code, then compared.
    'c_decl {',
    '  int racelens_chosen = -1;',
    `  void racelens_choose(void) { const char *k = getenv("${SCENARIO_VARIABLE}"); racelens_chosen = k ? atoi(k) : 0; }`,
    '}',
    ...models.flatMap((m) => m.parts.declarations),
    ...scratchDeclaration(scratch),
    '',
    ...models.flatMap((m) => m.parts.proctypes.map((p) => `${p.text}\n`)),
    'init {',
    '  c_code { racelens_choose(); };',
    '  if',
    ...choices,
    '  fi',
    '}',
  ].join('\n');
  return { text, models };
}
