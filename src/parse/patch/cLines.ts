// Line-level facts about kernel C that reconstruction needs without a parser:
// where block comments open and close, how braces nest, how deep a line is
// indented. Good enough for hunk fragments; tree-sitter does the real parse.

/** `out:` and `err_free_vcpu:` sit at column 0 inside kernel functions; git's cpp diff driver skips them too. */
export const LABEL = /^[ \t]*[A-Za-z_]\w*:[ \t]*(?:$|\/[*/])/;

/** Comment and brace state at the end of a line. */
export interface LexState {
  inComment: boolean;
  /** Open `{` minus `}` outside comments and literals. */
  depth: number;
}

/** Advances `state` over one line, skipping comments, string and character literals. */
export function lexLine(text: string, state: LexState): LexState {
  let { inComment, depth } = state;
  let i = 0;
  while (i < text.length) {
    if (inComment) {
      const end = text.indexOf('*/', i);
      if (end === -1) return { inComment, depth };
      inComment = false;
      i = end + 2;
      continue;
    }
    const ch = text[i];
    const pair = text.slice(i, i + 2);
    if (pair === '/*') {
      inComment = true;
      i += 2;
    } else if (pair === '//') {
      break;
    } else if (ch === '"' || ch === "'") {
      i = endOfLiteral(text, i);
    } else {
      if (ch === '{') depth++;
      // A `}` with nothing open closes a block opened before the text began.
      else if (ch === '}') depth = Math.max(0, depth - 1);
      i++;
    }
  }
  return { inComment, depth };
}

/** Index just past the string or character literal opening at `start` (or the line's end). */
function endOfLiteral(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i + 1;
  }
  return text.length;
}

/**
 * Whether `texts` begin inside a block comment (the first comment delimiter
 * is a closing one) and whether they end inside one.
 */
export function scanComments(texts: readonly string[]): { startsInside: boolean; endsInside: boolean } {
  const startsInside = firstDelimiterCloses(texts);
  let state: LexState = { inComment: startsInside, depth: 0 };
  for (const text of texts) state = lexLine(text, state);
  return { startsInside, endsInside: state.inComment };
}

function firstDelimiterCloses(texts: readonly string[]): boolean {
  for (const text of texts) {
    const open = text.indexOf('/*');
    const close = text.indexOf('*/');
    if (close !== -1 && (open === -1 || close < open)) return true;
    if (open !== -1) return false;
  }
  return false;
}

/** A line that continues the previous statement rather than starting one. */
function isContinuation(trimmed: string): boolean {
  if (/^(?:&&|\|\||\?|:[^:])/.test(trimmed)) return true;
  return trimmed.split(')').length > trimmed.split('(').length;
}

/**
 * The first line of `texts` that shows where code sits: not blank, not a
 * directive, not the tail of a comment the texts start inside, not a
 * continuation line. Returns its index, or -1.
 */
export function firstCodeLine(texts: readonly string[]): number {
  let inCommentTail = firstDelimiterCloses(texts);
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i] ?? '';
    if (inCommentTail) {
      inCommentTail = !text.includes('*/');
      continue;
    }
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#') || isContinuation(trimmed)) continue;
    return i;
  }
  return -1;
}

/**
 * The brace depth a line of kernel C sits at, from its leading tabs. A `}`
 * line closes the block one level deeper than its own indent, and `case`
 * labels sit at their `switch`'s indent, one level out from the block they
 * are in; goto labels sit at column 0 inside the function body. Undefined
 * when the indent starts with a space (space-indented or mail-mangled text),
 * which says nothing reliable.
 */
export function depthFromIndent(text: string): number | undefined {
  const leading = /^[ \t]*/.exec(text)?.[0] ?? '';
  if (leading.startsWith(' ')) return undefined;
  const code = text.slice(leading.length);
  const tabs = leading.split('\t').length - 1;
  if (tabs === 0 && LABEL.test(text)) return 1;
  return /^(?:\}|case\b|default\s*:)/.test(code) ? tabs + 1 : tabs;
}

/**
 * The last code line is a statement header still waiting for its body:
 * `if (ret)`, the last line of a multi-line condition, `list_for_each_entry(...)`,
 * `else`. Only indented lines count: a column-0 `)` ends a function header.
 */
export function awaitsStatement(texts: readonly string[]): boolean {
  for (let i = texts.length - 1; i >= 0; i--) {
    const text = texts[i] ?? '';
    const trimmed = text.trim();
    if (trimmed === '' || /^(?:#|\*|\/\*|\/\/)/.test(trimmed)) continue;
    return /^[ \t]/.test(text) && /(?:\)|\belse)$/.test(trimmed);
  }
  return false;
}
