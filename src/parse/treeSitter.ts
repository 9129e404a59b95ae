// Loads web-tree-sitter and the C grammar from WASM files at an explicit
// path (dist/ in the bundle), once per process. No native addon: the same
// code runs in desktop VS Code, the web workbench and the command line.

import { Language, Parser, Query, type Node, type Tree } from 'web-tree-sitter';
import { join } from 'node:path';
import functionsQuery from './queries/functions.scm';
import declarationsQuery from './queries/declarations.scm';

export type { Node, Tree };

/** The compiled queries, by the file they come from. */
export interface CQueries {
  functions: Query;
  declarations: Query;
}

export const QUERY_SOURCES: Readonly<Record<keyof CQueries, string>> = {
  functions: functionsQuery,
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
        functions: new Query(language, QUERY_SOURCES.functions),
        declarations: new Query(language, QUERY_SOURCES.declarations),
      };
      return new CParser(parser, language, queries);
    })();
    return CParser.loading;
  }

  /** Frees the parser and its compiled queries; the next `load` starts afresh. */
  dispose(): void {
    this.queries.functions.delete();
    this.queries.declarations.delete();
    this.parser.delete();
    CParser.loading = undefined;
    CParser.wasmDirectory = undefined;
  }

  /**
   * Parses `text` and hands the tree to `use`; the tree is freed when `use`
   * returns, so no tree outlives the call. Returns undefined when tree-sitter
   * gives up (time budget).
   */
  withTree<T>(text: string, use: (tree: Tree) => T): T | undefined {
    const started = performance.now();
    const tree = this.parser.parse(text, null, {
      progressCallback: () => performance.now() - started > PARSE_BUDGET_MS,
    });
    if (!tree) return undefined;
    try {
      return use(tree);
    } finally {
      tree.delete();
    }
  }
}
