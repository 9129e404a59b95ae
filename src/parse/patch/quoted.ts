// Reads patches quoted in review mails: `> +line`, `> > > +line`, `>+line`.
// Quoting mangles the patch: whitespace runs collapse, a context line's
// leading space is eaten (`> > > }`), and the reviewer's own comments
// interrupt the quoted function, after which quoting resumes. There are no
// line counts to go by, so a fragment is a run of lines at one quote depth
// that read as patch lines; it survives interruptions by less-quoted text and
// ends at prose, at the `-- ` signature, or where quoting does not resume.

import type { InputProblem } from '../../model/types';
import { lineProblem } from './input';
import type { BodyLine, RawFile, RawHunk } from './types';
import { fileHeaderPath, gitHeaderPath, parseHunkHeader, syntheticPath, type FrontEndResult } from './unified';

/** `>`, `> > >`, `>>`, each `>` optionally followed by one space. */
const QUOTE_PREFIX = /^(?:> ?)+/;

interface QuotedLine {
  depth: number;
  /** The text after the quote prefix. */
  content: string;
  /** Column of `content` in the mail line. */
  col: number;
}

function dequote(text: string): QuotedLine {
  const prefix = QUOTE_PREFIX.exec(text)?.[0] ?? '';
  let depth = 0;
  for (const ch of prefix) if (ch === '>') depth++;
  return { depth, content: text.slice(prefix.length), col: prefix.length };
}

const C_WORDS = new Set([
  'auto', 'bool', 'break', 'case', 'char', 'const', 'continue', 'default', 'do', 'double', 'else', 'enum',
  'extern', 'false', 'float', 'for', 'goto', 'if', 'inline', 'int', 'long', 'register', 'return', 'short',
  'signed', 'sizeof', 'static', 'struct', 'switch', 'true', 'typedef', 'union', 'unsigned', 'void', 'volatile', 'while',
]);

/**
 * Three plain words in a row that are not C keywords, outside literals and
 * comments: `- it takes the lock instead of the spinlock;` is a quoted bullet
 * point, not a removed line.
 */
export function looksLikeProse(text: string): boolean {
  const code = text
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\/\*.*?(?:\*\/|$)|\/\/.*$/g, ' ');
  let run = 0;
  for (const token of code.trim().split(/\s+/)) {
    const word = /^([A-Za-z]+)[.,;:!?]?$/.exec(token)?.[1];
    run = word !== undefined && !C_WORDS.has(word) ? run + 1 : 0;
    if (run >= 3) return true;
  }
  return false;
}

const COMMENT_OR_DIRECTIVE = /^(?:#|\/\*|\*|\/\/)/;

/**
 * A quoted line that lost its context marker still reads as C: it continues
 * a comment, is a directive or a label, or ends a statement or block without
 * reading like a sentence.
 */
function isCodeLike(text: string): boolean {
  const trimmed = text.trim();
  if (COMMENT_OR_DIRECTIVE.test(trimmed) || /^[A-Za-z_]\w*:$/.test(trimmed)) return true;
  return /(?:[;{}]|\*\/)$/.test(trimmed) && !looksLikeProse(trimmed);
}

/** An added or removed line that makes a fragment a patch: a C statement, declaration, brace or directive. */
function isPlainlyC(text: string): boolean {
  const trimmed = text.trim();
  if (/^#\s*(?:include|define|if|ifdef|ifndef|else|elif|endif|undef)\b/.test(trimmed)) return true;
  return /[;{}]$/.test(trimmed) && !COMMENT_OR_DIRECTIVE.test(trimmed) && !looksLikeProse(trimmed);
}

const GIT_EXTENDED_HEADER = /^(?:index |new file mode |deleted file mode |similarity index |rename from |rename to |old mode |new mode )/;

/** What one quoted line means inside a fragment. */
type Reading =
  | { kind: 'body'; line: BodyLine }
  | { kind: 'hunk'; context?: { text: string; col: number } }
  | { kind: 'file'; path: string; lines: number }
  | { kind: 'skip' }
  | { kind: 'end' };

function readLine(quoted: QuotedLine, lineNo: number, next: QuotedLine | undefined): Reading {
  const { content, col } = quoted;
  const body = (kind: BodyLine['kind'], markerWidth: number): Reading =>
    ({ kind: 'body', line: { kind, text: content.slice(markerWidth), line: lineNo, col: col + markerWidth } });
  if (content === '') return body(' ', 0);
  if (content === '-- ' || content === '--' || content === '---') return { kind: 'end' };
  if (content.startsWith('diff --git ')) return { kind: 'file', path: gitHeaderPath(content), lines: 1 };
  if (content.startsWith('--- ') && next?.depth === quoted.depth && next.content.startsWith('+++ ')) {
    return { kind: 'file', path: fileHeaderPath(content, next.content), lines: 2 };
  }
  if (content.startsWith('@@ ')) {
    const header = parseHunkHeader(content, col);
    if (header) return header.context ? { kind: 'hunk', context: header.context } : { kind: 'hunk' };
  }
  if (GIT_EXTENDED_HEADER.test(content) || content.startsWith('\\')) return { kind: 'skip' };
  if (content.startsWith('+')) return body('+', 1);
  if (content.startsWith('-')) return body('-', 1);
  if (content.startsWith(' ')) return body(' ', 1);
  if (content.startsWith('\t') || isCodeLike(content)) return body(' ', 0);
  return { kind: 'end' };
}

/** A quoted line that begins a fragment: an added or removed line, or a diff header. */
function startsFragment(reading: Reading): boolean {
  return reading.kind === 'hunk' || reading.kind === 'file' || (reading.kind === 'body' && reading.line.kind !== ' ');
}

interface Fragment {
  files: RawFile[];
  problems: InputProblem[];
  /** First line after the fragment. */
  next: number;
  /** Some added or removed line reads as C: the fragment is a patch, not a quoted list. */
  hasCode: boolean;
}

export function readQuotedFragments(lines: readonly string[], start: number, end: number, file: string): FrontEndResult {
  const quoted = lines.slice(start, end).map(dequote);
  const at = (i: number): QuotedLine | undefined => quoted[i - start];
  const files: RawFile[] = [];
  const problems: InputProblem[] = [];
  let earliest = start;
  for (let i = start; i < end;) {
    const here = at(i);
    if (!here || here.depth === 0 || !startsFragment(readLine(here, i, at(i + 1)))) {
      i++;
      continue;
    }
    // Context lines right above the first `+`/`-` line belong to the fragment.
    let first = i;
    while (first - 1 >= earliest && isLeadingContext(at(first - 1), here.depth, first - 1, at(first))) first--;
    const fragment = readFragment(at, first, end, here.depth, lines, file);
    if (fragment.hasCode) {
      files.push(...fragment.files);
      problems.push(...fragment.problems);
    }
    i = Math.max(fragment.next, i + 1);
    earliest = i;
  }
  return { files, problems };
}

function isLeadingContext(line: QuotedLine | undefined, depth: number, lineNo: number, next: QuotedLine | undefined): boolean {
  if (!line || line.depth !== depth || line.content.trim() === '') return false;
  const reading = readLine(line, lineNo, next);
  return reading.kind === 'body' && reading.line.kind === ' ' && !looksLikeProse(reading.line.text);
}

function readFragment(
  at: (i: number) => QuotedLine | undefined, first: number, end: number, depth: number,
  lines: readonly string[], file: string,
): Fragment {
  const fragment: Fragment = { files: [], problems: [], next: end, hasCode: false };
  let currentFile: RawFile | undefined;
  let currentHunk: RawHunk | undefined;
  /** Files named after the fragment's line because no header names them. */
  const unnamed = new Map<RawFile, number>();
  const ensureFile = (lineNo: number): RawFile => {
    if (currentFile) return currentFile;
    currentFile = { path: syntheticPath(file, lineNo), hunks: [] };
    fragment.files.push(currentFile);
    unnamed.set(currentFile, lineNo);
    return currentFile;
  };

  let i = first;
  while (i < end) {
    const here = at(i);
    if (!here) break;
    if (here.depth < depth) {
      // The reviewer's own text (or a less-quoted level) interrupts; the
      // fragment goes on if quoting at this depth resumes with patch lines.
      let resume = i;
      while (resume < end && (at(resume)?.depth ?? 0) < depth) resume++;
      const back = at(resume);
      if (!back || back.depth !== depth || !resumesFragment(readLine(back, resume, at(resume + 1)))) break;
      i = resume;
      continue;
    }
    if (here.depth > depth) break;
    const reading = readLine(here, i, at(i + 1));
    if (reading.kind === 'end') break;
    if (reading.kind === 'file') {
      currentFile = { path: reading.path, hunks: [] };
      fragment.files.push(currentFile);
      currentHunk = undefined;
      i += reading.lines;
      continue;
    }
    if (reading.kind === 'hunk') {
      currentHunk = { headerLine: i, lines: [] };
      if (reading.context) currentHunk.context = { text: reading.context.text, line: i, col: reading.context.col };
      ensureFile(i).hunks.push(currentHunk);
    } else if (reading.kind === 'body') {
      if (!currentHunk) {
        currentHunk = { headerLine: i, lines: [] };
        ensureFile(i).hunks.push(currentHunk);
      }
      currentHunk.lines.push(reading.line);
      if (reading.line.kind !== ' ' && isPlainlyC(reading.line.text)) fragment.hasCode = true;
    }
    i++;
  }
  fragment.next = i;
  fragment.files = fragment.files.filter((f) => f.hunks.some((h) => h.lines.length > 0));
  for (const named of fragment.files) {
    const lineNo = unnamed.get(named);
    if (lineNo === undefined) continue;
    fragment.problems.push(lineProblem(file, lines, lineNo, 'info',
      `quoted patch fragment names no file; its functions are filed under \`${named.path}\``));
  }
  return fragment;
}

/** After an interruption, quoting resumes the fragment with a patch line, not with prose or a blank. */
function resumesFragment(reading: Reading): boolean {
  if (reading.kind === 'body') return reading.line.text.trim() !== '';
  return reading.kind === 'hunk' || reading.kind === 'file';
}
