// Shared by the tests: the parser (WASM copied into out/ by `esbuild.mjs --tests`)
// and the fixtures folder. Tests never read ../shared: fixtures are copied in.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CParser } from '../src/parse/treeSitter';

export const FIXTURES = resolve('test/fixtures');

export function loadParser(): Promise<CParser> {
  return CParser.load(resolve('out'));
}

export function fixture(...parts: string[]): string {
  return readFileSync(join(FIXTURES, ...parts), 'utf8');
}

export function fixturePath(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}
