// `racelens check`: every check over files, folders, patches and mails.

import { checkInput } from '../check/input';
import { runChecks } from '../check/registry';
import { applySuppressions, suppressionProblems } from '../check/suppress';
import { unknownLockLikeCalls } from '../model/unknownPrimitives';
import { renderFindingsJson, renderFindingsSarif, renderFindingsText } from '../report/findings';
import type { Args, Loaded } from './main';

/** The package version, put in by esbuild.mjs at bundle time. */
declare const RACELENS_VERSION: string;

export function runCheck(args: Args, { models, entries, sources }: Loaded): number {
  const input = checkInput(models, entries);
  const findings = applySuppressions(runChecks(input), sources);
  const problems = [...models.flatMap((m) => m.problems), ...unknownLockLikeCalls(input.graph), ...suppressionProblems(sources)];
  if (args.flags.has('--sarif')) process.stdout.write(renderFindingsSarif(findings, RACELENS_VERSION));
  else if (args.flags.has('--json')) process.stdout.write(renderFindingsJson(findings, problems));
  else process.stdout.write(renderFindingsText(findings, problems, { timeline: args.flags.has('--timeline') }));
  return findings.some((f) => !f.suppressed && f.severity === 'error') ? 1 : 0;
}
