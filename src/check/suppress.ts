// Suppression comments. `// racelens-ignore RL002: reason` (or the same in a
// `/* ... */` comment) silences findings of the named code(s) on its line
// when it shares the line with code, or on the next line when it stands alone
// (comment lines in between are skipped: stacked suppressions, the rest of a
// block comment, all apply to the first code line below them). Codes
// may be listed: `racelens-ignore RL006, RL008: reason`. A finding spanning
// several lines is silenced by a suppression on any of them.
//
// The reason is required. A suppression without one is NOT applied (the
// finding stays visible) and is reported as an InputProblem (a warning, not a
// Finding: it is a problem with the input, has no RL code of its own, and
// cannot itself be silenced); so are unknown codes. `suppressionProblems()`
// returns them for the front ends to list with the other input problems.
//
// Suppressed findings stay in the list with `suppressed = { reason, loc }`
// (loc is the comment): the CLI hides them from text output, --json keeps
// them. Patches and mails work the same way: lines may carry a diff marker
// (`+`, `-`, ` `) and mail quoting (`> `) before the comment.

import type { InputProblem, SourceLoc } from '../model/types';
import { FINDING_TITLES, type Finding, type FindingCode } from './finding';

export interface Suppression {
  codes: FindingCode[];
  reason: string;
  /** The `racelens-ignore` text in the comment. */
  loc: SourceLoc;
  /** 0-based line whose findings it silences. */
  line: number;
}

const KNOWN_CODES = Object.keys(FINDING_TITLES).sort();

const MARKER = /(\/\/|\/\*|^[>\s]*[+\- ]?\s*\*)\s*racelens-ignore\b(.*)$/;

/** The suppressions in one file's text, and the problems with malformed ones. */
export function readSuppressions(file: string, text: string): { suppressions: Suppression[]; problems: InputProblem[] } {
  const lines = text.split(/\r?\n/);
  const suppressions: Suppression[] = [];
  const problems: InputProblem[] = [];
  const standsAlone = lines.map((line) => {
    const m = MARKER.exec(line);
    if (!m) return false;
    // A block comment's continuation line (` * racelens-ignore ...`) has its line to itself.
    if (!m[1]!.startsWith('/')) return true;
    // `/* racelens-ignore ... */ mutex_lock(...)`: code after the comment makes it a trailing one.
    const after = m[1] === '/*' && m[2]!.includes('*/') ? m[2]!.slice(m[2]!.indexOf('*/') + 2).trim() : '';
    return isBlankPrefix(line.slice(0, m.index)) && after === '';
  });
  lines.forEach((line, i) => {
    const m = MARKER.exec(line);
    if (!m) return;
    const start = line.indexOf('racelens-ignore', m.index);
    const loc: SourceLoc = { file, line: i, col: start, endLine: i, endCol: line.length };
    const parsed = parseDirective(m[2] ?? '');
    const problem = (message: string) => problems.push({ loc, severity: 'warning', message });
    for (const code of parsed.unknown) problem(`racelens-ignore names ${code}, which is not a RaceLens check code (${KNOWN_CODES[0]} to ${KNOWN_CODES[KNOWN_CODES.length - 1]})`);
    if (parsed.codes.length === 0) {
      if (parsed.unknown.length === 0) problem('racelens-ignore names no check code: write `racelens-ignore RL006: why this is safe`');
      return;
    }
    if (!parsed.reason) {
      problem(`racelens-ignore ${parsed.codes.join(', ')} has no reason, so it is not applied: `
        + `write \`racelens-ignore ${parsed.codes.join(', ')}: why this is safe\``);
      return;
    }
    // Standing alone, it applies to the first line below that is not more comment (another suppression, the comment's end).
    let target = i;
    if (standsAlone[i]) {
      target = i + 1;
      while (target < lines.length && commentOnly(lines[target]!)) target++;
    }
    suppressions.push({ codes: parsed.codes, reason: parsed.reason, loc, line: target });
  });
  return { suppressions, problems };
}

/** Marks each finding a suppression silences; returns the findings in the same order. */
export function applySuppressions(findings: Finding[], sources: ReadonlyMap<string, string>): Finding[] {
  const byFile = new Map<string, Suppression[]>();
  const suppressionsOf = (file: string): Suppression[] => {
    let found = byFile.get(file);
    if (!found) {
      const text = sources.get(file);
      found = text === undefined ? [] : readSuppressions(file, text).suppressions;
      byFile.set(file, found);
    }
    return found;
  };
  return findings.map((finding) => {
    const { loc } = finding;
    const match = suppressionsOf(loc.file).find((s) =>
      s.codes.includes(finding.code) && s.line >= loc.line && s.line <= Math.max(loc.line, loc.endLine));
    return match ? { ...finding, suppressed: { reason: match.reason, loc: match.loc } } : finding;
  });
}

/** Malformed suppressions in every source: missing reasons, unknown or missing codes. */
export function suppressionProblems(sources: ReadonlyMap<string, string>): InputProblem[] {
  return [...sources].flatMap(([file, text]) => readSuppressions(file, text).problems);
}

/** `RL002, RL003: reason` -> codes, unknown codes, reason (a block comment's end cut off). */
function parseDirective(rest: string): { codes: FindingCode[]; unknown: string[]; reason: string } {
  const body = rest.replace(/\*\/.*$/, '');
  const colon = body.indexOf(':');
  const head = colon < 0 ? body : body.slice(0, colon);
  const reason = colon < 0 ? '' : body.slice(colon + 1).trim();
  const named: string[] = head.match(/\bRL\d+\b/g) ?? [];
  const codes = named.filter(isFindingCode);
  return { codes: [...new Set(codes)], unknown: named.filter((c) => !isFindingCode(c)), reason };
}

function isFindingCode(code: string): code is FindingCode {
  return Object.prototype.hasOwnProperty.call(FINDING_TITLES, code);
}

// A line holding only comment text, after any quoting and diff marker: a line
// comment, the start, middle or end of a block comment with no code after it.
function commentOnly(line: string): boolean {
  const text = line.replace(/^[>\s]*[+\- ]?\s*/, '');
  // ` * text` or ` */` continues a block comment; `*p = 1;` is code.
  return /^(?:\/\/|\/\*|\*(?:\s|\/|$))/.test(text) && !/\*\/\s*\S/.test(text);
}

/** Nothing but quoting, a diff marker and spaces: the comment has the line to itself. */
function isBlankPrefix(prefix: string): boolean {
  return /^[>\s]*[+\- ]?\s*$/.test(prefix);
}
