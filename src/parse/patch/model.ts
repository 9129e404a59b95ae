// Runs the C reader over every reconstructed side of a patch and joins the
// results into one FileModel for the patch or mail file: locations point into
// that file, functions are filed under the path the patch modifies.

import { readC, type CReadOptions } from '../cReader';
import type { CParser } from '../treeSitter';
import type { FileModel, InputProblem, Origin, SourceLoc } from '../../model/types';
import { emptyFileModel } from '../../model/types';
import type { PatchedText } from './types';

/** What readC needs besides what the patch reader supplies itself. */
export type PatchModelOptions = Omit<CReadOptions, 'origin' | 'mapLoc'>;

/** Translates a position in `patched.text` to the patch or mail file. */
export function locationMapper(patched: PatchedText, file: string): (line: number, col: number) => { file: string; line: number; col: number } {
  const lengths = patched.text.split('\n').map((text) => text.length);
  return (line, col) => {
    const mapped = patched.lines[line];
    if (mapped) return { file, line: mapped.line, col: mapped.col + col };
    // Past the last line (tree-sitter's end of input): the end of the last line.
    const lastIndex = patched.lines.length - 1;
    const last = patched.lines[lastIndex];
    return last ? { file, line: last.line, col: last.col + (lengths[lastIndex] ?? 0) } : { file, line: 0, col: 0 };
  };
}

/** Models one side of one hunk group; readC's own unmapped locations (whole-text problems) are mapped too. */
export function modelPatchedText(
  parser: CParser, patched: PatchedText, origin: Origin, file: string, options: PatchModelOptions,
): FileModel {
  const mapLoc = locationMapper(patched, file);
  const model = readC(parser, patched.text, patched.targetPath, { ...options, origin, mapLoc });
  const fixLoc = (loc: SourceLoc): SourceLoc => {
    if (loc.file === file) return loc;
    const start = mapLoc(loc.line, loc.col);
    const end = mapLoc(loc.endLine, loc.endCol);
    return { file, line: start.line, col: start.col, endLine: end.line, endCol: end.col };
  };
  model.problems = model.problems.map((p: InputProblem) => ({ ...p, loc: fixLoc(p.loc) }));
  for (const fn of model.functions) fn.file = patched.targetPath;
  return model;
}

/**
 * Joins per-text models; a declaration both sides show (a context line) is
 * kept once. Ops bindings come from post-patch texts only: a binding carries
 * no origin, and one the patch removes must not stay in the call graph.
 */
export function mergeModels(file: string, parts: readonly { model: FileModel; origin: Origin }[], problems: readonly InputProblem[]): FileModel {
  const merged = emptyFileModel(file);
  merged.problems.push(...problems);
  const seen = new Set<string>();
  const firstTime = (key: string): boolean => {
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  const at = (loc: SourceLoc): string => `${loc.line}:${loc.col}`;
  for (const { model: part, origin } of parts) {
    merged.functions.push(...part.functions);
    if (origin === 'patch-post') {
      merged.opsBindings.push(...part.opsBindings.filter((b) => firstTime(`ops ${b.table}.${b.member}=${b.target}@${at(b.loc)}`)));
    }
    merged.objects.push(...part.objects.filter((o) => firstTime(`object ${o.id}:${o.type}@${at(o.loc)}`)));
    merged.timelines.push(...part.timelines);
    merged.rules.push(...part.rules);
    merged.references.push(...part.references);
    merged.problems.push(...part.problems.filter((p) => firstTime(`problem ${p.message}@${at(p.loc)}`)));
  }
  return merged;
}
