// The reStructuredText structure a locking doc uses, and no more: section
// titles, paragraphs and list items (the prose rules live in), field lists
// (`:Type:` and friends), and what to skip: literal blocks after `::`,
// grid tables, comments and directives.

import type { LockDoc, Segment } from './lockingDocText';

export type Block =
  /** A paragraph or one paragraph of a list item, list marker removed. */
  | { kind: 'prose'; segments: Segment[] }
  /** A section title: the line above an adornment (`^^^^`, `----`). */
  | { kind: 'title'; line: number; col: number; text: string }
  /** `:Name: value` with its indented continuation lines. */
  | { kind: 'field'; name: string; line: number; col: number; segments: Segment[] };

const ADORNMENT = /^([!-/:-@[-`{-~])\1{2,}\s*$/;
const TABLE_LINE = /^\s*[+|]/;
const FIELD = /^(\s*):([^:\s`][^:`]*):(?:\s+|$)/;
const LIST_ITEM = /^(\s*)(?:[-*+]|\d+[.)]|#\.)\s+/;
const DIRECTIVE = /^(\s*)\.\.(?:\s|$)/;

const indentOf = (text: string): number => text.length - text.trimStart().length;

export function scanBlocks(doc: LockDoc): Block[] {
  const blocks: Block[] = [];
  const lines = doc.lines;
  let paragraph: Segment[] = [];
  /** Lines indented deeper than this belong to a literal block or directive being skipped. */
  let skipDeeperThan: number | undefined;

  const flush = (): void => {
    if (paragraph.length > 0) blocks.push({ kind: 'prose', segments: paragraph });
    paragraph = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]?.text ?? '';
    const indent = indentOf(text);
    if (skipDeeperThan !== undefined) {
      if (text.trim() === '' || indent > skipDeeperThan) continue;
      skipDeeperThan = undefined;
    }
    if (text.trim() === '') { flush(); continue; }

    if (ADORNMENT.test(text)) {
      // The paragraph's last line, if any, is the title this adornment underlines.
      const title = paragraph.pop();
      flush();
      if (title) blocks.push({ kind: 'title', line: title.line, col: title.col, text: title.text.trim() });
      continue;
    }
    if (TABLE_LINE.test(text)) { flush(); continue; }
    const directive = DIRECTIVE.exec(text);
    if (directive) { flush(); skipDeeperThan = indent; continue; }

    const field = FIELD.exec(text);
    if (field) {
      flush();
      i = readField(doc, i, field, blocks);
      continue;
    }
    const item = LIST_ITEM.exec(text);
    if (item) {
      flush();
      paragraph.push({ line: i, col: item[0].length, text: text.slice(item[0].length) });
    } else {
      paragraph.push({ line: i, col: indent, text: text.slice(indent) });
    }
    if (text.trimEnd().endsWith('::')) {
      // `::` ends the paragraph and opens a literal block of deeper-indented lines.
      flush();
      skipDeeperThan = indent;
    }
  }
  flush();
  return blocks;
}

/** Reads a field and its continuation lines; returns the index of its last line. */
function readField(doc: LockDoc, start: number, field: RegExpExecArray, blocks: Block[]): number {
  const indent = (field[1] ?? '').length;
  const text = doc.lines[start]?.text ?? '';
  const valueCol = field[0].length;
  const segments: Segment[] = [];
  if (text.slice(valueCol).trim() !== '') segments.push({ line: start, col: valueCol, text: text.slice(valueCol) });
  let last = start;
  for (let i = start + 1; i < doc.lines.length; i++) {
    const next = doc.lines[i]?.text ?? '';
    if (next.trim() === '') continue; // a blank line ends the field unless deeper lines follow
    if (indentOf(next) <= indent || FIELD.test(next)) break;
    segments.push({ line: i, col: indentOf(next), text: next.slice(indentOf(next)) });
    last = i;
  }
  blocks.push({ kind: 'field', name: (field[2] ?? '').trim(), line: start, col: indent, segments });
  return last;
}
