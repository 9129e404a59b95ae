// Finds fenced code blocks in Markdown (and in plain-text mails that use
// fences, like seed 000). Notes hide in ```c and ```cpp fences.

import type { InputProblem } from '../model/types';

export interface Fence {
  /** The info string after the backticks: `c`, `cpp`, `rlnotes`, or ''. */
  lang: string;
  /** The lines between the fences. */
  lines: string[];
  /** File line of lines[0]. */
  firstLine: number;
}

const OPEN = /^(\s{0,3})(`{3,}|~{3,})\s*([\w+-]*)[^`]*$/;

export function findFences(text: string, file: string): { fences: Fence[]; problems: InputProblem[] } {
  const lines = text.split(/\r?\n/);
  const fences: Fence[] = [];
  const problems: InputProblem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = OPEN.exec(lines[i] ?? '');
    if (!open) continue;
    const marker = open[2] ?? '```';
    const start = i + 1;
    let end = start;
    while (end < lines.length && !(lines[end] ?? '').trimStart().startsWith(marker)) end++;
    if (end >= lines.length) {
      problems.push({
        loc: { file, line: i, col: 0, endLine: i, endCol: (lines[i] ?? '').length },
        severity: 'warning',
        message: `code fence opened here is never closed; read to the end of the file`,
      });
    }
    fences.push({ lang: (open[3] ?? '').toLowerCase(), lines: lines.slice(start, end), firstLine: start });
    i = end;
  }
  return { fences, problems };
}
