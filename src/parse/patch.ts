// The patch and mail reader: unified diffs, `git format-patch` mails, mbox
// series, and review mails that quote a patch. Each modified file comes back
// as reconstructed post- and pre-patch C text, every line mapped to its place
// in the patch or mail, for the C reader to model. Bad input yields
// InputProblems, never an exception.

import type { FileModel, InputProblem, Origin } from '../model/types';
import type { CParser } from './treeSitter';
import { laterJunk, problemAt, refuseInput, splitLines } from './patch/input';
import { isMboxSeparator, splitMessages } from './patch/mail';
import { mergeModels, modelPatchedText, type PatchModelOptions } from './patch/model';
import { readQuotedFragments } from './patch/quoted';
import { buildPatchFile } from './patch/reconstruct';
import type { PatchFile, PatchedText, RawFile } from './patch/types';
import { readUnifiedDiffs } from './patch/unified';

export type { PatchFile, PatchedText } from './patch/types';
export type { PatchModelOptions } from './patch/model';
export { MAX_PATCH_CHARS } from './patch/input';

export interface PatchReadResult {
  files: PatchFile[];
  problems: InputProblem[];
  /** `mbox`: several messages; `mail`: one message with headers; `quoted`: only patches quoted in a reply. */
  kind: 'diff' | 'mail' | 'mbox' | 'quoted' | 'none';
}

export function readPatch(text: string, file: string): PatchReadResult {
  const refusal = refuseInput(text, file);
  if (refusal) return { files: [], problems: [refusal], kind: 'none' };

  const lines = splitLines(text);
  const problems: InputProblem[] = [];
  const junk = laterJunk(text, file);
  if (junk) problems.push(junk);

  const messages = splitMessages(lines, file);
  const diffFiles: RawFile[] = [];
  const quotedFiles: RawFile[] = [];
  for (const message of messages) {
    problems.push(...message.problems);
    const unified = readUnifiedDiffs(lines, message.start, message.end, file);
    const quoted = readQuotedFragments(lines, message.start, message.end, file);
    diffFiles.push(...unified.files);
    quotedFiles.push(...quoted.files);
    problems.push(...unified.problems, ...quoted.problems);
  }

  const kind: PatchReadResult['kind'] =
    diffFiles.length > 0
      ? messages.length > 1 ? 'mbox' : messages.some((m) => m.hasMailHeaders) ? 'mail' : 'diff'
      : quotedFiles.length > 0 ? 'quoted' : 'none';
  if (kind === 'none') {
    problems.push(problemAt(file, 0, 0, 0, 'info', 'no unified diff, patch mail or quoted patch found'));
  }
  // Files in the order the input shows them; a stable sort keeps patch order within a line.
  const firstLine = (raw: RawFile): number => raw.hunks[0]?.headerLine ?? 0;
  const files = [...diffFiles, ...quotedFiles].sort((a, b) => firstLine(a) - firstLine(b)).map(buildPatchFile);
  problems.sort((a, b) => a.loc.line - b.loc.line || a.loc.col - b.loc.col);
  return { files, problems, kind };
}

/**
 * Reads a patch or mail and models every reconstructed text with the C
 * reader: post-patch sides as `patch-post`, pre-patch sides as `patch-pre`.
 * Locations point into `file`; each function's `file` is the path the patch
 * modifies (or the synthetic name of a quoted fragment).
 */
export function modelPatch(parser: CParser, text: string, file: string, options: PatchModelOptions): FileModel {
  const read = readPatch(text, file);
  const parts: { model: FileModel; origin: Origin }[] = [];
  const model = (patched: PatchedText, origin: Origin): void => {
    if (patched.text !== '') parts.push({ model: modelPatchedText(parser, patched, origin, file, options), origin });
  };
  for (const patchFile of read.files) {
    patchFile.post.forEach((post) => model(post, 'patch-post'));
    patchFile.pre.forEach((pre) => model(pre, 'patch-pre'));
  }
  return mergeModels(file, parts, read.problems);
}

/** Only the start of a file is sniffed: a patch shows itself early. */
const SNIFF_CHARS = 256 * 1024;
const DIFF_GIT = /^diff --git /m;
const FILE_HEADER = /^--- \S.*\r?\n\+\+\+ \S/m;
const HUNK_LINE = /^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@/m;
/** A quoted added or removed line that ends like C: `> +\tfoo();`, `>+}`. */
const QUOTED_CODE_LINE = /^(?:> ?)+[+-](?![+-]{2} ).*[;{}][ \t]*\r?$/gm;

/** Cheap sniff used by the workspace loader to route .txt/.eml/.mbox/.patch files. */
export function looksLikePatch(text: string): boolean {
  const head = text.length > SNIFF_CHARS ? text.slice(0, SNIFF_CHARS) : text;
  if (DIFF_GIT.test(head) || FILE_HEADER.test(head) || HUNK_LINE.test(head)) return true;
  const firstLine = head.slice(0, head.indexOf('\n') === -1 ? head.length : head.indexOf('\n')).replace(/\r$/, '');
  if (isMboxSeparator(firstLine)) return true;
  // Two quoted C lines: one could be a quoted bullet point.
  const quotedCode = head.match(QUOTED_CODE_LINE);
  return quotedCode !== null && quotedCode.length >= 2;
}
