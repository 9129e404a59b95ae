// Statements whose text alone says what they are: `mutex_lock(&kvm->lock);`,
// `ret = tdx_do_op(kvm, arg);`, `kvm->count += 1;`, `return -EINVAL;`, `goto out;`,
// `unsigned long flags, j;`, `struct kvm_vcpu *vcpu = kvm_get_vcpu(kvm, 0);`.
// Most of a kernel function body is such statements, and asking the tree for
// their parts costs a call into WASM and a node object each; here a strict
// pattern over the statement's text gives the same parts. Anything the
// patterns do not cover exactly (nested calls, casts, strings, comments,
// macros the grammar misread) goes to the tree as before.

import { splitOutside } from '../model/cText';
import { isPlain, plainArguments } from './cShapes';

/** A call `name(plain, args)`; offsets are into the statement's text. */
export interface SimpleCall { callee: string; start: number; end: number; args: string[] }

export type SimpleShape =
  | { kind: 'call'; call: SimpleCall }
  /** `target op value` (`=`, `+=`, ...), the value a plain expression or one call; it ends at `end`. */
  | { kind: 'assign'; target: string; value: string; valueStart: number; end: number; call?: SimpleCall }
  | { kind: 'return'; value?: string; valueStart: number; end: number; call?: SimpleCall }
  | { kind: 'goto'; label: string }
  /** The grammar's `type` field (qualifiers and storage class left out, as it does), and each declarator. */
  | { kind: 'declaration'; type: string; declarators: SimpleDeclarator[] };

/** `name`, `*name`, `name[N]`, with `= value` (plain, or one call); `pointer` for `*name`. */
export interface SimpleDeclarator { name: string; pointer: boolean; value?: string; call?: SimpleCall }

/** A value without calls, casts, nested assignments, literals, comments or blocks. */
export function isPlainValue(text: string): boolean {
  return isPlain(text) && !text.includes('=');
}
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
    if (isPlainValue(value)) return { kind: 'return', value, valueStart, end };
    const call = simpleCall(value, valueStart);
    return call ? { kind: 'return', value, valueStart, end, call } : undefined;
  }
  if (type === 'declaration') return declarationShape(text, end);
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
  if (isPlainValue(value)) return { kind: 'assign', target, value, valueStart, end };
  const call = simpleCall(value, valueStart);
  return call ? { kind: 'assign', target, value, valueStart, end, call } : undefined;
}

/** `name(args)` with a plain argument list, as the whole of `text` (which starts at `offset`). */
function simpleCall(text: string, offset: number): SimpleCall | undefined {
  const match = CALL.exec(text);
  if (!match) return undefined;
  const callee = match[1]!;
  const inner = match[2]!;
  // An `=` among the arguments is an assignment the tree walk would read.
  if (inner.includes('=') || NOT_A_FUNCTION.has(callee)) return undefined;
  const args = plainArguments(inner);
  return args && { callee, start: offset, end: offset + text.length, args };
}

/** Words before a declaration's type that the grammar keeps out of its `type` field. */
const QUALIFIERS = new Set(['static', 'const', 'volatile', 'register', 'extern', 'inline', 'auto']);
/** Words of a sized type (`unsigned long`), and what may end one (`unsigned long int`). */
const SIZED = new Set(['unsigned', 'signed', 'short', 'long']);
const SIZED_END = new Set(['int', 'char', 'double']);
/** Words that start a declaration without being its type. */
const NOT_A_TYPE = new Set(['typeof', '__typeof__', '__typeof', 'typeof_unqual', '_Atomic', '__attribute__', '__extension__', 'typedef', 'sizeof']);
const WORD = /[A-Za-z_]\w*/y;
const SPACES = /\s*/y;
const DECLARATOR = /^(\**)\s*([A-Za-z_]\w*)\s*(\[[^[\]]*\])?\s*(?:=\s*([^]+))?$/;

function wordAt(text: string, at: number): string | undefined {
  WORD.lastIndex = at;
  return WORD.exec(text)?.[0];
}

function spacesAfter(text: string, at: number): number {
  SPACES.lastIndex = at;
  SPACES.exec(text);
  return SPACES.lastIndex;
}

/** `[qualifiers] type declarator, declarator;` with the type a word, `struct X`, or a sized type. */
function declarationShape(text: string, end: number): SimpleShape | undefined {
  let at = 0;
  let word = wordAt(text, at);
  while (word !== undefined && QUALIFIERS.has(word)) {
    at = spacesAfter(text, at + word.length);
    word = wordAt(text, at);
  }
  if (word === undefined) return undefined;
  const typeStart = at;
  let typeEnd: number;
  if (word === 'struct' || word === 'union' || word === 'enum') {
    at = spacesAfter(text, at + word.length);
    const tag = wordAt(text, at);
    if (tag === undefined || at === typeStart + word.length) return undefined;
    typeEnd = at + tag.length;
  } else if (SIZED.has(word)) {
    while (word !== undefined && SIZED.has(word)) {
      typeEnd = at + word.length;
      at = spacesAfter(text, typeEnd);
      word = wordAt(text, at);
    }
    if (word !== undefined && SIZED_END.has(word)) typeEnd = at + word.length;
  } else if (NOT_A_TYPE.has(word)) {
    return undefined;
  } else {
    typeEnd = at + word.length;
  }
  const declarators: SimpleDeclarator[] = [];
  const { parts, balanced } = splitOutside(text.slice(typeEnd!, end), ',');
  if (!balanced) return undefined;
  let offset = typeEnd!;
  for (const part of parts) {
    const lead = spacesAfter(part, 0);
    const trimmed = part.trim();
    const match = DECLARATOR.exec(trimmed);
    if (!match || NOT_A_FUNCTION.has(match[2]!)) return undefined;
    const declarator: SimpleDeclarator = { name: match[2]!, pointer: match[1] !== '' };
    const value = match[4];
    if (value !== undefined) {
      declarator.value = value;
      if (!isPlainValue(value)) {
        const call = simpleCall(value, offset + lead + trimmed.length - value.length);
        if (!call) return undefined;
        declarator.call = call;
      }
    }
    declarators.push(declarator);
    offset += part.length + 1;
  }
  return { kind: 'declaration', type: text.slice(typeStart, typeEnd!), declarators };
}
