// Kernel macros that open a block: `list_for_each_entry(pos, head, member) { ... }`,
// `scoped_guard(mutex, &lock) { ... }`. The grammar reads such a header as a
// call missing its `;`, and its error recovery costs a tenth of the parse on
// loop-heavy code. In the text given to the grammar, the macro's name (in
// statement position, followed by a block or a statement) is overwritten by
// `while` and spaces, so the header parses as a loop whose condition is the
// argument list. Offsets, rows and columns stay the same; the reader tells
// these loops from real ones by the source text (StatementReader.loop).

import { isNameCode, isNameStartCode, isSpaceCode } from '../model/cText';

/** Macros that open a block like a loop header: `kvm_for_each_vcpu(i, vcpu, kvm) { ... }`. */
export const LOOP_MACRO = /(?:^|_)for_each(?:_|$)|^for_each|_foreach(?:_|$)|^xa_for_each|^hash_for_each|^list_for_each/;

/** Scope-based guards with a block (include/linux/cleanup.h); scoped_cond_guard's `return` argument is no expression. */
export const SCOPED_GUARD = 'scoped_guard';

const CANDIDATE = /for_?each|scoped_guard/g;
/** Arguments that are types, not expressions: the grammar could not read them as a condition. */
const TYPE_WORD = /\b(?:struct|union|enum|const|volatile|unsigned|signed|int|long|char|short|void|bool)\b/;

export function isBlockMacroName(name: string): boolean {
  return name === SCOPED_GUARD || LOOP_MACRO.test(name);
}

/** `text` with each block macro's name in statement position overwritten by `while` and spaces; each name's start and end go to `changed`. */
export function whileForBlockMacros(text: string, changed: number[] = []): string {
  let out = '';
  let copied = 0;
  CANDIDATE.lastIndex = 0;
  for (let match = CANDIDATE.exec(text); match; match = CANDIDATE.exec(text)) {
    let start = match.index;
    while (start > 0 && isNameCode(text.charCodeAt(start - 1))) start--;
    let end = match.index + match[0].length;
    while (end < text.length && isNameCode(text.charCodeAt(end))) end++;
    CANDIDATE.lastIndex = end;
    if (!isBlockMacroName(text.slice(start, end)) || !inStatementPosition(text, start)) continue;
    const open = skipSpace(text, end);
    if (text.charCodeAt(open) !== OPEN) continue;
    const close = closingParen(text, open);
    if (close < 0 || TYPE_WORD.test(text.slice(open, close))) continue;
    const next = text.charCodeAt(skipSpace(text, close + 1));
    if (next !== BRACE && !isNameStartCode(next)) continue;
    out += text.slice(copied, start) + 'while' + ' '.repeat(end - start - 5);
    changed.push(start, end);
    copied = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const OPEN = 0x28;
const CLOSE = 0x29;
const BRACE = 0x7b;
const SLASH = 0x2f;
const STAR = 0x2a;
const NEWLINE = 0x0a;

/** The index of the first character at or after `at` that is neither white space nor in a comment. */
function skipSpace(text: string, at: number): number {
  for (;;) {
    while (at < text.length && isSpaceCode(text.charCodeAt(at))) at++;
    if (text.charCodeAt(at) !== SLASH) return at;
    const kind = text.charCodeAt(at + 1);
    if (kind === STAR) {
      const end = text.indexOf('*/', at + 2);
      if (end < 0) return text.length;
      at = end + 2;
    } else if (kind === SLASH) {
      const end = text.indexOf('\n', at);
      if (end < 0) return text.length;
      at = end;
    } else {
      return at;
    }
  }
}

/**
 * Whether a statement may start at `start`: after `;`, `{`, `}`, a label's `:`,
 * a condition's `)`, `else` or `do`, a comment, or a preprocessor line. Not in
 * an argument list, an expression, or a `#define` continued with `\`.
 */
function inStatementPosition(text: string, start: number): boolean {
  let at = start - 1;
  while (at >= 0 && isSpaceCode(text.charCodeAt(at))) at--;
  if (at < 0) return false;
  const code = text.charCodeAt(at);
  if (code === 0x3b || code === BRACE || code === 0x7d || code === 0x3a || code === CLOSE) return true;
  if (code === SLASH && text.charCodeAt(at - 1) === STAR) return true;
  if (!isNameCode(code)) return false;
  let word = at;
  while (word > 0 && isNameCode(text.charCodeAt(word - 1))) word--;
  const previous = text.slice(word, at + 1);
  if (previous === 'else' || previous === 'do') return true;
  // The last word of a preprocessor line (`#endif`, `#ifdef CONFIG_X`).
  const lineStart = text.lastIndexOf('\n', word) + 1;
  return text.charCodeAt(skipBlanks(text, lineStart)) === 0x23;
}

function skipBlanks(text: string, at: number): number {
  while (at < text.length && (text.charCodeAt(at) === 0x20 || text.charCodeAt(at) === 0x09)) at++;
  return at;
}

/** The index of the `)` that closes the `(` at `open`, past strings and comments; -1 if none. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let at = open; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === OPEN) depth++;
    else if (code === CLOSE && --depth === 0) return at;
    else if (code === 0x22 || code === 0x27) at = literalEnd(text, at);
    else if (code === SLASH && (text.charCodeAt(at + 1) === STAR || text.charCodeAt(at + 1) === SLASH)) at = skipSpace(text, at) - 1;
    else if (code === BRACE || code === 0x3b) return -1;
  }
  return -1;
}

/** The index of the quote that ends the string or character literal opened at `at`. */
function literalEnd(text: string, at: number): number {
  const quote = text.charCodeAt(at);
  for (let i = at + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5c) i++;
    else if (code === quote || code === NEWLINE) return i;
  }
  return text.length;
}
