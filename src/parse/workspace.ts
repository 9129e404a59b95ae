// Routes each input to its reader by extension and by content, so a review
// mail saved as .txt is read as a patch and a locking.rst diff page as rules.
// One bad file yields problems with locations; it never stops the others.

import { extname } from 'node:path';
import type { CParser } from './treeSitter';
import { inputProblem, readC, type CReuse } from './cReader';
import { findFences } from './markdown';
import { readNotes } from './notes';
import { findTimelines } from './timeline';
import { looksLikeLockingDoc, readLockingDoc } from './lockingDoc';
import { looksLikePatch, modelPatch } from './patch';
import type { Aliases } from '../model/objects';
import type { PrimitiveTable } from '../model/primitives';
import { emptyFileModel, type FileModel, type Stmt, type Timeline } from '../model/types';

export interface ReadOptions {
  table: PrimitiveTable;
  aliases?: Aliases;
  /** For a `.c` or `.h` file being edited: what its last read left for this one (cReader.ts). */
  reuse?: CReuse;
}

/** Extensions RaceLens reads; everything else in a folder is skipped. */
export const SOURCE_EXTENSIONS = new Set(['.c', '.h', '.rlnotes', '.md', '.txt', '.patch', '.diff', '.mbox', '.eml', '.rst']);

const CPU_HEADER = /^\s*CPU\s*\d+:?\s{2,}CPU\s*\d+/;

export function readSource(parser: CParser, file: string, text: string, options: ReadOptions): FileModel {
  const problem = inputProblem(text);
  if (problem) {
    const model = emptyFileModel(file);
    model.problems.push({ loc: { file, line: 0, col: 0, endLine: 0, endCol: 0 }, severity: 'error', message: problem });
    return model;
  }
  try {
    return route(parser, file, text, options);
  } catch (error) {
    // A reader bug must not take the workspace down; say where it happened.
    const model = emptyFileModel(file);
    model.problems.push({
      loc: { file, line: 0, col: 0, endLine: 0, endCol: 0 },
      severity: 'error',
      message: `internal error while reading this file: ${error instanceof Error ? error.message : String(error)}`,
    });
    return model;
  }
}

function route(parser: CParser, file: string, text: string, { reuse, ...options }: ReadOptions): FileModel {
  const ext = extname(file).toLowerCase();
  if (ext === '.c' || ext === '.h') return readC(parser, text, file, reuse ? { ...options, reuse } : options);
  if (ext === '.rlnotes') return readNotesRegion(parser, file, text.split(/\r?\n/), 0, options, emptyFileModel(file));
  if (ext === '.patch' || ext === '.diff' || ext === '.mbox' || ext === '.eml') return modelPatch(parser, text, file, options);
  if (ext === '.rst') return readDoc(file, text, emptyFileModel(file));
  return readProse(parser, file, text, options);
}

/** Markdown, mails and web pages: fences with notes or C, quoted patches, locking docs. */
function readProse(parser: CParser, file: string, text: string, options: ReadOptions): FileModel {
  const model = emptyFileModel(file);
  const { fences, problems } = findFences(text, file);
  model.problems.push(...problems);
  for (const fence of fences) {
    if (isNotes(fence.lines)) readNotesRegion(parser, file, fence.lines, fence.firstLine, options, model);
    else if (/^(?:c|h)$/.test(fence.lang)) {
      const lineMap = (line: number, col: number) => ({ file, line: fence.firstLine + line, col });
      merge(model, readC(parser, fence.lines.join('\n'), file, { ...options, mapLoc: lineMap }));
    }
  }
  if (looksLikePatch(text)) merge(model, modelPatch(parser, text, file, options));
  if (looksLikeLockingDoc(text)) readDoc(file, text, model);
  return model;
}

/** A fence holds notes when it has arrow lines or a CPU timeline. */
function isNotes(lines: readonly string[]): boolean {
  return lines.some((l) => /^\s*(?:->|=>)\s*\S/.test(l) || CPU_HEADER.test(l));
}

function readDoc(file: string, text: string, model: FileModel): FileModel {
  const doc = readLockingDoc(text, file);
  model.rules.push(...doc.rules);
  model.references.push(...doc.references);
  model.problems.push(...doc.problems);
  return model;
}

/** Notes, then any CPU timeline that follows them in the same region. */
function readNotesRegion(parser: CParser, file: string, lines: readonly string[], firstLine: number, options: ReadOptions, model: FileModel): FileModel {
  const header = lines.findIndex((l) => CPU_HEADER.test(l) || /^\s*CPU\d+\s{2,}CPU\d+/.test(l));
  const notesLines = header >= 0 ? lines.slice(0, header) : lines;
  const notes = readNotes(parser, notesLines, file, firstLine, options);
  model.functions.push(...notes.functions);
  model.problems.push(...notes.problems);
  if (notes.assertions.length > 0) (model.assertions ??= []).push(...notes.assertions);
  if (header >= 0) {
    const found = findTimelines(lines.slice(header), file, firstLine + header);
    for (const timeline of found.timelines) readEvents(parser, file, timeline, options);
    model.timelines.push(...found.timelines);
    model.problems.push(...found.problems);
  }
  return model;
}

/** Each timeline event is a notes line: read its C so replay knows what it does. */
function readEvents(parser: CParser, file: string, timeline: Timeline, options: ReadOptions): void {
  // One line per event, at its own column; only the per-line C is wanted here.
  const lines = timeline.events.map((e) => `${' '.repeat(e.loc.col)}${e.text.trim()}`);
  const { parsed } = readNotes(parser, lines, file, 0, options);
  timeline.events.forEach((event, i) => {
    const stmts = parsed.get(i) ?? [];
    const main = [...stmts].reverse().find((s) => s.kind === 'call') ?? stmts[0];
    if (main) event.stmt = relocate(main, event.loc.line);
  });
}

/** Moves a statement parsed out of place to its real line. */
function relocate<T extends Stmt>(stmt: T, line: number): T {
  return { ...stmt, loc: { ...stmt.loc, line, endLine: line } };
}

function merge(into: FileModel, from: FileModel): void {
  into.functions.push(...from.functions);
  into.opsBindings.push(...from.opsBindings);
  into.objects.push(...from.objects);
  into.timelines.push(...from.timelines);
  into.rules.push(...from.rules);
  into.references.push(...from.references);
  into.problems.push(...from.problems);
}
