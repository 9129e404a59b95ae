// The text the C grammar is given: the file with kernel macros it cannot read
// rewritten in place (attributeMacros.ts, blockMacros.ts), every offset, row
// and column unchanged, and the stretches that were rewritten, so a reader
// that takes a statement from the text can tell whether the grammar saw it so.

import { blankAttributeMacros } from './attributeMacros';
import { whileForBlockMacros } from './blockMacros';

export interface GrammarText {
  parsed: string;
  /** Start and end index of each rewritten stretch, in order. */
  changed: number[];
}

export function grammarText(text: string): GrammarText {
  const blanked: number[] = [];
  const renamed: number[] = [];
  const parsed = whileForBlockMacros(blankAttributeMacros(text, blanked), renamed);
  return { parsed, changed: mergeStretches(blanked, renamed) };
}

/** Two ordered lists of disjoint stretches as one ordered list. */
function mergeStretches(a: number[], b: number[]): number[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! < b[j]!)) {
      out.push(a[i]!, a[i + 1]!);
      i += 2;
    } else {
      out.push(b[j]!, b[j + 1]!);
      j += 2;
    }
  }
  return out;
}
