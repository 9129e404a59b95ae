// Small helpers over C text that is not parsed: macro arguments, conditions
// kept as text, access paths.

/**
 * `text` split at each `separator` outside `open`/`close` brackets; `balanced`
 * says whether the brackets closed as they opened (never below zero, zero at
 * the end).
 */
export function splitOutside(text: string, separator: string, open = '(', close = ')'): { parts: string[]; balanced: boolean } {
  const parts: string[] = [];
  let depth = 0;
  let balanced = true;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === open) depth++;
    else if (ch === close) {
      if (--depth < 0) balanced = false;
    } else if (depth === 0 && text.startsWith(separator, i)) {
      parts.push(text.slice(from, i));
      from = i + separator.length;
      i += separator.length - 1;
    }
  }
  parts.push(text.slice(from));
  return { parts, balanced: balanced && depth === 0 };
}

/** C white space, by character code (space, tab, newline, carriage return, form feed, vertical tab). */
export function isSpaceCode(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x0c || code === 0x0b;
}

/** A character that may start a C name (ASCII letters and `_`), by code. */
export function isNameStartCode(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f;
}

/** A character of a C name, by code. */
export function isNameCode(code: number): boolean {
  return isNameStartCode(code) || (code >= 0x30 && code <= 0x39);
}
