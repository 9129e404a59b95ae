// Reads kernel C (unbuilt, unpreprocessed) into the model: each function with
// its calls and sync operations in order, ops tables, notifier blocks and the
// synchronization objects a file declares.

import { CParser, MAX_PARSE_BYTES, TreeSlot, type Node } from './treeSitter';
import { StatementReader, type LocMapper } from './cStatements';
import { grammarText } from './grammarText';
import { DECLARATION_DEPTH, functionHead, topLevel, type Definition, type TopLevelItem } from './cTopLevel';
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

/** The locals of a function that has none, shared (frozen). */
const NO_LOCALS: Record<string, string> = Object.freeze({});

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
  // The tree is of the text with attribute macros blanked and block macros read as `while`
  // (same offsets); every text the model keeps is cut from `text`.
  const { parsed: forGrammar, changed } = grammarText(text);
  const parsed = parser.withTree(forGrammar, (tree) => {
    const source = new SourceText(text, changed);
    const { definitions, items, unreadable } = topLevel(tree.rootNode, source);
    reportUnreadable(unreadable, locator(file, options.mapLoc), model);
    const globals = readDeclarations(parser, items, file, options, model);
    readFunctions(definitions, file, options, model, globals, reuse, !tree.rootNode.hasError);
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

function readFunctions(
  definitions: readonly Definition[], file: string, options: CReadOptions, model: FileModel, globals: ReadonlySet<string>,
  reuse: CReuse | undefined, errorFree: boolean,
): void {
  const loc = locator(file, options.mapLoc);
  const globalNames = reuse ? [...globals].sort().join(' ') : '';
  const previous = reuse?.globals === globalNames ? reuse.functions : undefined;
  const kept = new Map<string, FunctionSummary>();
  const aliases = options.aliases ?? new Map<string, string>();
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
      aliases,
      file,
      ...(options.mapLoc ? { mapLoc: options.mapLoc } : {}),
      isParam: (name) => paramSet.has(name),
      locals,
      globals,
      undeclared: 'object',
      errorFree,
    });
    const nameLoc = loc(nameNode);
    const summary: FunctionSummary = {
      name: head.name,
      origin: options.origin ?? 'c',
      file: nameLoc.file,
      params,
      body: reader.readBlock(body),
      annotations: annotations(macro ? '' : text(definition, body), options.aliases),
      loc: nameLoc,
      entry: false,
      locals: locals.size === 0 ? NO_LOCALS : Object.fromEntries(locals),
    };
    model.functions.push(summary);
    if (key !== undefined) kept.set(key, summary);
  }
  if (reuse) {
    reuse.functions = kept;
    reuse.globals = globalNames;
  }
}

/** The definition's text before its body: return type, name, parameters, annotations. */
function text(definition: Node, body: SyntaxNode): string {
  return definition.text.slice(0, body.startIndex - definition.startIndex);
}

const ANNOTATED = /\b__(?:acquires|releases|must_hold)\b/;
const NO_ANNOTATIONS: ContextAnnotations = Object.freeze({
  acquires: Object.freeze([]) as unknown as string[],
  releases: Object.freeze([]) as unknown as string[],
  mustHold: Object.freeze([]) as unknown as string[],
});

/** Sparse's `__acquires(x)`, `__releases(x)`, `__must_hold(x)` on the definition. */
function annotations(header: string, aliases: Aliases | undefined): ContextAnnotations {
  // Most functions have none: they share one empty (frozen) value rather than four objects each.
  if (!ANNOTATED.test(header)) return NO_ANNOTATIONS;
  const found: ContextAnnotations = { acquires: [], releases: [], mustHold: [] };
  const key = { __acquires: 'acquires', __releases: 'releases', __must_hold: 'mustHold' } as const;
  for (const m of header.matchAll(/\b(__acquires|__releases|__must_hold)\s*\(([^()]*(?:\([^()]*\))?[^()]*)\)/g)) {
    const which = key[m[1] as keyof typeof key];
    found[which].push(objectRef(m[2] ?? '', aliases)?.id ?? (m[2] ?? '').trim());
  }
  return found;
}
