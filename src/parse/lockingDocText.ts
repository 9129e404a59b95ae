// Shared pieces of the locking-doc reader: a document as lines that remember
// where they sit in the input file, runs of prose joined across lines with a
// position for every character, and lock names as prose writes them.

import type { SourceLoc } from '../model/types';
import { implicitObject, objectRef } from '../model/objects';
import { BUILTIN_PRIMITIVES } from '../model/primitives';

/**
 * How a diff view's fixed-width column cut a line: `in-word` when text runs
 * into the last column (a name may be cut in half), `at-space` when it stops
 * one short of it (the line very likely went on after a space).
 */
export type Cut = 'none' | 'in-word' | 'at-space';

/** One line of a reconstructed document and where its text sits in the input. */
export interface DocLine {
  text: string;
  /** 0-based line of the input file. */
  row: number;
  /** Input column of `text[0]`. */
  col: number;
  cut: Cut;
}

/** A plain .rst file, or one version of a diff view. */
export interface LockDoc {
  file: string;
  /** The version's name in a diff view (`linux-6.12-rc7`); undefined for a plain file. */
  label: string | undefined;
  lines: DocLine[];
}

/** Stands in a run's text for what a diff view cut off. */
export const CUT_MARK = '\u2026';

/** A position in a document: index into `lines`, column in that line's text. */
export interface DocPos {
  line: number;
  col: number;
}

/** A piece of one line: text starting at `col` of document line `line`. */
export interface Segment {
  line: number;
  col: number;
  text: string;
}

/** Prose joined from segments with single spaces; `at[i]` is where character i came from. */
export interface Run {
  text: string;
  at: DocPos[];
}

export function buildRun(doc: LockDoc, segments: readonly Segment[]): Run {
  let text = '';
  const at: DocPos[] = [];
  const push = (chars: string, pos: DocPos): void => {
    for (let i = 0; i < chars.length; i++) at.push(pos);
    text += chars;
  };
  for (const segment of segments) {
    if (text.length > 0) push(' ', at[at.length - 1] ?? { line: segment.line, col: segment.col });
    const body = segment.text.trimEnd();
    for (let i = 0; i < body.length; i++) push(body.charAt(i), { line: segment.line, col: segment.col + i });
    const cut = doc.lines[segment.line]?.cut ?? 'none';
    // The cut mark sits right after the last character: `cpus_read_lo…` means "a name cut in half".
    const end = { line: segment.line, col: segment.col + body.length };
    if (cut === 'in-word') push(CUT_MARK, end);
    else if (cut === 'at-space') push(` ${CUT_MARK}`, end);
  }
  return { text, at };
}

export function docLoc(doc: LockDoc, start: DocPos, end: DocPos): SourceLoc {
  const first = doc.lines[start.line];
  const last = doc.lines[end.line];
  return {
    file: doc.file,
    line: first?.row ?? 0,
    col: (first?.col ?? 0) + start.col,
    endLine: last?.row ?? 0,
    endCol: (last?.col ?? 0) + end.col,
  };
}

/** The location of characters [start, end) of a run. */
export function runLoc(doc: LockDoc, run: Run, start: number, end: number): SourceLoc {
  const first = run.at[start] ?? run.at[run.at.length - 1] ?? { line: 0, col: 0 };
  const lastChar = run.at[Math.max(start, end - 1)] ?? first;
  // A cut mark stands for nothing in the input: it ends where the text ended.
  const width = run.text.charAt(end - 1) === CUT_MARK ? 0 : 1;
  return docLoc(doc, first, { line: lastChar.line, col: lastChar.col + width });
}

/** Collapses line breaks and runs of spaces, for texts shown to the user. */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Drops rst inline-literal quotes: ``kvm->srcu`` reads as kvm->srcu. */
export function unquote(text: string): string {
  return text.replace(/``([^`]*)``/g, '$1');
}

/** A lock name as prose writes it, found at a position of a run's text. */
export interface NameMatch {
  start: number;
  end: number;
  /** The name without quotes or `&`: `kvm->srcu`, `cpus_read_lock()`. */
  name: string;
  /** The name runs into a cut mark: the diff view cut it in half. */
  partial: boolean;
}

const NAME_AT = /(``|`)?&?([A-Za-z_]\w*(?:(?:->|::|\.)[A-Za-z_]\w*)*)(\([^()]*\))?/y;
/** Words that look like dotted paths but are prose. */
const NOT_NAMES = /^(?:e\.g|i\.e|etc|vs|cf)$/i;

/**
 * The name starting exactly at `pos`, if any. Only text that looks like code
 * counts (`kvm->lock`, `kvm_lock`, `cpus_read_lock()`): plain words never do.
 */
export function nameAt(text: string, pos: number): NameMatch | undefined {
  NAME_AT.lastIndex = pos;
  const match = NAME_AT.exec(text);
  if (!match) return undefined;
  const quote = match[1] ?? '';
  const name = (match[2] ?? '') + (match[3] ?? '');
  let end = pos + match[0].length;
  if (text.charAt(end) === CUT_MARK) return { start: pos, end: end + 1, name, partial: true };
  if (quote !== '') {
    if (!text.startsWith(quote, end)) return undefined;
    end += quote.length;
  }
  if (!/[_>:.(]/.test(name) || NOT_NAMES.test(name)) return undefined;
  return { start: pos, end, name, partial: false };
}

/** Every name in a text, for completing cut names from the rest of the document. */
export function namesIn(text: string): NameMatch[] {
  const found: NameMatch[] = [];
  for (let pos = 0; pos < text.length; pos++) {
    if (pos > 0 && /[\w>:.&`]/.test(text.charAt(pos - 1))) continue;
    const match = nameAt(text, pos);
    if (match) {
      found.push(match);
      pos = match.end - 1;
    }
  }
  return found;
}

/**
 * The object class a lock name stands for: `kvm->lock` is `kvm.lock`,
 * `cpus_read_lock()` the implied `cpu_hotplug_lock`, `mutex_lock(&kvm->lock)`
 * its argument's class. Undefined when the name says no object.
 */
export function lockClass(name: string): string | undefined {
  const call = /^(\w+)\((.*)\)$/s.exec(name);
  if (!call) return objectRef(name)?.id;
  const primitive = call[1] ?? '';
  const object = BUILTIN_PRIMITIVES[primitive]?.object;
  if (typeof object === 'object') return implicitObject(object.implicit, primitive).id;
  if (typeof object === 'number') {
    const argument = (call[2] ?? '').split(',')[object];
    return argument === undefined ? undefined : objectRef(argument)?.id;
  }
  return undefined;
}
