// The shapes of C syntax the statement reader asks about: a call's parts and
// arguments, an if's parts, names. Where the source text answers as surely as
// the tree, the text is read: each question to the tree is a call into WASM.

import type { SyntaxNode } from './syntaxNode';
import { splitOutside } from '../model/cText';

/** Children but comments: only a comment starts with '/' among a statement's or expression's children. */
export function withoutComments(children: SyntaxNode[]): SyntaxNode[] {
  return children.some((c) => c.startsWith('/')) ? children.filter((c) => !c.startsWith('/')) : children;
}

/** An `else` clause, told by its keyword. */
export function isElseClause(node: SyntaxNode): boolean {
  return node.startsWithWord('else');
}

/*
 * A call_expression's two fields by position: the function is its first named
 * child and the argument list its last (comments can only sit between), so
 * one listing of the children answers both without a field lookup each.
 */
export function calleeOf(call: SyntaxNode): SyntaxNode | null {
  return call.namedChildren[0] ?? null;
}

export function argumentListOf(call: SyntaxNode): SyntaxNode | null {
  const children = call.namedChildren;
  return children.length > 1 ? children[children.length - 1]! : null;
}

/** Whether an argument list (with its parentheses) may hold a call or an assignment. */
export function mayHoldCalls(list: string): boolean {
  return list.indexOf('(', 1) !== -1 || list.includes('=');
}

/** The arguments of every call without any: one shared (frozen) array. */
const NO_ARGUMENTS = Object.freeze([]) as unknown as string[];

/** Characters after which an argument list is no longer plain comma-separated text. */
const NOT_PLAIN = /[()"'\/#\\{};]/;

/**
 * The text of each argument, as the argument nodes would give it. A plain
 * list (no nested parentheses, braces, string, character, comment or
 * preprocessor line: most lock and atomic calls) is split at its commas
 * without asking the tree for a node per argument.
 */
export function argumentTexts(call: SyntaxNode): string[] {
  const list = argumentListOf(call);
  if (!list) return [];
  const text = list.text;
  const inner = text.startsWith('(') && text.endsWith(')') ? text.slice(1, -1) : undefined;
  return (inner !== undefined && plainArguments(inner)) || argumentNodes(call).map((a) => a.text);
}

/**
 * The arguments inside a plain list's parentheses, split at its commas and
 * trimmed; undefined when the list is not plain, or its brackets do not
 * balance (the text is broken, and the tree's recovery is the one to follow).
 */
export function plainArguments(inner: string): string[] | undefined {
  if (!isPlain(inner)) return undefined;
  if (inner.trim() === '') return NO_ARGUMENTS;
  const { parts, balanced } = splitOutside(inner, ',', '[', ']');
  return balanced ? parts.map((a) => a.trim()) : undefined;
}

/** Whether `text` holds none of the characters after which it is no longer plain comma-separated C (see NOT_PLAIN). */
export function isPlain(text: string): boolean {
  return !NOT_PLAIN.test(text);
}

/** The argument nodes, comments left out. */
export function argumentNodes(call: SyntaxNode): SyntaxNode[] {
  const args = argumentListOf(call);
  return args ? withoutComments(args.namedChildren) : [];
}

/** A bare name in an expression is an identifier: told from the text, without asking the tree. */
export function isName(node: SyntaxNode): boolean {
  return isNameText(node.text);
}

export function isNameText(text: string): boolean {
  return NAME.test(text);
}

const NAME = /^[A-Za-z_]\w*$/;

/** `static_call(key)` in a call's function position: the call goes through the ops member `key`. */
export function isStaticCall(fn: SyntaxNode): boolean {
  if (isName(fn) || fn.type !== 'call_expression') return false;
  const name = calleeOf(fn)?.text;
  return name === 'static_call' || name === 'static_call_cond' || name === 'static_call_mod';
}

/** A condition's text without its outer parentheses. */
export function stripParens(text: string): string {
  const trimmed = text.trim();
  return trimmed.startsWith('(') && trimmed.endsWith(')') ? trimmed.slice(1, -1).trim() : trimmed;
}

/** The name a declarator declares, under pointers, arrays and initialisers. */
export function declaredName(declarator: SyntaxNode): string | undefined {
  let node: SyntaxNode | null = declarator;
  while (node && node.type !== 'identifier') {
    node = node.childForFieldName('declarator') ?? node.namedChild(0);
  }
  return node?.text;
}
