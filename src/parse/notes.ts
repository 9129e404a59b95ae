// Reads reviewers' call-chain notes (seed 000's notation) into functions.
//
//   reload_store()                       an unprefixed line is an entry point
//   -> tdx_module_update(force_load)     `->` is a call; indentation nests
//      => tdx_update_notifier()          `=>` is what an indirect call dispatches to
//         fw->update = true;             statements and control lines sit inline
//
// The arrows and indentation are line-based; the text of each line is C, so
// each line is parsed with tree-sitter-c (all lines of a region in one parse).

import type { CParser } from './treeSitter';
import { SourceText, SyntaxNode } from './syntaxNode';
import { StatementReader, type StatementContext } from './cStatements';
import type { Aliases } from '../model/objects';
import type { PrimitiveTable } from '../model/primitives';
import type { CallStmt, FunctionSummary, InputProblem, NotesAssertion, SourceLoc, Stmt } from '../model/types';

export interface NotesOptions {
  table: PrimitiveTable;
  aliases?: Aliases;
}

type LineKind = 'entry' | 'call' | 'dispatch' | 'close' | 'path' | 'statement';

export interface NotesLine {
  kind: LineKind;
  /** Index into the region's lines. */
  index: number;
  /** Column where the line's text starts (after indentation). */
  col: number;
  /** Column of the content after an arrow, which decides nesting. */
  contentCol: number;
  /** The C text of the line, without arrow and comment. */
  code: string;
  comment?: string;
}

const ENTRY = /^[A-Za-z_]\w*\s*\(.*\)\s*;?\s*$/;
const KEYWORDS = /^(?:if|else|for|while|do|switch|return|case|default|break|continue|goto|sizeof)\b/;

/** Splits one line into its notes kind, columns, C text and comment. */
export function classifyLine(text: string, index: number): NotesLine | undefined {
  const commentAt = commentStart(text);
  const comment = commentAt >= 0 ? text.slice(commentAt + 2).trim() : undefined;
  const body = (commentAt >= 0 ? text.slice(0, commentAt) : text).replace(/\s+$/, '');
  const col = body.search(/\S/);
  if (col < 0) return undefined;
  const rest = body.slice(col);
  const line = (kind: LineKind, code: string, contentCol: number): NotesLine =>
    comment !== undefined ? { kind, index, col, contentCol, code, comment } : { kind, index, col, contentCol, code };
  const arrow = /^(->|=>)\s*/.exec(rest);
  if (arrow) {
    const contentCol = col + arrow[0].length;
    return line(arrow[1] === '->' ? 'call' : 'dispatch', rest.slice(arrow[0].length), contentCol);
  }
  if (/^}/.test(rest)) return line('close', rest, col);
  if (/^(?:case\b.*|default\s*):$/.test(rest)) return line('path', rest, col);
  if (col === 0 && ENTRY.test(rest) && !KEYWORDS.test(rest)) return line('entry', rest, col);
  return line('statement', rest, col);
}

/** `//` outside string literals. */
function commentStart(text: string): number {
  let inString = false;
  for (let i = 0; i < text.length - 1; i++) {
    const ch = text[i];
    if (ch === '"' && text[i - 1] !== '\\') inString = !inString;
    else if (!inString && ch === '/' && text[i + 1] === '/') return i;
  }
  return -1;
}

/** The C snippet that parses a notes line, and where the line's code starts in it. */
function snippet(line: NotesLine): string {
  let code = line.code.trim();
  if (line.kind === 'close') {
    const elseIf = /^}\s*else\s+(if\s*\(.*\))\s*{?$/.exec(code);
    code = elseIf ? `${elseIf[1]} {}` : '';
  } else if (line.kind === 'path') {
    code = '';
  } else if (code.endsWith('{')) {
    code += '}';
  } else if (/^(?:if|while|for)\b/.test(code)) {
    code += ' ;';
  } else if (!code.endsWith(';')) {
    code += ';';
  }
  return code;
}

const PREFIX = 'void __rl(void){';

export interface NotesResult {
  functions: FunctionSummary[];
  problems: InputProblem[];
  /** Each classified line with its parsed statements, for timelines. */
  parsed: Map<number, Stmt[]>;
  /** `// racelens: never A && B` and `// racelens: always-before A B` comment lines. */
  assertions: NotesAssertion[];
}

/** `racelens: label NAME` inside a line's comment. */
const LABEL_DIRECTIVE = /\bracelens:\s*label\s+([A-Za-z_][\w.-]*)/;
/** A comment line holding an assertion: `// racelens: never A && B`, `// racelens: always-before A B`. */
const ASSERTION_LINE = /^(\s*\/\/\s*racelens:\s*)((never|always-before)\b.*?)\s*$/;
const NEVER_BODY = /^never\s+([A-Za-z_][\w.-]*)\s*&&\s*([A-Za-z_][\w.-]*)$/;
const BEFORE_BODY = /^always-before\s+([A-Za-z_][\w.-]*)\s+([A-Za-z_][\w.-]*)$/;

/** The label a line's comment gives it, if any. */
export function labelOf(comment: string | undefined): string | undefined {
  return comment === undefined ? undefined : LABEL_DIRECTIVE.exec(comment)?.[1];
}

/** Assertion comment lines of a region; a malformed one is a problem, not an assertion. */
function readAssertions(lines: readonly string[], file: string, firstLine: number, problems: InputProblem[]): NotesAssertion[] {
  const found: NotesAssertion[] = [];
  lines.forEach((text, i) => {
    const m = ASSERTION_LINE.exec(text);
    if (!m) return;
    const line = firstLine + i;
    const col = m[1]!.length;
    const loc: SourceLoc = { file, line, col, endLine: line, endCol: col + m[2]!.length };
    const body = m[2]!;
    const parts = NEVER_BODY.exec(body) ?? BEFORE_BODY.exec(body);
    if (!parts) {
      const expected = m[3] === 'never' ? '`never NAME1 && NAME2`' : '`always-before NAME1 NAME2`';
      problems.push({ loc, severity: 'warning', message: `cannot read this assertion; expected ${expected}: ${body}` });
      return;
    }
    found.push({ kind: m[3] as NotesAssertion['kind'], labels: [parts[1]!, parts[2]!], text: body, loc });
  });
  return found;
}

/**
 * Reads a region of notes. `firstLine` is the file line of `lines[0]`;
 * `colOffset` is added to every column (timeline columns start mid-line).
 */
export function readNotes(parser: CParser, lines: readonly string[], file: string, firstLine: number, options: NotesOptions): NotesResult {
  const classified = lines.map((text, i) => classifyLine(text, i));
  const source = classified.map((l) => (l ? `${PREFIX}${' '.repeat(l.contentCol)}${snippet(l)}}` : '')).join('\n');
  const locals = new Map<string, string>();
  const context: StatementContext = {
    table: options.table,
    aliases: options.aliases ?? new Map(),
    file,
    mapLoc: (line, col) => ({ file, line: firstLine + line, col: Math.max(0, col - PREFIX.length) }),
    isParam: (name) => !locals.has(name),
    locals,
    globals: new Set(),
    undeclared: 'param',
  };
  const parsed = new Map<number, Stmt[]>();
  parser.withTree(source, (tree) => {
    const text = new SourceText(source);
    for (const fn of tree.rootNode.namedChildren) {
      if (fn?.type !== 'function_definition') continue;
      const body = fn.childForFieldName('body');
      const row = fn.startPosition.row;
      // Each entry point starts a chain of its own: nothing is assigned yet.
      if (classified[row]?.kind === 'entry') locals.clear();
      if (body) parsed.set(row, statementsOf(new StatementReader(context), new SyntaxNode(body, text)));
    }
  });
  const builder = new ChainBuilder(file, firstLine, lines);
  for (const line of classified) {
    if (!line) continue;
    const stmts = parsed.get(line.index) ?? [];
    const label = labelOf(line.comment);
    if (label !== undefined) for (const stmt of stmts) (stmt.labels ??= []).push(label);
    builder.add(line, stmts);
  }
  const assertions = readAssertions(lines, file, firstLine, builder.problems);
  return { functions: builder.finish(), problems: builder.problems, parsed, assertions };
}

function statementsOf(reader: StatementReader, body: SyntaxNode): Stmt[] {
  return body.namedChildren.flatMap((c) => reader.readStatement(c));
}

interface Frame {
  /** Lines whose content column is greater than this nest inside. */
  contentCol: number;
  body: Stmt[];
  kind: 'function' | 'call' | 'block';
  call?: CallStmt;
  /** Block frames: the `if` line, for a missing `}` message. */
  opened?: SourceLoc;
  /** Block frames: the branch whose arm this is, for `} else {`. */
  branch?: Extract<Stmt, { kind: 'branch' }>;
}

/** Builds the nested chains line by line from indentation and braces. */
class ChainBuilder {
  readonly problems: InputProblem[] = [];
  private readonly functions: FunctionSummary[] = [];
  private stack: Frame[] = [];
  private current: FunctionSummary | undefined;

  constructor(
    private readonly file: string,
    private readonly firstLine: number,
    private readonly lines: readonly string[],
  ) {}

  private loc(line: NotesLine): SourceLoc {
    const end = (this.lines[line.index] ?? '').replace(/\s+$/, '').length;
    return { file: this.file, line: this.firstLine + line.index, col: line.col, endLine: this.firstLine + line.index, endCol: end };
  }

  add(line: NotesLine, stmts: Stmt[]): void {
    if (line.kind === 'entry') return this.startEntry(line, stmts);
    if (!this.current) {
      this.problems.push({ loc: this.loc(line), severity: 'warning', message: `notes line before any entry point (an unprefixed \`name()\` line); ignored: ${line.code.trim()}` });
      return;
    }
    if (line.kind === 'close') return this.close(line, stmts);
    if (line.kind === 'dispatch') return this.dispatch(line, stmts);
    if (line.kind === 'path') {
      // `case X:` only marks the path taken; reviewers align it with the
      // callee's name, so it closes nothing.
      const frame = [...this.stack].reverse().find((f) => f.contentCol <= line.col) ?? this.stack[0]!;
      frame.body.push({ kind: 'path', text: line.code.trim(), loc: this.loc(line) });
      return;
    }
    const parent = this.parentFor(line.contentCol);
    if (stmts.length === 0) {
      this.problems.push({ loc: this.loc(line), severity: 'warning', message: `cannot read this notes line as C: ${line.code.trim()}` });
      return;
    }
    if (line.kind === 'call') return this.call(line, stmts, parent);
    // A statement line; `if (...) {` opens a block that nests what follows.
    parent.body.push(...stmts);
    const last = stmts[stmts.length - 1];
    if (last?.kind === 'branch' && line.code.trim().endsWith('{')) {
      this.stack.push({ contentCol: line.col, body: last.then, kind: 'block', opened: this.loc(line), branch: last });
    }
  }

  private startEntry(line: NotesLine, stmts: Stmt[]): void {
    const call = stmts.find((s): s is CallStmt => s.kind === 'call');
    const loc = this.loc(line);
    this.current = {
      name: call?.callee ?? line.code.replace(/\(.*$/, '').trim(),
      origin: 'notes',
      file: this.file,
      params: call?.args ?? [],
      body: [],
      annotations: { acquires: [], releases: [], mustHold: [] },
      loc: { ...loc, endCol: loc.col + (call?.callee.length ?? line.code.length) },
      entry: true,
      locals: {},
    };
    this.functions.push(this.current);
    this.stack = [{ contentCol: -1, body: this.current.body, kind: 'function' }];
  }

  /** The innermost frame a line at `contentCol` nests in; frames it leaves are closed. */
  private parentFor(contentCol: number): Frame {
    while (this.stack.length > 1 && this.stack[this.stack.length - 1]!.contentCol >= contentCol) {
      const left = this.stack.pop()!;
      if (left.kind === 'block' && left.opened) {
        this.problems.push({ loc: left.opened, severity: 'info', message: 'block has no closing `}` in the notes; closed by indentation' });
      }
    }
    return this.stack[this.stack.length - 1]!;
  }

  private call(line: NotesLine, stmts: Stmt[], parent: Frame): void {
    const main = [...stmts].reverse().find((s): s is CallStmt => s.kind === 'call');
    parent.body.push(...stmts);
    if (!main) return;
    main.body = [];
    // A primitive has no body of its own: lines nested under it continue the caller.
    const body = main.op ? parent.body : main.body;
    this.stack.push({ contentCol: line.contentCol, body, kind: 'call', call: main });
  }

  /** `=> impl()`: the target of the call on the line above at the same column. */
  private dispatch(line: NotesLine, stmts: Stmt[]): void {
    const target = stmts.find((s): s is CallStmt => s.kind === 'call')?.callee ?? line.code.replace(/\(.*$/, '').trim();
    while (this.stack.length > 1) {
      const top = this.stack[this.stack.length - 1]!;
      if (top.kind === 'call' && top.contentCol <= line.contentCol) break;
      this.stack.pop();
    }
    const top = this.stack[this.stack.length - 1]!;
    if (top.kind !== 'call' || !top.call) {
      this.problems.push({ loc: this.loc(line), severity: 'warning', message: `\`=> ${target}\` follows no call to dispatch from` });
      return;
    }
    if (top.call.op) {
      this.problems.push({ loc: this.loc(line), severity: 'warning', message: `\`=> ${target}\` follows \`${top.call.callee}\`, a known primitive, which dispatches nowhere; ignored` });
      return;
    }
    (top.call.dispatch ??= []).push(target);
    top.contentCol = line.contentCol;
  }

  private close(line: NotesLine, stmts: Stmt[]): void {
    while (this.stack.length > 1) {
      const top = this.stack.pop()!;
      if (top.kind === 'block' && top.contentCol <= line.col) {
        // `} else {` / `} else if (...) {` continues the same branch.
        const elseOf = /^}\s*else\b/.test(line.code.trim());
        if (elseOf) this.openElse(line, stmts, top);
        return;
      }
    }
    this.problems.push({ loc: this.loc(line), severity: 'warning', message: '`}` closes no block opened in these notes' });
  }

  private openElse(line: NotesLine, stmts: Stmt[], block: Frame): void {
    const branch = block.branch;
    if (!branch) return;
    const nested = stmts[stmts.length - 1];
    if (nested?.kind === 'branch') {
      branch.else.push(...stmts);
      this.stack.push({ contentCol: line.col, body: nested.then, kind: 'block', opened: this.loc(line), branch: nested });
    } else {
      this.stack.push({ contentCol: line.col, body: branch.else, kind: 'block', opened: this.loc(line), branch });
    }
  }

  finish(): FunctionSummary[] {
    return this.functions;
  }
}
