// Where things are, relative to the repository root (this file is scripts/lib/paths.mjs).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Screenshots, logs and results of the editor tests (git-ignored). */
export const RESULTS = join(ROOT, 'test-results');
