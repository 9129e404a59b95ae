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
