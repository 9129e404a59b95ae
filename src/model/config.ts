// The workspace configuration (`.racelens.json`, and the editor's settings):
// extra primitives and wrappers, aliases. A wrong entry is reported with what
// is wrong and where; the rest keeps working.

import { primitiveTable, type PrimitiveTable, type UserPrimitive } from './primitives';
import type { Aliases } from './objects';

export interface RaceLensConfig {
  table: PrimitiveTable;
  aliases: Aliases;
  /** Entry points the user names (C functions or notes roots). */
  entries: string[];
}

export interface ConfigProblem {
  /** Dotted path of the offending setting, e.g. `primitives.my_lock.as`. */
  path: string;
  message: string;
}

export function parseConfig(raw: unknown): { config: RaceLensConfig; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const source = isRecord(raw) ? raw : {};
  if (raw !== undefined && !isRecord(raw)) problems.push({ path: '', message: 'configuration must be a JSON object' });

  const primitives: Record<string, UserPrimitive> = {};
  for (const [name, value] of Object.entries(recordAt(source, 'primitives', problems))) {
    if (typeof value === 'string') primitives[name] = { as: value };
    else if (isRecord(value) && typeof value.as === 'string') {
      primitives[name] = typeof value.object === 'number' ? { as: value.as, object: value.object } : { as: value.as };
    } else problems.push({ path: `primitives.${name}`, message: 'expected "primitive_name" or { "as": "primitive_name", "object": argIndex }' });
  }
  const built = primitiveTable(primitives);
  problems.push(...built.problems.map((p) => ({ path: `primitives.${p.name}`, message: p.message })));

  const aliases = new Map<string, string>();
  for (const [from, to] of Object.entries(recordAt(source, 'aliases', problems))) {
    if (typeof to === 'string' && to.length > 0) aliases.set(from, to);
    else problems.push({ path: `aliases.${from}`, message: 'expected the class this name stands for, e.g. "fw.srcu"' });
  }

  const entries: string[] = [];
  const rawEntries = source.entries;
  if (rawEntries !== undefined) {
    if (Array.isArray(rawEntries) && rawEntries.every((e) => typeof e === 'string')) entries.push(...rawEntries);
    else problems.push({ path: 'entries', message: 'expected a list of function names' });
  }
  return { config: { table: built.table, aliases, entries }, problems };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function recordAt(source: Record<string, unknown>, key: string, problems: ConfigProblem[]): Record<string, unknown> {
  const value = source[key];
  if (value === undefined) return {};
  if (isRecord(value)) return value;
  problems.push({ path: key, message: 'expected an object' });
  return {};
}
