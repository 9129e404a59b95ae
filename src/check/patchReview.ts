// Patch review: the findings a patch introduces and the ones it removes.
// The same checks run twice over the same inputs, once with every patched
// function as the patch leaves it and once as it was before; findings are
// matched between the two by what they say, not where (lines move).

import { checkInput } from './input';
import { runChecks } from './registry';
import type { Finding } from './finding';
import type { FileModel, FunctionSummary } from '../model/types';

export interface PatchReview {
  /** Findings with the patch applied that were not there before, reworded to say so. */
  introduced: Finding[];
  /** Findings before the patch that it makes go away, at their pre-patch lines. */
  removed: Finding[];
  /** Every finding with the patch applied. */
  after: Finding[];
}

/** True when some input is a patch (or a mail quoting one) with functions in it. */
export function hasPatch(files: readonly FileModel[]): boolean {
  return files.some((f) => f.functions.some((fn) => fn.origin === 'patch-post' || fn.origin === 'patch-pre'));
}

/** The inputs as they were before the patch: pre-images stand in for the patched functions. */
function beforePatch(files: readonly FileModel[]): FileModel[] {
  return files.map((file) => ({
    ...file,
    functions: file.functions
      .filter((fn) => fn.origin !== 'patch-post')
      .map((fn): FunctionSummary => (fn.origin === 'patch-pre' ? { ...fn, origin: 'c' } : fn)),
  }));
}

/**
 * "this patch adds the edge A → B, which closes the cycle ..." when a step of
 * a lock cycle sits in the patch; otherwise just "this patch introduces: ...".
 */
function introducedMessage(finding: Finding, patchFiles: ReadonlySet<string>): string {
  for (const step of finding.related) {
    if (!patchFiles.has(step.loc.file)) continue;
    const edge = /^(\S+) taken here while (\S+) held/.exec(step.message);
    if (edge) return `this patch adds the edge ${edge[2]} → ${edge[1]}, which closes the ${finding.message}`;
  }
  return `this patch introduces: ${finding.message}`;
}

/** What a finding says, without where: line numbers shift between the two sides. */
function identity(finding: Finding): string {
  return `${finding.code}|${finding.message.replace(/\d+/g, '#')}`;
}

export function reviewPatch(files: readonly FileModel[], entries: readonly string[] = []): PatchReview {
  const after = runChecks(checkInput(files, entries));
  const before = runChecks(checkInput(beforePatch(files), entries));
  const beforeKeys = new Set(before.map(identity));
  const afterKeys = new Set(after.map(identity));
  const patchFiles = new Set(files.filter((f) => hasPatch([f])).map((f) => f.file));
  const introduced = after
    .filter((f) => !beforeKeys.has(identity(f)))
    .map((f) => ({ ...f, message: introducedMessage(f, patchFiles) }));
  const removed = before
    .filter((f) => !afterKeys.has(identity(f)))
    .map((f) => ({ ...f, severity: 'info' as const, message: `this patch removes: ${f.message}` }));
  return { introduced, removed, after };
}
