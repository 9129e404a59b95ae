// Reads CPU timelines: the side-by-side tables in which reviewers (and
// lockdep's "Possible unsafe locking scenario") show one interleaving of two
// or more CPUs. A header row names the columns (`CPU 0    CPU 1`, `CPU0`),
// an optional dashed rule follows, then each event sits in the column its
// first character lines up with; the rows, read top to bottom and left to
// right, give the order.
//
// Placement is judged on display columns (tabs to multiples of 8, CJK
// characters two cells wide), since that is how the author lined the table
// up; every reported location is a JS string index, as SourceLoc wants.

import { BUILTIN_PRIMITIVES } from '../model/primitives';
import type { InputProblem, SourceLoc, Timeline, TimelineEvent } from '../model/types';

const TAB_WIDTH = 8;
/** How far left of its header an event may start and still belong to it (lockdep indents CPU0's events 5 left of `CPU0`). */
const COLUMN_SLACK = 6;
/** The usual nesting step of notes: the width of `-> `. */
const DEFAULT_INDENT_STEP = 3;

/** `CPU 0`, `CPU0`, `CPU1:`, `CPU A`. */
const CPU_LABEL = /CPU ?(?:\d+|[A-Z])\b:?/gi;
/** A dashed (or `=`) rule; notes arrows `->` have a single dash, so they never qualify. */
const RULE_START = /^\s*[-=]{3,}/;
const RULE_ONLY = /^[\s\-=+|]*$/;
const RULE_SEGMENT = /[-=+|]+/g;
const DEADLOCK = /\*\*\*\s*DEADLOCK\s*\*\*\*/;
const MARKDOWN_HEADING = /^ {0,3}#{1,6}(?:\s|$)/;
const FENCE = /^\s*(?:`{3,}|~{3,})/;
/** Lines that only close blocks: structure, not something a CPU does. */
const BLOCK_CLOSE = /^\}[\s;]*$/;
/** An unprefixed call line, the way notes write an entry point: `kvm_vm_ioctl()`, `static_call(x)(kvm)`. */
const ENTRY_CALL = /^(?!(?:if|for|while|switch|return|sizeof|else|do|case|default|goto)\b)[A-Za-z_]\w*(?:\s*\([^;]*\))+$/;

export function findTimelines(lines: string[], file: string, firstLine = 0): { timelines: Timeline[]; problems: InputProblem[] } {
  const reader = new TimelineReader(lines, file, firstLine);
  reader.readAll();
  return { timelines: reader.timelines, problems: reader.problems };
}

/** One column of a header row. */
interface Column {
  label: string;
  /** String index of the label in the header line. */
  index: number;
  /** Display column of the label. */
  display: number;
  /** How far left of `display` an event may start and still belong here. */
  slack: number;
}

/** One event's text on a row, before depths are known. */
interface Piece {
  column: number;
  line: number;
  /** String indices of the text (comment excluded, trimmed). */
  start: number;
  end: number;
  /** Display column of the text's first character. */
  display: number;
  text: string;
  comment?: string;
}

/** A line with the display column of every string index (and of its end). */
class LaidOutLine {
  private readonly columns: number[] = [];

  constructor(readonly text: string) {
    let display = 0;
    for (let i = 0; i < text.length; i++) {
      this.columns.push(display);
      const code = text.codePointAt(i) ?? 0;
      if (text[i] === '\t') {
        display += TAB_WIDTH - (display % TAB_WIDTH);
      } else if (code > 0xffff) {
        // The low surrogate shares the cell of its pair.
        this.columns.push(display);
        i++;
        display += isWide(code) ? 2 : 1;
      } else {
        display += isWide(code) ? 2 : 1;
      }
    }
    this.columns.push(display);
  }

  displayAt(index: number): number {
    return this.columns[Math.min(index, this.text.length)] ?? 0;
  }
}

/** East Asian wide and fullwidth characters, which monospace editors draw two cells wide. */
function isWide(code: number): boolean {
  return (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0x303e) || (code >= 0x3041 && code <= 0x33ff)
    || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0x4e00 && code <= 0x9fff) || (code >= 0xa000 && code <= 0xa4cf)
    || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f)
    || (code >= 0xff00 && code <= 0xff60) || (code >= 0xffe0 && code <= 0xffe6) || (code >= 0x20000 && code <= 0x3fffd);
}

/** The columns of a header row, or undefined when the line is not one (labels separated by at least two spaces or a tab, nothing else). */
function readHeader(line: string): Column[] | undefined {
  if (!/^\s*CPU/i.test(line)) return undefined;
  const laidOut = new LaidOutLine(line);
  const columns: Column[] = [];
  let previousEnd = 0;
  for (const match of line.matchAll(CPU_LABEL)) {
    const gap = line.slice(previousEnd, match.index);
    const separated = columns.length === 0 ? gap.trim() === '' : /^\s+$/.test(gap) && (gap.length >= 2 || gap.includes('\t'));
    if (!separated) return undefined;
    const display = laidOut.displayAt(match.index);
    const previous = columns[columns.length - 1];
    const slack = previous ? Math.min(COLUMN_SLACK, Math.floor((display - previous.display) / 2)) : COLUMN_SLACK;
    columns.push({ label: match[0].replace(/:$/, ''), index: match.index, display, slack });
    previousEnd = match.index + match[0].length;
  }
  if (columns.length === 0 || line.slice(previousEnd).trim() !== '') return undefined;
  return columns;
}

/** An unprefixed call line starts a chain, unless it is a bare synchronization primitive (`spin_lock(&a)`), which is an operation. */
function isEntryCall(text: string): boolean {
  const callee = /^[A-Za-z_]\w*/.exec(text)?.[0];
  return ENTRY_CALL.test(text) && callee !== undefined && !Object.hasOwn(BUILTIN_PRIMITIVES, callee);
}

class TimelineReader {
  readonly timelines: Timeline[] = [];
  readonly problems: InputProblem[] = [];

  constructor(
    private readonly lines: string[],
    private readonly file: string,
    private readonly firstLine: number,
  ) {}

  readAll(): void {
    let i = 0;
    while (i < this.lines.length) {
      const columns = this.tableStartAt(i);
      i = columns ? this.readTable(i, columns) : i + 1;
    }
  }

  /** The header's columns when a table starts at line `i`. A lone label counts only with a rule under it, so prose naming one CPU is left alone. */
  private tableStartAt(i: number): Column[] | undefined {
    const columns = readHeader(this.lineAt(i));
    if (!columns) return undefined;
    if (columns.length === 1 && this.ruleLineAfter(i) === undefined) return undefined;
    return columns;
  }

  /** Reads the table whose header is line `headerLine`; returns the first line after it. */
  private readTable(headerLine: number, columns: Column[]): number {
    const header = this.lineAt(headerLine);
    const first = columns[0];
    const last = columns[columns.length - 1];
    const headerLoc = this.loc(headerLine, first?.index ?? 0, last ? last.index + last.label.length : header.length);
    const ruleLine = this.ruleLineAfter(headerLine);
    if (ruleLine !== undefined) this.checkRule(ruleLine, columns);
    let i = (ruleLine ?? headerLine) + 1;

    if (columns.length < 2) {
      // Lockdep draws its interrupt scenario this way; it is no interleaving, but not wrong either.
      this.problem(headerLoc, 'info', `Timeline header names only one CPU (${first?.label ?? ''}); a timeline needs two or more columns, so it is not read as one.`);
      return i;
    }

    const pieces: Piece[] = [];
    for (; i < this.lines.length; i++) {
      const line = this.lineAt(i);
      if (this.endsTable(i)) break;
      if (line.trim() === '' || (RULE_START.test(line) && RULE_ONLY.test(line))) continue; // blank rows and closing rules
      pieces.push(...this.splitRow(i, columns));
    }

    if (pieces.length === 0) {
      this.problem(headerLoc, 'warning', 'Timeline has a header but no events under it.');
    }
    this.timelines.push({
      cpus: columns.map((c) => c.label),
      events: this.toEvents(pieces, columns),
      loc: headerLoc,
    });
    return i;
  }

  private endsTable(i: number): boolean {
    const line = this.lineAt(i);
    return DEADLOCK.test(line) || MARKDOWN_HEADING.test(line) || FENCE.test(line) || this.tableStartAt(i) !== undefined;
  }

  /** The line of the rule under header line `i`: the next non-blank line when it starts with dashes. */
  private ruleLineAfter(i: number): number | undefined {
    let next = i + 1;
    while (next < this.lines.length && this.lineAt(next).trim() === '') next++;
    return next < this.lines.length && RULE_START.test(this.lineAt(next)) ? next : undefined;
  }

  /** A rule is dashes only, one run spanning the table or one run under each column. */
  private checkRule(i: number, columns: Column[]): void {
    const line = this.lineAt(i);
    const start = line.length - line.trimStart().length;
    const loc = this.loc(i, start, line.trimEnd().length);
    if (!RULE_ONLY.test(line)) {
      this.problem(loc, 'warning', 'Malformed rule under the timeline header: it holds text besides dashes.');
      return;
    }
    const laidOut = new LaidOutLine(line);
    const segments = [...line.matchAll(RULE_SEGMENT)].map((m) => laidOut.displayAt(m.index));
    if (segments.length === 1) return;
    const aligned = segments.length === columns.length
      && segments.every((display, k) => {
        const column = columns[k];
        return column !== undefined && Math.abs(display - column.display) <= column.slack;
      });
    if (!aligned) {
      this.problem(loc, 'warning', `Malformed rule under the timeline header: its ${segments.length} dashed runs do not line up with the ${columns.length} CPU columns.`);
    }
  }

  /**
   * Cuts one row into events. A new event starts where, after two or more
   * spaces outside any comment or string, text begins at (about) the start
   * of a column further right; a `//` comment runs to the end of the line
   * and may cross other columns.
   */
  private splitRow(i: number, columns: Column[]): Piece[] {
    const line = this.lineAt(i);
    const laidOut = new LaidOutLine(line);
    const firstText = line.length - line.trimStart().length;
    if (line.startsWith('//', firstText)) return []; // a comment on its own line annotates, it is not an event

    const starts: { index: number; column: number }[] = [{ index: firstText, column: this.columnAt(laidOut.displayAt(firstText), columns) }];
    let commentStart = line.length;
    // Only double quotes open a string: an apostrophe in prose-like events (`CPU0's`) must not hide the next column.
    let inString = false;
    let inBlockComment = false;
    for (let k = firstText; k < line.length; k++) {
      const ch = line[k];
      if (inBlockComment) {
        if (line.startsWith('*/', k)) { inBlockComment = false; k++; }
        continue;
      }
      if (inString) {
        if (ch === '\\') k++;
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') { inString = true; continue; }
      if (line.startsWith('//', k)) { commentStart = k; break; }
      if (line.startsWith('/*', k)) { inBlockComment = true; k++; continue; }
      if (ch !== ' ' && ch !== '\t') continue;

      let next = k;
      while (next < line.length && (line[next] === ' ' || line[next] === '\t')) next++;
      const gap = line.slice(k, next);
      const current = starts[starts.length - 1]?.column ?? -1;
      if (next < line.length && (gap.length >= 2 || gap.includes('\t')) && !line.startsWith('//', next)) {
        const display = laidOut.displayAt(next);
        const target = this.columnAt(display, columns);
        const column = columns[target];
        if (target > current && column && Math.abs(display - column.display) <= column.slack) {
          starts.push({ index: next, column: target });
        }
      }
      k = next - 1;
    }

    const pieces: Piece[] = [];
    starts.forEach((start, n) => {
      const end = n + 1 < starts.length ? starts[n + 1]?.index ?? commentStart : commentStart;
      const text = line.slice(start.index, end).trimEnd();
      const isLast = n === starts.length - 1;
      const comment = isLast && commentStart < line.length ? line.slice(commentStart + 2).trim() : undefined;
      if (text === '' || BLOCK_CLOSE.test(text)) return;
      const loc = this.loc(i, start.index, start.index + text.length);
      if (start.column < 0) {
        this.problem(loc, 'warning', `Timeline event "${text}" starts left of every CPU column; it is not read.`);
        return;
      }
      pieces.push({
        column: start.column, line: i, start: start.index, end: start.index + text.length,
        display: laidOut.displayAt(start.index), text, ...(comment !== undefined ? { comment } : {}),
      });
    });
    return pieces;
  }

  /** The column whose header starts nearest at or left of `display` (within its slack); -1 when left of every column. */
  private columnAt(display: number, columns: Column[]): number {
    let found = -1;
    columns.forEach((column, k) => {
      if (column.display - column.slack <= display) found = k;
    });
    return found;
  }

  /**
   * Orders the pieces and measures their nesting. Each column's base is its
   * leftmost event (or its header, if further left); the step is the
   * table's smallest indentation, kept between 2 and 4 so one sloppy space
   * does not multiply every depth.
   */
  private toEvents(pieces: Piece[], columns: Column[]): TimelineEvent[] {
    const bases = columns.map((column, k) =>
      Math.min(column.display, ...pieces.filter((p) => p.column === k).map((p) => p.display)));
    const indents = pieces.map((p) => p.display - (bases[p.column] ?? 0)).filter((d) => d > 0);
    const step = indents.length > 0 ? Math.max(2, Math.min(4, ...indents)) : DEFAULT_INDENT_STEP;

    return pieces.map((piece, order) => {
      const event: TimelineEvent = {
        cpu: piece.column,
        cpuLabel: columns[piece.column]?.label ?? '',
        order,
        text: piece.text,
        depth: Math.round((piece.display - (bases[piece.column] ?? 0)) / step),
        entry: isEntryCall(piece.text),
        loc: this.loc(piece.line, piece.start, piece.end),
      };
      if (piece.comment !== undefined) event.comment = piece.comment;
      return event;
    });
  }

  private lineAt(i: number): string {
    return this.lines[i] ?? '';
  }

  private loc(i: number, col: number, endCol: number): SourceLoc {
    const line = this.firstLine + i;
    return { file: this.file, line, col, endLine: line, endCol };
  }

  private problem(loc: SourceLoc, severity: InputProblem['severity'], message: string): void {
    this.problems.push({ loc, severity, message });
  }
}
