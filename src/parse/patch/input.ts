// Guards and plumbing shared by the patch reader: refusing input that is not
// text (or is far too big), splitting lines, and building InputProblems.

import type { InputProblem } from '../../model/types';

/** Bigger inputs are refused: a long mbox series stays well under this, a stray log or image does not. */
export const MAX_PATCH_CHARS = 8 * 1024 * 1024;
/** Like git, decide "binary or text" from the start of the file only. */
const BINARY_SNIFF_CHARS = 8000;
/** Share of control characters (or U+FFFD from undecodable bytes) above which a text is junk. */
const JUNK_RATIO = 0.1;

export function problemAt(
  file: string, line: number, col: number, endCol: number,
  severity: InputProblem['severity'], message: string,
): InputProblem {
  return { loc: { file, line, col, endLine: line, endCol }, severity, message };
}

/** A problem about a whole line of `lines`. */
export function lineProblem(
  file: string, lines: readonly string[], line: number,
  severity: InputProblem['severity'], message: string,
): InputProblem {
  return problemAt(file, line, 0, lines[line]?.length ?? 0, severity, message);
}

/** Lines without their terminators; a final newline does not start an extra empty line. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

function positionOf(text: string, index: number): { line: number; col: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: index - lineStart };
}

function isJunkChar(code: number): boolean {
  // Tab, line feed, vertical tab, form feed, carriage return and escape (colour codes) are text.
  if (code === 0x09 || code === 0x0a || code === 0x0b || code === 0x0c || code === 0x0d || code === 0x1b) return false;
  return code < 0x20 || code === 0x7f || code === 0xfffd;
}

/**
 * Why `text` cannot be read as a patch at all: too big, or binary. The
 * problem points at the first NUL or junk character.
 */
export function refuseInput(text: string, file: string): InputProblem | undefined {
  if (text.length > MAX_PATCH_CHARS) {
    const megabytes = (text.length / (1024 * 1024)).toFixed(1);
    return problemAt(file, 0, 0, 0, 'error',
      `file is ${megabytes} MB; patches and mails over ${MAX_PATCH_CHARS / (1024 * 1024)} MB are not read`);
  }
  const sample = text.slice(0, BINARY_SNIFF_CHARS);
  const nul = sample.indexOf('\0');
  let firstJunk = -1;
  let junk = 0;
  for (let i = 0; i < sample.length; i++) {
    if (!isJunkChar(sample.charCodeAt(i))) continue;
    junk++;
    if (firstJunk === -1) firstJunk = i;
  }
  if (nul === -1 && junk <= sample.length * JUNK_RATIO) return undefined;
  const at = positionOf(text, nul !== -1 ? nul : firstJunk);
  const what = nul !== -1 ? 'a NUL byte' : 'mostly control characters';
  return problemAt(file, at.line, at.col, at.col + 1, 'error',
    `binary data, not a patch or mail (${what} at line ${at.line + 1}, column ${at.col + 1}); not read`);
}

/** Binary data after the sniffed start (a file with junk appended): read on, but say where it begins. */
export function laterJunk(text: string, file: string): InputProblem | undefined {
  const nul = text.indexOf('\0', BINARY_SNIFF_CHARS);
  if (nul === -1) return undefined;
  const at = positionOf(text, nul);
  return problemAt(file, at.line, at.col, at.col + 1, 'warning',
    `binary data from line ${at.line + 1} (a NUL byte); hunks there are likely misread`);
}
