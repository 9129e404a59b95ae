// Turns the hunks a front end found into C text: the post-patch side (context
// and `+` lines) and the pre-patch side (context and `-` lines) of each hunk
// group, every line mapped back to where it sits in the patch or mail.
//
// A hunk usually starts inside a function. When the `@@` header names it, a
// synthetic header line `<context> {` goes first so the C reader attributes
// the statements to that function. Consecutive hunks inside the same function
// are one group, so a lock taken in one hunk and released in the next stays in
// one function body; synthetic lines at the gap keep the nesting right.

import { LABEL, awaitsStatement, depthFromIndent, firstCodeLine, lexLine, scanComments, type LexState } from './cLines';
import type { PatchFile, PatchedText, RawFile, RawHunk } from './types';

/** A line of reconstructed text and where its first character is in the patch file. */
interface MappedLine {
  text: string;
  line: number;
  col: number;
}

interface HunkGroup {
  hunks: RawHunk[];
  /** Synthetic line opening the function (or initializer) the first hunk starts inside. */
  opener?: MappedLine;
  /**
   * The top-level line (as git's hunk context would show it) that the group's
   * pre-image ends inside, while that block is still open.
   */
  openBlock?: string;
}

/** An opener that starts a function definition (`...) {` or, before the body's own brace, `...)`). */
const FUNCTION_OPENER = /\)\s*\{?$/;
/** A line git's cpp diff driver would offer as hunk context: starts with an identifier. */
const TOP_LEVEL_NAME = /^[A-Za-z_$]/;

export function buildPatchFile(raw: RawFile): PatchFile {
  const groups = groupHunks(raw.hunks);
  const bodyLines = raw.hunks.flatMap((hunk) => hunk.lines);
  return {
    path: raw.path,
    post: groups.map((group) => reconstruct(group, '+', raw.path)),
    pre: groups.map((group) => reconstruct(group, '-', raw.path)),
    added: bodyLines.filter((l) => l.kind === '+').map((l) => l.line),
    removed: bodyLines.filter((l) => l.kind === '-').map((l) => l.line),
  };
}

function groupHunks(hunks: readonly RawHunk[]): HunkGroup[] {
  const groups: HunkGroup[] = [];
  let current: HunkGroup | undefined;
  for (const hunk of hunks) {
    const context = hunk.context?.text.trim();
    const continues = current?.openBlock !== undefined && context !== undefined && current.openBlock.startsWith(context);
    if (!current || !continues) {
      const opener = openerFor(hunk);
      current = { hunks: [], ...(opener ? { opener, openBlock: context } : {}) };
      groups.push(current);
    }
    current.hunks.push(hunk);
    current.openBlock = blockOpenAfter(hunk, current.openBlock);
  }
  return groups;
}

/** Follows the pre-image the way git picks hunk context: the last top-level line, until a `}` closes it. */
function blockOpenAfter(hunk: RawHunk, open: string | undefined): string | undefined {
  for (const { kind, text } of hunk.lines) {
    if (kind === '+') continue;
    if (text.startsWith('}')) open = undefined;
    else if (TOP_LEVEL_NAME.test(text) && !LABEL.test(text)) open = blockHeader(text) !== undefined ? text.trim() : undefined;
  }
  return open;
}

/**
 * The header a `@@` context stands for, made parseable: git cuts context at
 * 80 bytes and shows only the first line of a multi-line parameter list, so
 * unclosed parentheses are closed. Undefined when the context is not a block
 * header (a declaration, `EXPORT_SYMBOL(...)`).
 */
function blockHeader(context: string): string | undefined {
  const trimmed = context.trim();
  if (trimmed.endsWith(';')) return undefined;
  if (trimmed.endsWith('{')) return trimmed;
  if (!trimmed.includes('(')) return undefined;
  const header = trimmed.replace(/[\s,]+$/, '');
  const unclosed = header.split('(').length - header.split(')').length;
  return unclosed < 0 ? undefined : header + ')'.repeat(unclosed);
}

/** Where the hunk starts: inside a block, just before a function's `{`, or at top level. */
function startPosition(hunk: RawHunk): 'inside' | 'before-brace' | 'outside' {
  const texts = hunk.lines.map((l) => l.text);
  const text = texts[firstCodeLine(texts)];
  if (text === undefined) return 'outside';
  if (LABEL.test(text)) return 'inside';
  if (text.startsWith('{')) return 'before-brace';
  return /^[ \t]/.test(text) ? 'inside' : 'outside';
}

function openerFor(hunk: RawHunk): MappedLine | undefined {
  if (!hunk.context) return undefined;
  const position = startPosition(hunk);
  if (position === 'outside') return undefined;
  const header = blockHeader(hunk.context.text);
  if (header === undefined) return undefined;
  const text = position === 'before-brace' || header.endsWith('{') ? header : `${header} {`;
  return { text, line: hunk.context.line, col: hunk.context.col };
}

/** Collects mapped lines and keeps the comment and brace state at the end of the text. */
class TextBuilder {
  readonly lines: MappedLine[] = [];
  private state: LexState = { inComment: false, depth: 0 };

  push(line: MappedLine): void {
    this.lines.push(line);
    this.state = lexLine(line.text, this.state);
  }

  /**
   * Closes an initializer or struct the text ends inside (`};`): unlike a
   * function missing its `}`, tree-sitter cannot read an unterminated
   * declaration, and the ops bindings or fields in it would be lost.
   */
  closeDeclaration(at: { line: number; col: number }): void {
    while (this.state.depth > 1) this.push({ text: '}', ...at });
    if (this.state.depth === 1) this.push({ text: '};', ...at });
  }

  /** Synthetic `}` or `{` lines so the next hunk's first code line lands at the depth its indent shows. */
  balanceTo(depth: number | undefined, at: { line: number; col: number }): void {
    if (depth === undefined) return;
    while (this.state.depth > depth) this.push({ text: '}', ...at });
    while (this.state.depth < depth) this.push({ text: '{', ...at });
  }
}

function reconstruct(group: HunkGroup, own: '+' | '-', targetPath: string): PatchedText {
  const out = new TextBuilder();
  if (group.opener) out.push(group.opener);
  group.hunks.forEach((hunk, index) => {
    const lines = hunk.lines.filter((l) => l.kind === ' ' || l.kind === own);
    const texts = lines.map((l) => l.text);
    const gap = { line: hunk.headerLine, col: 0 };
    if (index > 0 && awaitsStatement(out.lines.map((l) => l.text))) out.push({ text: ';', ...gap });
    if (index > 0 || group.opener) {
      const first = texts[firstCodeLine(texts)];
      out.balanceTo(first === undefined ? undefined : depthFromIndent(first), gap);
    }
    // A hunk that starts or ends inside a block comment would swallow code
    // into the comment; reopen or close it with a synthetic line.
    const comments = scanComments(texts);
    if (comments.startsInside) out.push({ text: '/*', ...gap });
    for (const { text, line, col } of lines) out.push({ text, line, col });
    const last = lines[lines.length - 1];
    if (comments.endsInside && last) out.push({ text: ' */', line: last.line, col: last.col + last.text.length });
  });
  const end = out.lines[out.lines.length - 1];
  if (group.opener && !FUNCTION_OPENER.test(group.opener.text) && end) {
    out.closeDeclaration({ line: end.line, col: end.col + end.text.length });
  }
  const context = group.hunks[0]?.context?.text;
  return {
    targetPath,
    text: out.lines.map((l) => `${l.text}\n`).join(''),
    lines: out.lines.map(({ line, col }) => ({ line, col })),
    ...(context !== undefined ? { context } : {}),
  };
}
