// Answers that depend on the alias table, kept per table: object identity and
// the ops built on it are asked again for the same text on every line of a
// file. Readers without aliases each pass an empty map of their own, so every
// empty table shares one memo. Bounded: an editor session reads text without
// end, and a full memo starts over rather than grow.

import type { Aliases } from './objects';

const NO_ALIASES: Aliases = new Map();

export class AliasMemo<T> {
  private readonly byAliases = new WeakMap<Aliases, Map<string, T>>();

  constructor(private readonly limit = 50_000) {}

  /** `compute(key, aliases)`, computed once per alias table and key (the answers are shared: never modify one). */
  answer(aliases: Aliases, key: string, compute: (key: string, aliases: Aliases) => T): T {
    const table = aliases.size === 0 ? NO_ALIASES : aliases;
    let answers = this.byAliases.get(table);
    if (!answers) this.byAliases.set(table, answers = new Map());
    const known = answers.get(key);
    if (known !== undefined || answers.has(key)) return known as T;
    if (answers.size >= this.limit) answers.clear();
    const value = compute(key, table);
    answers.set(key, value);
    return value;
  }
}
