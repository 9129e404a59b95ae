// What the statement reader knows about the function it reads: the primitive
// table, aliases, where locations go, and which names are parameters, locals
// and globals.

import type { Aliases } from '../model/objects';
import type { PrimitiveTable } from '../model/primitives';

export type LocMapper = (line: number, col: number) => { file: string; line: number; col: number };

export interface StatementContext {
  table: PrimitiveTable;
  aliases: Aliases;
  file: string;
  mapLoc?: LocMapper;
  /** Names of the function's parameters (C) or of values the notes never assigned. */
  isParam: (name: string) => boolean;
  /** Names declared or assigned locally. */
  locals: Map<string, string>;
  /** File-scope variables: writes to them are shared accesses. */
  globals: ReadonlySet<string>;
  /**
   * What an identifier nobody declared is: in C a global defined elsewhere
   * (`object`), in notes a value the chain never assigned (`param`).
   */
  undeclared: 'param' | 'object';
  /** The tree has no syntax error anywhere, so no statement's text holds tokens its tree skipped. */
  errorFree?: boolean;
}
