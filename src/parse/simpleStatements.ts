// Statements whose text alone says what they are: `mutex_lock(&kvm->lock);`,
// `ret = tdx_do_op(kvm, arg);`, `kvm->count += 1;`, `return -EINVAL;`, `goto out;`.
// Most of a kernel function body is such statements, and asking the tree for
// their parts costs a call into WASM and a node object each; here a strict
// pattern over the statement's text gives the same parts. Anything the
// patterns do not cover exactly (nested calls, casts, strings, comments,
// macros the grammar misread) goes to the tree as before.

import { splitOutside } from '../model/cText';
import { NO_ARGUMENTS } from './cShapes';

/** A call `name(plain, args)`; offsets are into the statement's text. */
export interface SimpleCall { callee: string; start: number; end: number; args: string[] }

export type SimpleShape =
  | { kind: 'call'; call: SimpleCall }
  /** `target op value` (`=`, `+=`, ...), the value a plain expression or one call; it ends at `end`. */
  | { kind: 'assign'; target: string; value: string; valueStart: number; end: number; call?: SimpleCall }
  | { kind: 'return'; value?: string; valueStart: number; end: number; call?: SimpleCall }
  | { kind: 'goto'; label: string };

/** Characters that make a value more than plain text: calls, casts, nested assignments, literals, comments, blocks. */
const NOT_PLAIN = /[()"'\/#\\{};=]/;
/**
 * Words the grammar never reads as a function's name: keywords, and the
 * types it knows (`int(x);` and `size_t(x);` are declarations to it).
 */
const NOT_A_FUNCTION = new Set([
  'sizeof', 'alignof', '_Alignof', '__alignof__', 'typeof', '__typeof__', '_Generic', 'asm', '__asm__', 'offsetof', 'defined',
  'if', 'while', 'for', 'switch', 'return', 'do', 'else', 'case', 'goto', 'break', 'continue', 'default', '__extension__',
  'const', 'volatile', 'restrict', '_Atomic', 'static', 'extern', 'register', 'auto', 'inline', 'thread_local', '__thread',
  'noreturn', '_Noreturn', 'struct', 'union', 'enum', 'typedef',
  'void', 'bool', '_Bool', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned',
  'size_t', 'ssize_t', 'ptrdiff_t', 'intptr_t', 'uintptr_t', 'charptr_t', 'nullptr_t', 'max_align_t',
  'int8_t', 'uint8_t', 'int16_t', 'uint16_t', 'int32_t', 'uint32_t', 'int64_t', 'uint64_t', 'char8_t', 'char16_t', 'char32_t',
]);

const CALL = /^([A-Za-z_]\w*)\s*\(([^]*)\)$/;
const ASSIGNMENT = /^([A-Za-z_]\w*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*)*)\s*([-+*|&^%]?=|<<=|>>=)\s*/;
const RETURN = /^return\b\s*/;
const GOTO = /^goto\s+([A-Za-z_]\w*)\s*;$/;
const SPACE = /\s/;

/**
 * What the statement `text` (a tree-sitter node of `type`, its text cut from
 * the source) is, when the text says so exactly; undefined otherwise.
 */
export function simpleShape(type: string, text: string): SimpleShape | undefined {
  if (!text.endsWith(';')) return undefined;
  if (type === 'goto_statement') {
    const label = GOTO.exec(text)?.[1];
    return label ? { kind: 'goto', label } : undefined;
  }
  let end = text.length - 1;
  while (end > 0 && SPACE.test(text.charAt(end - 1))) end--;
  if (type === 'return_statement') {
    const keyword = RETURN.exec(text);
    if (!keyword) return undefined;
    const valueStart = Math.min(keyword[0].length, end);
    if (valueStart === end) return { kind: 'return', valueStart, end };
    const value = text.slice(valueStart, end);
    if (!NOT_PLAIN.test(value)) return { kind: 'return', value, valueStart, end };
    const call = simpleCall(value, valueStart);
    return call ? { kind: 'return', value, valueStart, end, call } : undefined;
  }
  if (type !== 'expression_statement') return undefined;
  const body = text.slice(0, end);
  const assignment = ASSIGNMENT.exec(body);
  if (!assignment) {
    const call = simpleCall(body, 0);
    return call ? { kind: 'call', call } : undefined;
  }
  const valueStart = assignment[0].length;
  const value = body.slice(valueStart);
  if (value === '') return undefined;
  const target = assignment[1]!;
  if (!NOT_PLAIN.test(value)) return { kind: 'assign', target, value, valueStart, end };
  const call = simpleCall(value, valueStart);
  return call ? { kind: 'assign', target, value, valueStart, end, call } : undefined;
}

/** `name(args)` with a plain argument list, as the whole of `text` (which starts at `offset`). */
function simpleCall(text: string, offset: number): SimpleCall | undefined {
  const match = CALL.exec(text);
  if (!match) return undefined;
  const callee = match[1]!;
  const inner = match[2]!;
  if (NOT_PLAIN.test(inner) || NOT_A_FUNCTION.has(callee)) return undefined;
  const call = { callee, start: offset, end: offset + text.length };
  if (inner.trim() === '') return { ...call, args: NO_ARGUMENTS };
  const { parts, balanced } = splitOutside(inner, ',', '[', ']');
  return balanced ? { ...call, args: parts.map((a) => a.trim()) } : undefined;
}
