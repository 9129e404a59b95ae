// Conditions whose text alone says what they read: `(ret)`, `(!kvm->created)`,
// `(READ_ONCE(vcpu->mode) == IN_GUEST_MODE)`, `(unlikely(mutex_lock_killable(&m)))`
// is not one (a call in a call). A condition of names, member paths, numbers,
// operators, grouping parentheses and calls with plain arguments is read in
// one pass over its text; anything else (casts, subscripts, assignments,
// strings, nested calls) goes to the tree.

import { TRANSPARENT_MACROS } from '../model/primitives';
import { plainArguments } from './cShapes';
import { isNameStartCode, isSpaceCode } from '../model/cText';
import type { SimpleCall } from './simpleStatements';

/** What a condition reads, in the order the tree walk meets it. */
export type ConditionItem =
  | { kind: 'result'; of: string }
  | { kind: 'path'; text: string }
  | { kind: 'name'; name: string };

export interface SimpleCondition { calls: SimpleCall[]; items: ConditionItem[] }

/** Words that make a condition more than names and operators to the grammar. */
const NOT_A_NAME = new Set([
  'sizeof', 'typeof', '__typeof__', 'alignof', '_Alignof', '__alignof__', 'offsetof', 'defined', '_Generic',
  'struct', 'union', 'enum', 'const', 'volatile', 'static_call', 'static_call_cond', 'static_call_mod',
]);
const WORD = /[A-Za-z_]\w*/y;
const NUMBER = /[0-9][\w.]*/y;
const OPERATOR_CHARS = '!~&|^+-*%<>?:';

/**
 * `text` is a parenthesised condition whose first character stands at
 * `offset` in the statement the call offsets count from.
 */
export function simpleCondition(text: string, offset: number): SimpleCondition | undefined {
  if (!text.startsWith('(') || !text.endsWith(')')) return undefined;
  const out: SimpleCondition = { calls: [], items: [] };
  return readExpression(text, 1, text.length - 1, offset, false, out) ? out : undefined;
}

/** Reads `text` from `start` to `end`; false when it is not a simple expression. Commas only between macro arguments. */
function readExpression(text: string, start: number, end: number, offset: number, commas: boolean, out: SimpleCondition): boolean {
  let depth = 0;
  let at = start;
  while (at < end) {
    const code = text.charCodeAt(at);
    const char = text.charAt(at);
    if (isSpaceCode(code)) {
      at++;
    } else if (isNameStartCode(code)) {
      const next = readOperand(text, at, end, offset, out);
      if (next < 0) return false;
      at = next;
    } else if (code >= 0x30 && code <= 0x39) {
      NUMBER.lastIndex = at;
      NUMBER.exec(text);
      at = NUMBER.lastIndex;
    } else if (char === '(') {
      depth++;
      at++;
    } else if (char === ')') {
      // `(type)x` is a cast: a grouping parenthesis is followed by an operator or the end.
      const follow = text.charCodeAt(skipSpaces(text, at + 1, end));
      if (--depth < 0 || isNameStartCode(follow) || (follow >= 0x30 && follow <= 0x39) || follow === 0x28) return false;
      at++;
    } else if (char === '=') {
      // Only `==`, and the `=` of `!=`, `<=`, `>=` (not `<<=`, `>>=`, `+=`, ...).
      if (text.charAt(at + 1) === '=') at += 2;
      else if ('!<>'.includes(text.charAt(at - 1)) && !'<>'.includes(text.charAt(at - 2))) at++;
      else return false;
    } else if (char === ',' && commas && depth === 0) {
      at++;
    } else if (OPERATOR_CHARS.includes(char)) {
      if (char === '-' && text.charAt(at + 1) === '>') return false;
      at++;
    } else {
      return false;
    }
  }
  return depth === 0;
}

/** A name, a member path or a call starting at `at`: recorded in `out`; returns where it ends, or -1. */
function readOperand(text: string, at: number, end: number, offset: number, out: SimpleCondition): number {
  WORD.lastIndex = at;
  const word = WORD.exec(text)![0];
  if (NOT_A_NAME.has(word)) return -1;
  let next = at + word.length;
  const after = skipSpaces(text, next, end);
  if (text.charAt(after) === '(') {
    const close = text.indexOf(')', after + 1);
    if (close < 0 || close >= end) return -1;
    const inner = text.slice(after + 1, close);
    // Plain arguments only: no call, string or comment in them, and no assignment (`=`).
    const args = inner.includes('=') ? undefined : plainArguments(inner);
    if (!args) return -1;
    const follow = skipSpaces(text, close + 1, end);
    if ('.[('.includes(text.charAt(follow)) || text.startsWith('->', follow)) return -1;
    if (TRANSPARENT_MACROS.has(word)) {
      // `unlikely(x)`: neither a call nor a result; what its arguments read.
      return readExpression(text, after + 1, close, offset, true, out) ? close + 1 : -1;
    }
    out.calls.push({ callee: word, start: offset + at, end: offset + close + 1, args });
    out.items.push({ kind: 'result', of: word });
    return close + 1;
  }
  // A member path: `kvm->fw->update`, `vcpu->arch.mp_state`.
  let path = false;
  for (;;) {
    const link = skipSpaces(text, next, end);
    const width = text.startsWith('->', link) ? 2 : text.charAt(link) === '.' ? 1 : 0;
    if (width === 0) break;
    const member = skipSpaces(text, link + width, end);
    WORD.lastIndex = member;
    const name = WORD.exec(text)?.[0];
    if (!name || member + name.length > end) return -1;
    next = member + name.length;
    path = true;
  }
  const follow = text.charAt(skipSpaces(text, next, end));
  if (follow === '[' || (path && follow === '(')) return -1;
  out.items.push(path ? { kind: 'path', text: text.slice(at, next) } : { kind: 'name', name: word });
  return next;
}

function skipSpaces(text: string, at: number, end: number): number {
  while (at < end && isSpaceCode(text.charCodeAt(at))) at++;
  return at;
}
