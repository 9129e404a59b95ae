// `racelens check`: every check over files, folders, patches and mails. When
// the inputs hold a patch, the findings it introduces and removes come first.

import { checkInput } from '../check/input';
import { runChecks } from '../check/registry';
import { hasPatch, reviewPatch } from '../check/patchReview';
import { applySuppressions, suppressionProblems } from '../check/suppress';
import type { Finding } from '../check/finding';
import { unknownLockLikeCalls } from '../model/unknownPrimitives';
import { renderFindingsJson, renderFindingsSarif, renderFindingsText } from '../report/findings';
import type { Args, Loaded } from './main';

/** The package version, put in by esbuild.mjs at bundle time. */
declare const RACELENS_VERSION: string;

export function runCheck(args: Args, { models, entries, sources }: Loaded): number {
  const input = checkInput(models, entries);
  const problems = [...models.flatMap((m) => m.problems), ...unknownLockLikeCalls(models, input.graph), ...suppressionProblems(sources)];
  const review = hasPatch(models) ? reviewPatch(models, entries) : undefined;
  const findings = applySuppressions(review ? review.after : runChecks(input), sources);
  const timeline = args.flags.has('--timeline');
  if (args.flags.has('--sarif')) {
    process.stdout.write(renderFindingsSarif(review ? applySuppressions([...review.introduced, ...review.removed], sources) : findings, RACELENS_VERSION));
  } else if (args.flags.has('--json')) {
    const json = JSON.parse(renderFindingsJson(findings, problems)) as Record<string, unknown>;
    if (review) json.patch = { introduced: applySuppressions(review.introduced, sources), removed: review.removed };
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  } else if (review) {
    const introduced = applySuppressions(review.introduced, sources);
    process.stdout.write(`Patch review: ${introduced.length} introduced, ${review.removed.length} removed, ` +
      `${findings.length - introduced.length} already there\n`);
    process.stdout.write(renderFindingsText([...introduced, ...review.removed], problems, { timeline }));
  } else {
    process.stdout.write(renderFindingsText(findings, problems, { timeline }));
  }
  // With a patch, CI fails on what the patch brings in; otherwise on any error.
  const failing: Finding[] = review ? review.introduced : findings;
  return failing.some((f) => !f.suppressed && f.severity === 'error') ? 1 : 0;
}
