// Reads a web diff view of a locking doc (LXR's "diff markup" page) back into
// its two versions. Each row holds the left version's line number and text,
// cut to a fixed width, a marker (`<<` left only, `>>` right only, `!!`
// changed, blank for same), then the right version's number and full text.

import type { InputProblem } from '../model/types';
import type { Cut, DocLine, LockDoc } from './lockingDocText';

/** The page's title line: "Differences between A (Version X) and B (Version Y)". */
const HEADER = /^Differences between (\S+)(?: \(Version ([^)]*)\))? and (\S+)(?: \(Version ([^)]*)\))?\s*$/;
/** LXR's left column when no marker shows where it ends: `%3d %-46s`. */
const DEFAULT_LEFT_WIDTH = 46;
const MARKERS = new Set(['<<', '>>', '!!']);

export interface DiffView {
  left: LockDoc;
  right: LockDoc;
  problems: InputProblem[];
}

export function isDiffView(lines: readonly string[]): boolean {
  return lines.some((line) => HEADER.test(line));
}

interface Layout {
  numberWidth: number;
  leftStart: number;
  leftWidth: number;
  markerCol: number;
  rightNumberStart: number;
  rightStart: number;
}

/** Column positions, measured from the rows themselves rather than assumed. */
function measureLayout(rows: readonly string[]): Layout | undefined {
  const numbered = rows.map((row) => /^ *\d+ /.exec(row)).find((m) => m !== null);
  if (!numbered) return undefined;
  const numberWidth = numbered[0].length - 1;
  const leftStart = numberWidth + 1;
  const votes = new Map<number, number>();
  for (const row of rows) {
    for (const m of row.matchAll(/ (<<|>>|!!)(?= |$)/g)) {
      const col = m.index + 1;
      if (col > leftStart) votes.set(col, (votes.get(col) ?? 0) + 1);
    }
  }
  let markerCol = leftStart + DEFAULT_LEFT_WIDTH + 1;
  let best = 0;
  for (const [col, count] of votes) if (count > best) [markerCol, best] = [col, count];
  const rightNumberStart = markerCol + 3;
  return {
    numberWidth, leftStart, leftWidth: markerCol - 1 - leftStart, markerCol,
    rightNumberStart, rightStart: rightNumberStart + numberWidth + 1,
  };
}

interface Row {
  row: number;
  marker: string;
  leftNumber: number | undefined;
  rightNumber: number | undefined;
  leftRaw: string;
  rightText: string;
}

function readRow(text: string, row: number, layout: Layout): Row | undefined {
  const leftField = text.slice(0, layout.numberWidth);
  const marker = text.slice(layout.markerCol, layout.markerCol + 2);
  const rightField = text.slice(layout.rightNumberStart, layout.rightNumberStart + layout.numberWidth);
  if (!/^ *\d*$/.test(leftField) || !/^ *\d*$/.test(rightField)) return undefined;
  if (marker.trim() !== '' && !MARKERS.has(marker)) return undefined;
  const leftNumber = leftField.trim() === '' ? undefined : Number(leftField);
  const rightNumber = rightField.trim() === '' ? undefined : Number(rightField);
  if (leftNumber === undefined && rightNumber === undefined) return undefined;
  return {
    row, marker, leftNumber, rightNumber,
    leftRaw: text.slice(layout.leftStart, layout.leftStart + layout.leftWidth),
    rightText: text.slice(layout.rightStart).trimEnd(),
  };
}

/** Whether the left column's fixed width cut this text, and how. */
function leftCut(raw: string, width: number): Cut {
  if (raw.length < width) return 'none';
  if (raw.charAt(width - 1) !== ' ') return 'in-word';
  return raw.trimEnd().length === width - 1 ? 'at-space' : 'none';
}

export function readDiffView(lines: readonly string[], file: string): DiffView {
  const problems: InputProblem[] = [];
  const headerIndex = lines.findIndex((line) => HEADER.test(line));
  const header = HEADER.exec(lines[headerIndex] ?? '');
  const left: LockDoc = { file, label: header?.[2] ?? header?.[1] ?? 'left', lines: [] };
  const right: LockDoc = { file, label: header?.[4] ?? header?.[3] ?? 'right', lines: [] };
  const view = { left, right, problems };

  let first = headerIndex + 1;
  while (first < lines.length && (lines[first] ?? '').trim() === '') first++;
  const body = lines.slice(first);
  const layout = measureLayout(body.slice(0, 200));
  if (!layout) {
    problems.push({
      loc: { file, line: headerIndex, col: 0, endLine: headerIndex, endCol: (lines[headerIndex] ?? '').length },
      severity: 'warning', message: 'diff view header without numbered rows under it; nothing read',
    });
    return view;
  }

  for (let i = first; i < lines.length; i++) {
    const row = readRow(lines[i] ?? '', i, layout);
    if (!row) break; // the page footer starts where the numbered rows stop
    const same = row.marker.trim() === '';
    if (row.leftNumber !== undefined) {
      // Unchanged rows show the full text only on the right: both versions read it there.
      const line: DocLine = same && row.rightNumber !== undefined
        ? { text: row.rightText, row: i, col: layout.rightStart, cut: 'none' }
        : { text: row.leftRaw.trimEnd(), row: i, col: layout.leftStart, cut: leftCut(row.leftRaw, layout.leftWidth) };
      addLine(left, row.leftNumber, line, problems);
    }
    if (row.rightNumber !== undefined) {
      addLine(right, row.rightNumber, { text: row.rightText, row: i, col: layout.rightStart, cut: 'none' }, problems);
    }
  }
  return view;
}

/** Appends a version's line, reporting rows the page left out. */
function addLine(doc: LockDoc, number: number, line: DocLine, problems: InputProblem[]): void {
  const expected = doc.lines.length + 1;
  if (number !== expected) {
    problems.push({
      loc: { file: doc.file, line: line.row, col: 0, endLine: line.row, endCol: line.col },
      severity: 'warning',
      message: `the diff view jumps to line ${number} of ${doc.label ?? 'this version'} where line ${expected} was due; rules on the lines between cannot be read`,
    });
  }
  doc.lines.push(line);
}
