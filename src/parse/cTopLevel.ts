// What sits at the top of a C file: function definitions (a macro's too), the
// other items the declarations query looks at, and function headers error
// recovery left without a body. The walk goes into containers (`#if` arms,
// error recovery) and into a body only as far as its own statements.

import type { Node } from './treeSitter';
import { SyntaxNode, type SourceText } from './syntaxNode';

/** How deep in the file (itself 0) declarations are looked for. */
export const DECLARATION_DEPTH = 3;

/**
 * Nodes that hold top-level items: the file, `#if` arms, `extern "C" { }`, and
 * what error recovery wrapped (an ERROR, or a block with no function around it).
 */
const TOP_LEVEL_CONTAINERS = new Set([
  'translation_unit', 'preproc_if', 'preproc_ifdef', 'preproc_elif', 'preproc_elifdef', 'preproc_else',
  'linkage_specification', 'declaration_list', 'ERROR', 'compound_statement',
]);

/** How deep definitions are looked for (the file is 0): nested `#if`s in kernel code rarely pass three. */
const MAX_DEFINITION_DEPTH = 6;

/**
 * A statement of a body that could be what the declarations query looks for: a
 * struct, an initialised table, `DEFINE_MUTEX(x);` (a local static, or a file's
 * declaration a definition missing its brace took in). Told from the text, so
 * the query runs on few of a body's declarations.
 */
function mayDeclare(statement: SyntaxNode): boolean {
  const type = statement.type;
  if (type === 'struct_specifier') return true;
  if (type !== 'declaration') return false;
  const text = statement.text;
  return text.includes('{') || (text.includes('(') && !text.includes('='));
}

/** A named node at file scope or in a container, other than a function definition; depth 1 is file scope. */
export interface TopLevelItem { node: Node; depth: number }

/**
 * A function definition, and the view of its body the statement reader reads
 * (and topLevel has begun to); `macro` when a macro defines it.
 */
export interface Definition { node: Node; body: SyntaxNode; macro?: FunctionHead }

/**
 * The file's function definitions and its other items, in file order. A walk
 * over containers only, and into a body only as far as its own statements: a
 * tree-sitter query over the whole tree cost several times as much.
 */
export function topLevel(root: Node, source: SourceText): { definitions: Definition[]; items: TopLevelItem[]; unreadable: Node[] } {
  const definitions: Definition[] = [];
  const items: TopLevelItem[] = [];
  // Function headers that error recovery left without their definition.
  const unreadable: Node[] = [];
  const define = (node: Node, depth: number): void => {
    const body = node.childForFieldName('body');
    if (!body) return;
    const view = new SyntaxNode(body, source);
    if (view.type !== 'compound_statement') return;
    definitions.push({ node, body: view });
    // A struct defined in the return type (or a struct missing its brace, taken for one).
    const type = source.text.slice(node.startIndex, body.startIndex).includes('{') ? node.childForFieldName('type') : null;
    if (type && depth + 1 <= DECLARATION_DEPTH) items.push({ node: type, depth: depth + 1 });
    scanBody(view, depth);
  };
  // A definition missing its closing brace takes the ones after it into its body; they are
  // definitions still. Its statements' types are asked here once, and kept for the reader.
  const scanBody = (view: SyntaxNode, depth: number): void => {
    if (depth + 2 > MAX_DEFINITION_DEPTH) return;
    for (const statement of view.namedChildren) {
      if (statement.type === 'function_definition') define(statement.node, depth + 2);
      else if (depth + 2 <= DECLARATION_DEPTH && mayDeclare(statement)) items.push({ node: statement.node, depth: depth + 2 });
    }
  };
  const visit = (node: Node, depth: number): void => {
    const children = node.namedChildren;
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (!child) continue;
      const type = child.type;
      const next = children[i + 1];
      const macro = type === 'expression_statement' && next?.type === 'compound_statement' ? syscallHead(child) : undefined;
      if (macro && next) {
        const view = new SyntaxNode(next, source);
        definitions.push({ node: child, body: view, macro });
        scanBody(view, depth);
        i++;
      } else if (type === 'function_definition') define(child, depth);
      else if (depth < MAX_DEFINITION_DEPTH && TOP_LEVEL_CONTAINERS.has(type)) visit(child, depth + 1);
      else if (type !== 'comment') items.push({ node: child, depth });
      if (type === 'function_declarator' && node.type === 'ERROR') unreadable.push(child);
    }
  };
  visit(root, 1);
  return { definitions, items, unreadable };
}

/** What a definition's header says: the name (and its node) and the parameters' names. */
export interface FunctionHead { name: string; nameNode: Node; params: string[] }

export function functionHead(definition: Node): FunctionHead | undefined {
  const declarator = definition.childForFieldName('declarator');
  const fnDeclarator = declarator ? findFunctionDeclarator(declarator) : undefined;
  const nameNode = fnDeclarator?.childForFieldName('declarator');
  if (!fnDeclarator || !nameNode || nameNode.type !== 'identifier') return undefined;
  return { name: nameNode.text, nameNode, params: parameterNames(fnDeclarator) };
}

/**
 * `SYSCALL_DEFINE3(frob, int, fd, ...) { }` (include/linux/syscalls.h): the
 * grammar sees a call missing its semicolon and a block. It defines
 * `sys_frob` (`compat_sys_frob` for COMPAT_), whose parameters are every
 * second argument after the name.
 */
function syscallHead(statement: Node): FunctionHead | undefined {
  const call = statement.namedChildren[0];
  const macro = call?.type === 'call_expression' ? /^(COMPAT_)?SYSCALL_DEFINE\d$/.exec(call.childForFieldName('function')?.text ?? '') : null;
  const list = macro ? call?.childForFieldName('arguments') : null;
  const nameNode = list?.namedChildren[0];
  if (!macro || !list || !nameNode || nameNode.type !== 'identifier') return undefined;
  const args = list.text.slice(1, -1).split(',').map((a) => a.trim());
  const params = args.filter((_, i) => i >= 2 && i % 2 === 0 && /^\w+$/.test(args[i] ?? ''));
  return { name: `${macro[1] ? 'compat_' : ''}sys_${nameNode.text}`, nameNode, params };
}

function findFunctionDeclarator(node: Node): Node | undefined {
  let current: Node | null = node;
  while (current) {
    if (current.type === 'function_declarator') return current;
    current = current.childForFieldName('declarator');
  }
  return undefined;
}

function parameterNames(fnDeclarator: Node): string[] {
  const list = fnDeclarator.childForFieldName('parameters');
  const plain = list ? plainParameterNames(list.text) : undefined;
  if (plain) return plain;
  const names: string[] = [];
  for (const param of list?.namedChildren ?? []) {
    if (!param || param.type !== 'parameter_declaration') continue;
    let node = param.childForFieldName('declarator');
    while (node && node.type !== 'identifier') node = node.childForFieldName('declarator') ?? node.namedChild(0);
    if (node) names.push(node.text);
  }
  return names;
}

/** Characters that make a parameter list more than `type name, type name`: function pointers, arrays, comments, macros. */
const NOT_PLAIN_PARAMETERS = /[()[\]/#"'\\]/;
/** Words that end a type, never a name: a parameter ending in one has no name. */
const TYPE_WORD = /^(?:void|char|short|int|long|float|double|signed|unsigned|bool|_Bool|struct|union|enum|const|volatile)$/;
/** Words that need a type word after them. */
const QUALIFIER = /^(?:struct|union|enum|const|volatile)$/;

/**
 * The names in a plain parameter list, read from its text: the last word of
 * each parameter. Undefined whenever the text leaves any doubt (a parameter
 * without a name, an attribute after the name, anything but words, `*` and
 * commas), and the tree is asked instead.
 */
function plainParameterNames(list: string): string[] | undefined {
  if (!list.startsWith('(') || !list.endsWith(')')) return undefined;
  const inner = list.slice(1, -1);
  if (NOT_PLAIN_PARAMETERS.test(inner)) return undefined;
  const params = inner.split(',').map((p) => p.trim());
  if (params.length === 1 && (params[0] === 'void' || params[0] === '')) return [];
  const names: string[] = [];
  for (const param of params) {
    const words = /^((?:[A-Za-z_]\w*[\s*]+)+)([A-Za-z_]\w*)$/.exec(param);
    const name = words?.[2];
    if (!name || TYPE_WORD.test(name) || name.startsWith('__')) return undefined;
    // `struct kvm` or `const u64`: the last word is the type, the parameter is unnamed.
    if ((words?.[1] ?? '').split(/[\s*]+/).every((w) => w === '' || QUALIFIER.test(w))) return undefined;
    names.push(name);
  }
  return names;
}
