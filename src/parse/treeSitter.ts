// Loads web-tree-sitter and the C grammar from WASM files at an explicit
// path (dist/ in the bundle), once per process. No native addon: the same
// code runs in desktop VS Code, the web workbench and the command line.

import { Language, Parser, Query, type Edit, type Node, type Tree } from 'web-tree-sitter';
import { join } from 'node:path';
import declarationsQuery from './queries/declarations.scm';

export type { Node, Tree };

/** The compiled queries, by the file they come from. */
export interface CQueries {
  declarations: Query;
}

export const QUERY_SOURCES: Readonly<Record<keyof CQueries, string>> = {
  declarations: declarationsQuery,
};

/** Files bigger than this are reported, not parsed: no kernel source file comes close. */
export const MAX_PARSE_BYTES = 4 * 1024 * 1024;
/** Parsing stops after this long; the caller reports the file as too slow to parse. */
const PARSE_BUDGET_MS = 5_000;

export class CParser {
  private constructor(
    private readonly parser: Parser,
    readonly language: Language,
    readonly queries: CQueries,
  ) {}

  private static loading: Promise<CParser> | undefined;
  private static wasmDirectory: string | undefined;

  /** One parser per process; `wasmDir` holds tree-sitter.wasm and tree-sitter-c.wasm. */
  static load(wasmDir: string): Promise<CParser> {
    if (CParser.loading && CParser.wasmDirectory === wasmDir) return CParser.loading;
    CParser.wasmDirectory = wasmDir;
    CParser.loading = (async () => {
      await Parser.init({ locateFile: (name: string) => join(wasmDir, name) });
      const language = await Language.load(join(wasmDir, 'tree-sitter-c.wasm'));
      const parser = new Parser();
      parser.setLanguage(language);
      const queries: CQueries = {
        declarations: new Query(language, QUERY_SOURCES.declarations),
      };
      return new CParser(parser, language, queries);
    })();
    return CParser.loading;
  }

  /** Frees the parser and its compiled queries; the next `load` starts afresh. */
  dispose(): void {
    this.queries.declarations.delete();
    this.parser.delete();
    CParser.loading = undefined;
    CParser.wasmDirectory = undefined;
  }

  /**
   * Parses `text` and hands the tree to `use`; the tree is freed when `use`
   * returns, so no tree outlives the call. Returns undefined when tree-sitter
   * gives up (time budget).
   *
   * With a `slot` (a file being edited), the parse starts from the slot's
   * tree of the file's previous text, so tree-sitter re-parses only what the
   * edit touched, and the new tree stays in the slot (freed by the next
   * parse or by the slot's dispose()) instead of being freed here. Where the
   * edit leaves a syntax error, tree-sitter's recovery may depend on the old
   * tree; the text is then parsed afresh, so the tree is the one a fresh
   * parse gives, as the command line's (test/parse/incremental.test.ts
   * compares the two on random edits).
   */
  withTree<T>(text: string, use: (tree: Tree) => T, slot?: TreeSlot): T | undefined {
    const started = performance.now();
    const options = { progressCallback: () => performance.now() - started > PARSE_BUDGET_MS };
    const previous = slot?.take();
    let tree: Tree | null;
    if (previous) {
      previous.tree.edit(editBetween(previous.text, text));
      try {
        tree = this.parser.parse(text, previous.tree, options);
        if (tree && errorWhereChanged(tree, previous.tree)) {
          tree.delete();
          tree = this.parser.parse(text, null, options);
        }
      } finally {
        previous.tree.delete();
      }
    } else {
      tree = this.parser.parse(text, null, options);
    }
    if (!tree) return undefined;
    if (slot) {
      slot.keep(text, tree);
      return use(tree);
    }
    try {
      return use(tree);
    } finally {
      tree.delete();
    }
  }
}

/**
 * One file's last tree, kept between parses of that file while it is being
 * edited (CParser.withTree). Whoever holds the slot frees it with dispose().
 */
export class TreeSlot {
  private kept: { text: string; tree: Tree } | undefined;

  /** The kept tree and its text; the caller now owns (and frees) the tree. */
  take(): { text: string; tree: Tree } | undefined {
    const kept = this.kept;
    this.kept = undefined;
    return kept;
  }

  keep(text: string, tree: Tree): void {
    this.kept?.tree.delete();
    this.kept = { text, tree };
  }

  dispose(): void {
    this.kept?.tree.delete();
    this.kept = undefined;
  }
}

/** Does the new tree have an error or a missing node where its syntax differs from the old one's? */
function errorWhereChanged(tree: Tree, old: Tree): boolean {
  if (!tree.rootNode.hasError) return false;
  return tree.getChangedRanges(old).some((range) => errorOverlaps(tree.rootNode, range.startIndex, range.endIndex));
}

function errorOverlaps(node: Node, start: number, end: number): boolean {
  if (node.endIndex < start || node.startIndex > end) return false;
  if (node.isError || node.isMissing) return true;
  if (!node.hasError) return false;
  return node.children.some((child) => child !== null && errorOverlaps(child, start, end));
}

/** The edit that turns `before` into `after`: the span between their common prefix and suffix (UTF-16 units, as tree-sitter's JS binding counts). */
export function editBetween(before: string, after: string): Edit {
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  // Never split a surrogate pair.
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  let suffix = 0;
  while (suffix < shorter - start && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
  const oldEnd = before.length - suffix;
  const newEnd = after.length - suffix;
  return {
    startIndex: start, oldEndIndex: oldEnd, newEndIndex: newEnd,
    startPosition: pointAt(before, start), oldEndPosition: pointAt(before, oldEnd), newEndPosition: pointAt(after, newEnd),
  };
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** Row and column (UTF-16 units) of an index. */
function pointAt(text: string, index: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) {
    row++;
    lineStart = at + 1;
  }
  return { row, column: index - lineStart };
}
