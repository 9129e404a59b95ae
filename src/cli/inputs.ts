// Collects the files under the paths given on the command line and the
// workspace configuration beside them.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { SOURCE_EXTENSIONS } from '../parse/workspace';
import { parseConfig, type ConfigProblem, type RaceLensConfig } from '../model/config';

const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', 'out']);

export const CONFIG_FILE = '.racelens.json';

/** Files to read, in a deterministic order; a named file is read whatever its extension. */
export function collectFiles(paths: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (SKIPPED_DIRS.has(name) || name.startsWith('.')) continue;
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (SOURCE_EXTENSIONS.has(extname(name).toLowerCase())) found.push(path);
    }
  };
  for (const path of paths) {
    if (!existsSync(path)) throw new UsageError(`no such file or folder: ${path}`);
    if (statSync(path).isDirectory()) walk(path);
    else found.push(path);
  }
  return found;
}

export class UsageError extends Error {}

/** `.racelens.json` in the first folder given (or the folder of the first file), else the current folder. */
export function loadConfig(paths: readonly string[]): { config: RaceLensConfig; problems: ConfigProblem[]; file?: string } {
  const first = paths[0] ?? '.';
  const base = existsSync(first) && statSync(first).isDirectory() ? first : dirname(first);
  for (const dir of [base, '.']) {
    const file = join(dir, CONFIG_FILE);
    if (!existsSync(file)) continue;
    try {
      const parsed = parseConfig(JSON.parse(readFileSync(file, 'utf8')));
      return { ...parsed, file };
    } catch (error) {
      const { config } = parseConfig(undefined);
      return { config, problems: [{ path: '', message: `not valid JSON: ${(error as Error).message}` }], file };
    }
  }
  return parseConfig(undefined);
}

/** Paths as the user will click them: relative to the current folder. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel.startsWith('..') ? resolve(path) : rel;
}
