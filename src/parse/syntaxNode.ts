// A read-only view of a tree-sitter node that asks the WASM side each thing
// once. Every web-tree-sitter getter (type, endIndex, text, fields, children)
// crosses into WASM and marshals the node again, and the statement reader
// asks the same node several times; here each answer is kept, text is cut
// from the source string by offset, and end positions come from a line table.
// A view lives no longer than the tree it wraps (CParser.withTree).

import type { Node } from './treeSitter';

export interface Point { row: number; column: number }

/**
 * The text of a file, with where each line starts (for positions), and the
 * stretches its tree was parsed from other words (macros blanked or renamed
 * in place: same offsets; see grammarText.ts).
 */
export class SourceText {
  private lineStarts: number[] | undefined;

  /** `changed`: start and end index of each stretch the grammar saw rewritten, in order. */
  constructor(readonly text: string, private readonly changed: readonly number[] = []) {}

  /** Whether the grammar saw `text` between the two indices as written. */
  parsedAsWritten(start: number, end: number): boolean {
    const changed = this.changed;
    // The first stretch that ends after `start` must begin at or after `end`.
    let low = 0;
    let high = changed.length / 2;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (changed[2 * middle + 1]! <= start) low = middle + 1;
      else high = middle;
    }
    return low === changed.length / 2 || changed[2 * low]! >= end;
  }

  /** Row and column of an index, as tree-sitter counts them: rows at '\n', columns in UTF-16 units. */
  pointAt(index: number): Point {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= index) low = middle;
      else high = middle - 1;
    }
    return { row: low, column: index - starts[low]! };
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

const WORD_CHAR = /\w/;

export class SyntaxNode {
  readonly id: number;
  readonly startIndex: number;
  readonly startPosition: Point;
  private cachedType: string | undefined;
  private cachedEnd = -1;
  private cachedText: string | undefined;
  private cachedNamed: SyntaxNode[] | undefined;
  private cachedFields: Map<string, SyntaxNode | null> | undefined;

  /** `node`: the web-tree-sitter node viewed, for what a view does not offer (queries, the reader's definitions). */
  constructor(readonly node: Node, private readonly source: SourceText) {
    this.id = node.id;
    this.startIndex = node.startIndex;
    this.startPosition = node.startPosition;
  }

  get type(): string {
    return (this.cachedType ??= this.node.type);
  }

  get endIndex(): number {
    if (this.cachedEnd < 0) this.cachedEnd = this.node.endIndex;
    return this.cachedEnd;
  }

  get endPosition(): Point {
    return this.source.pointAt(this.endIndex);
  }

  /** Row and column of an index into the source (one inside this node, say). */
  pointAt(index: number): Point {
    return this.source.pointAt(index);
  }

  get text(): string {
    return (this.cachedText ??= this.source.text.slice(this.startIndex, this.endIndex));
  }

  /** Whether the grammar saw this node's text as written (no macro blanked or renamed in it). */
  parsedAsWritten(): boolean {
    return this.source.parsedAsWritten(this.startIndex, this.endIndex);
  }

  /** Whether tree-sitter's error recovery left an error or a missing token under this node. */
  get hasError(): boolean {
    return this.node.hasError;
  }

  /** Whether the text starts with `prefix`, read from the source (no call into WASM). */
  startsWith(prefix: string): boolean {
    return this.source.text.startsWith(prefix, this.startIndex);
  }

  /** Whether the text starts with the keyword or name `word` (not merely a longer name). */
  startsWithWord(word: string): boolean {
    return this.startsWith(word) && !WORD_CHAR.test(this.source.text.charAt(this.startIndex + word.length));
  }

  /**
   * Records that this node ends where `last` (a child) ends, for a node whose
   * last child carries its last token (a call and its argument list).
   */
  endsWithChild(last: SyntaxNode): void {
    if (this.cachedEnd < 0) this.cachedEnd = last.endIndex;
  }

  get namedChildren(): SyntaxNode[] {
    if (!this.cachedNamed) {
      this.cachedNamed = [];
      for (const child of this.node.namedChildren) if (child) this.cachedNamed.push(new SyntaxNode(child, this.source));
    }
    return this.cachedNamed;
  }

  namedChild(index: number): SyntaxNode | null {
    return this.namedChildren[index] ?? null;
  }

  /** The first child, named or not (a preprocessor directive's keyword). */
  child(index: number): SyntaxNode | null {
    const child = this.node.child(index);
    return child ? this.known(child) : null;
  }

  childForFieldName(field: string): SyntaxNode | null {
    const fields = (this.cachedFields ??= new Map());
    let found = fields.get(field);
    if (found === undefined) {
      const child = this.node.childForFieldName(field);
      found = child ? this.known(child) : null;
      fields.set(field, found);
    }
    return found;
  }

  childrenForFieldName(field: string): SyntaxNode[] {
    return this.node.childrenForFieldName(field).filter((c): c is Node => c !== null).map((c) => this.known(c));
  }

  /**
   * The view of a child already listed among the named children, so its
   * answers are shared; a new view otherwise (listing the children only to
   * find it would cost more than it saves).
   */
  private known(child: Node): SyntaxNode {
    return this.cachedNamed?.find((c) => c.id === child.id) ?? new SyntaxNode(child, this.source);
  }
}
