// Reads unquoted unified diffs: `diff --git` and `---`/`+++` file headers,
// `@@ -a,b +c,d @@ context` hunks whose bodies are measured by the header's
// line counts. A body that ends before its counts are used up is a truncated
// patch: reported at the `@@` line, and what is there is kept.

import type { InputProblem } from '../../model/types';
import { lineProblem } from './input';
import type { RawFile, RawHunk } from './types';

export interface FrontEndResult {
  files: RawFile[];
  problems: InputProblem[];
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

export interface HunkHeader {
  oldCount: number;
  newCount: number;
  context?: { text: string; col: number };
}

/** Parses a `@@` line; `col0` is where the line's text starts in the patch file (after any quote prefix). */
export function parseHunkHeader(text: string, col0 = 0): HunkHeader | undefined {
  const match = HUNK_HEADER.exec(text);
  if (!match) return undefined;
  const rest = text.slice(match[0].length);
  const context = rest.trim();
  const header: HunkHeader = {
    oldCount: match[2] === undefined ? 1 : Number(match[2]),
    newCount: match[4] === undefined ? 1 : Number(match[4]),
  };
  if (context !== '') header.context = { text: context, col: col0 + match[0].length + rest.indexOf(context) };
  return header;
}

function unquotePath(path: string): string {
  return path.length >= 2 && path.startsWith('"') && path.endsWith('"') ? path.slice(1, -1) : path;
}

/** The new-side path of `diff --git a/x b/x`. */
export function gitHeaderPath(text: string): string {
  const rest = text.slice('diff --git '.length).trim();
  const quoted = rest.lastIndexOf(' "b/');
  if (quoted !== -1) return unquotePath(rest.slice(quoted + 1)).slice(2);
  const plain = rest.lastIndexOf(' b/');
  if (plain !== -1) return rest.slice(plain + 3);
  return rest.split(' ').pop() ?? rest;
}

/** The file a `---`/`+++` pair modifies: the new path, or the old one when the file is deleted. */
export function fileHeaderPath(minusLine: string, plusLine: string): string {
  const pathOf = (line: string, prefix: string): string => {
    const path = unquotePath(line.slice(4).split('\t')[0]?.trim() ?? '');
    return path.startsWith(prefix) ? path.slice(prefix.length) : path;
  };
  const newPath = pathOf(plusLine, 'b/');
  return newPath === '/dev/null' ? pathOf(minusLine, 'a/') : newPath;
}

/** `-- ` followed by the git version ends a format-patch mail; inside a cut-short hunk it is not a removed line. */
function isSignature(lines: readonly string[], i: number, end: number): boolean {
  if (lines[i] !== '-- ') return false;
  const next = lines[i + 1];
  return i + 1 >= end || next === undefined || !/^[ +\-\\@]/.test(next);
}

/** A synthetic name for hunks whose file the input does not name. */
export function syntheticPath(file: string, line: number): string {
  return `${file}:${line + 1}`;
}

export function readUnifiedDiffs(lines: readonly string[], start: number, end: number, file: string): FrontEndResult {
  const files: RawFile[] = [];
  const problems: InputProblem[] = [];
  let current: RawFile | undefined;
  /** The current file came from `diff --git` and its `---`/`+++` may still refine the path. */
  let awaitingFileHeader = false;

  for (let i = start; i < end;) {
    const text = lines[i] ?? '';
    if (text.startsWith('diff --git ')) {
      current = { path: gitHeaderPath(text), hunks: [] };
      files.push(current);
      awaitingFileHeader = true;
      i++;
    } else if (text.startsWith('--- ') && (lines[i + 1] ?? '').startsWith('+++ ') && i + 1 < end) {
      const path = fileHeaderPath(text, lines[i + 1] ?? '');
      if (current && awaitingFileHeader && current.hunks.length === 0) {
        current.path = path;
      } else {
        current = { path, hunks: [] };
        files.push(current);
      }
      awaitingFileHeader = false;
      i += 2;
    } else if (text.startsWith('Binary files ') || text === 'GIT binary patch') {
      const what = current ? `\`${current.path}\`` : 'a file';
      problems.push(lineProblem(file, lines, i, 'info', `binary change to ${what} is not read`));
      i++;
    } else if (text.startsWith('@@ ')) {
      const header = parseHunkHeader(text);
      if (!header) {
        if (current) problems.push(lineProblem(file, lines, i, 'warning', 'unreadable hunk header; the hunk is skipped'));
        i++;
        continue;
      }
      if (!current) {
        current = { path: syntheticPath(file, i), hunks: [] };
        files.push(current);
        problems.push(lineProblem(file, lines, i, 'info',
          `hunk without a file header (\`+++ b/...\`); its functions are filed under \`${current.path}\``));
      }
      awaitingFileHeader = false;
      const read = readHunkBody(lines, i, end, header, file);
      current.hunks.push(read.hunk);
      problems.push(...read.problems);
      i = read.next;
    } else {
      i++;
    }
  }
  return { files: files.filter((f) => f.hunks.length > 0), problems };
}

/** Reads the body under the `@@` line at `at`, as far as the header's counts (or the input) go. */
function readHunkBody(
  lines: readonly string[], at: number, end: number, header: HunkHeader, file: string,
): { hunk: RawHunk; next: number; problems: InputProblem[] } {
  const hunk: RawHunk = { headerLine: at, lines: [] };
  if (header.context) hunk.context = { text: header.context.text, line: at, col: header.context.col };
  let oldLeft = header.oldCount;
  let newLeft = header.newCount;
  let i = at + 1;
  for (; i < end && (oldLeft > 0 || newLeft > 0); i++) {
    const text = lines[i] ?? '';
    const marker = text[0];
    if (marker === '\\') continue; // `\ No newline at end of file`
    // A short hunk must not eat the next file's `---`/`+++` as a removed and an added line.
    if (isFileHeaderOrSignature(lines, i, end)) break;
    // Mailers strip the trailing space of an empty context line.
    if ((marker === ' ' || text === '') && oldLeft > 0 && newLeft > 0) {
      oldLeft--;
      newLeft--;
      hunk.lines.push({ kind: ' ', text: text.slice(1), line: i, col: text === '' ? 0 : 1 });
    } else if (marker === '-' && oldLeft > 0) {
      oldLeft--;
      hunk.lines.push({ kind: '-', text: text.slice(1), line: i, col: 1 });
    } else if (marker === '+' && newLeft > 0) {
      newLeft--;
      hunk.lines.push({ kind: '+', text: text.slice(1), line: i, col: 1 });
    } else {
      break;
    }
  }
  if (i < end && (lines[i] ?? '').startsWith('\\')) i++;

  const problems: InputProblem[] = [];
  if (oldLeft > 0 || newLeft > 0) {
    const oldRead = header.oldCount - oldLeft;
    const newRead = header.newCount - newLeft;
    problems.push(lineProblem(file, lines, at, 'warning',
      `hunk is cut short: its header promises ${header.oldCount} old and ${header.newCount} new lines, ` +
      `the body has ${oldRead} and ${newRead} (truncated patch?); the lines that are there are read`));
  } else if (i < end && /^[+-]/.test(lines[i] ?? '') && !isFileHeaderOrSignature(lines, i, end)) {
    problems.push(lineProblem(file, lines, i, 'warning',
      'this line looks like part of the hunk above, but the hunk header\'s line counts are used up; not read'));
  }
  return { hunk, next: i, problems };
}

function isFileHeaderOrSignature(lines: readonly string[], i: number, end: number): boolean {
  const text = lines[i] ?? '';
  return isSignature(lines, i, end) || text === '---' || (text.startsWith('--- ') && (lines[i + 1] ?? '').startsWith('+++ '));
}
