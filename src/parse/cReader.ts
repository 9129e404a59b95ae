// Reads kernel C (unbuilt, unpreprocessed) into the model: each function with
// its calls and sync operations in order, ops tables, notifier blocks and the
// synchronization objects a file declares.

import { CParser, MAX_PARSE_BYTES, TreeSlot, type Node } from './treeSitter';
import { StatementReader, type LocMapper } from './cStatements';
import { blankAttributeMacros } from './attributeMacros';
import { SourceText, SyntaxNode } from './syntaxNode';
import { objectRef, type Aliases } from '../model/objects';
import { DEFINING_MACROS, type PrimitiveTable } from '../model/primitives';
import {
  emptyFileModel, type ContextAnnotations, type FileModel, type FunctionSummary, type ObjectDecl, type Origin, type SourceLoc,
} from '../model/types';

export interface CReadOptions {
  table: PrimitiveTable;
  aliases?: Aliases;
  origin?: Origin;
  /** Translates a position in `text` to the file the user has open (patches, mails). */
  mapLoc?: LocMapper;
  /** What the last read of this file left for the next (a file being edited); not with `mapLoc`. */
  reuse?: CReuse;
}

/**
 * Kept between reads of one C file while it is edited: its last tree (the
 * next parse is incremental) and its function summaries by text and place.
 * A function whose definition reads the same, at the same line and column,
 * with the same file-scope names, gets the very summary it had before: no
 * work to build it, and the checks' caches, keyed by summary, still hold.
 * The holder calls dispose() to free the tree, and drops the whole thing
 * when primitives or aliases change (summaries depend on them).
 */
export class CReuse {
  readonly tree = new TreeSlot();
  functions = new Map<string, FunctionSummary>();
  globals = '';

  dispose(): void {
    this.tree.dispose();
    this.functions.clear();
  }
}

/** C types whose variables are synchronization objects worth declaring to the model. */
const SYNC_TYPE = /\b(?:mutex|spinlock_t|raw_spinlock_t|rwlock_t|rw_semaphore|percpu_rw_semaphore|srcu_struct|completion|atomic_t|atomic64_t|atomic_long_t|refcount_t|seqlock_t|seqcount_t|wait_queue_head_t)\b/;

export function readC(parser: CParser, text: string, file: string, options: CReadOptions): FileModel {
  const model = emptyFileModel(file);
  const problem = inputProblem(text);
  if (problem) {
    model.problems.push({ loc: pointLoc(file, 0, 0), severity: 'error', message: problem });
    return model;
  }
  const reuse = options.mapLoc ? undefined : options.reuse;
  // The tree is of the text with attribute macros blanked; every text the model keeps is cut from `text`.
  const parsed = parser.withTree(blankAttributeMacros(text), (tree) => {
    const source = new SourceText(text);
    const { definitions, items, unreadable } = topLevel(tree.rootNode, source);
    reportUnreadable(unreadable, locator(file, options.mapLoc), model);
    const globals = readDeclarations(parser, items, file, options, model);
    readFunctions(definitions, file, options, model, globals, reuse);
    return true;
  }, reuse?.tree);
  if (!parsed) model.problems.push({ loc: pointLoc(file, 0, 0), severity: 'error', message: 'tree-sitter gave up parsing this file within its time budget' });
  return model;
}

/** A function tree-sitter could not read as a definition is said, not silently left out. */
function reportUnreadable(headers: readonly Node[], loc: (node: Node) => SourceLoc, model: FileModel): void {
  for (const header of headers) {
    const name = header.childForFieldName('declarator') ?? header;
    model.problems.push({
      loc: loc(name),
      severity: 'warning',
      message: `${name.text}() could not be read as a function definition (a brace or parenthesis may be missing near here); its calls and locks are not modelled`,
    });
  }
}

/** Why a text cannot be read as source at all, or undefined when it can. */
export function inputProblem(text: string): string | undefined {
  if (text.length > MAX_PARSE_BYTES) return `file is ${(text.length / 1048576).toFixed(1)} MB, over the ${MAX_PARSE_BYTES / 1048576} MB limit for one source file; not analysed`;
  const sample = text.slice(0, 8192);
  if (sample.includes('\0')) return 'file holds binary data (NUL bytes); not analysed';
  return undefined;
}

function pointLoc(file: string, line: number, col: number): SourceLoc {
  return { file, line, col, endLine: line, endCol: col };
}

function locator(file: string, mapLoc: LocMapper | undefined) {
  return (node: Node): SourceLoc => {
    const start = mapLoc ? mapLoc(node.startPosition.row, node.startPosition.column) : { file, line: node.startPosition.row, col: node.startPosition.column };
    const end = mapLoc ? mapLoc(node.endPosition.row, node.endPosition.column) : { file, line: node.endPosition.row, col: node.endPosition.column };
    return { file: start.file, line: start.line, col: start.col, endLine: end.line, endCol: end.col };
  };
}

/** Fills in ops bindings and objects; returns the file-scope variable names. */
function readDeclarations(parser: CParser, items: readonly TopLevelItem[], file: string, options: CReadOptions, model: FileModel): Set<string> {
  const loc = locator(file, options.mapLoc);
  const objects = new Map<string, ObjectDecl>();
  const globals = new Set<string>();
  // Declarations of interest sit at file scope, in `#if` arms or one struct
  // down: each item outside the functions is searched to depth 3 of the file.
  for (const item of items) {
    if (item.depth > DECLARATION_DEPTH) continue;
    const atFileScope = (node: Node | undefined): boolean => item.depth === 1 && node?.id === item.node.id;
    for (const match of parser.queries.declarations.matches(item.node, { maxStartDepth: DECLARATION_DEPTH - item.depth })) {
      const capture = Object.fromEntries(match.captures.map((c) => [c.name, c.node]));
      readDeclaration(capture, atFileScope, loc, model, objects, globals);
    }
  }
  model.objects.push(...objects.values());
  return globals;
}

/** How deep in the file (itself 0) declarations are looked for. */
const DECLARATION_DEPTH = 3;

/** One match of the declarations query: an ops binding, a defined or declared object, or a global. */
function readDeclaration(
  capture: Record<string, Node | undefined>, atFileScope: (node: Node | undefined) => boolean, loc: (node: Node) => SourceLoc,
  model: FileModel, objects: Map<string, ObjectDecl>, globals: Set<string>,
): void {
  if (capture.binding && capture.struct && capture.table && capture.member && capture.target) {
    model.opsBindings.push({
      structType: capture.struct.text,
      table: tableName(capture.binding, capture.table),
      member: capture.member.text,
      target: capture.target.text,
      loc: loc(capture.member),
    });
  } else if ((capture.define || atFileScope(capture.define_call)) && capture.macro && capture.name) {
    const type = DEFINING_MACROS[capture.macro.text];
    if (type) objects.set(capture.name.text, { id: capture.name.text, type, loc: loc(capture.name) });
  } else if (capture.member && capture.struct && capture.type && capture.field) {
    if (SYNC_TYPE.test(capture.type.text)) {
      const id = `${capture.struct.text}.${capture.field.text}`;
      objects.set(id, { id, type: typeName(capture.type.text), loc: loc(capture.field) });
    }
  } else if (atFileScope(capture.global) && capture.type && capture.name) {
    globals.add(capture.name.text);
    if (SYNC_TYPE.test(capture.type.text)) {
      objects.set(capture.name.text, { id: capture.name.text, type: typeName(capture.type.text), loc: loc(capture.name) });
    }
  }
}

/**
 * `static struct kvm_x86_ops vt_x86_ops __initdata = {`: the grammar takes the
 * section attribute for the declarator; the table's name is the word before it.
 */
function tableName(declaration: Node, declarator: Node): string {
  if (!/^__\w+$/.test(declarator.text)) return declarator.text;
  const header = declaration.text.slice(0, declarator.startIndex - declaration.startIndex);
  return /(\w+)\s*$/.exec(header)?.[1] ?? declarator.text;
}

function typeName(text: string): string {
  return text.replace(/^struct\s+/, '').trim();
}

function readFunctions(definitions: readonly Definition[], file: string, options: CReadOptions, model: FileModel, globals: ReadonlySet<string>, reuse: CReuse | undefined): void {
  const loc = locator(file, options.mapLoc);
  const globalNames = reuse ? [...globals].sort().join(' ') : '';
  const previous = reuse?.globals === globalNames ? reuse.functions : undefined;
  const kept = new Map<string, FunctionSummary>();
  for (const { node: definition, body, macro } of definitions) {
    // A macro's definition is keyed by its header alone, which does not cover its body: read it afresh.
    const key = reuse && !macro ? `${definition.startPosition.row}:${definition.startPosition.column}:${definition.text}` : undefined;
    const same = key === undefined ? undefined : previous?.get(key);
    if (same) {
      model.functions.push(same);
      kept.set(key!, same);
      continue;
    }
    const head = macro ?? functionHead(definition);
    if (!head) continue;
    const { nameNode, params } = head;
    const paramSet = new Set(params);
    const locals = new Map<string, string>();
    const reader = new StatementReader({
      table: options.table,
      aliases: options.aliases ?? new Map(),
      file,
      ...(options.mapLoc ? { mapLoc: options.mapLoc } : {}),
      isParam: (name) => paramSet.has(name),
      locals,
      globals,
      undeclared: 'object',
    });
    const summary: FunctionSummary = {
      name: head.name,
      origin: options.origin ?? 'c',
      file: loc(nameNode).file,
      params,
      body: reader.readBlock(body),
      annotations: annotations(macro ? '' : text(definition, body), options.aliases),
      loc: loc(nameNode),
      entry: false,
      locals: Object.fromEntries(locals),
    };
    model.functions.push(summary);
    if (key !== undefined) kept.set(key, summary);
  }
  if (reuse) {
    reuse.functions = kept;
    reuse.globals = globalNames;
  }
}

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
interface TopLevelItem { node: Node; depth: number }

/**
 * A function definition, and the view of its body the statement reader reads
 * (and topLevel has begun to); `macro` when a macro defines it.
 */
interface Definition { node: Node; body: SyntaxNode; macro?: FunctionHead }

/**
 * The file's function definitions and its other items, in file order. A walk
 * over containers only, and into a body only as far as its own statements: a
 * tree-sitter query over the whole tree cost several times as much.
 */
function topLevel(root: Node, source: SourceText): { definitions: Definition[]; items: TopLevelItem[]; unreadable: Node[] } {
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
interface FunctionHead { name: string; nameNode: Node; params: string[] }

function functionHead(definition: Node): FunctionHead | undefined {
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

/** The definition's text before its body: return type, name, parameters, annotations. */
function text(definition: Node, body: SyntaxNode): string {
  return definition.text.slice(0, body.startIndex - definition.startIndex);
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

/** Sparse's `__acquires(x)`, `__releases(x)`, `__must_hold(x)` on the definition. */
function annotations(header: string, aliases: Aliases | undefined): ContextAnnotations {
  const found: ContextAnnotations = { acquires: [], releases: [], mustHold: [] };
  const key = { __acquires: 'acquires', __releases: 'releases', __must_hold: 'mustHold' } as const;
  for (const m of header.matchAll(/\b(__acquires|__releases|__must_hold)\s*\(([^()]*(?:\([^()]*\))?[^()]*)\)/g)) {
    const which = key[m[1] as keyof typeof key];
    found[which].push(objectRef(m[2] ?? '', aliases)?.id ?? (m[2] ?? '').trim());
  }
  return found;
}
