// Builds a check's input from fixture files, read by the real readers.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { readSource } from '../../src/parse/workspace';
import { primitiveTable } from '../../src/model/primitives';
import { checkInput, type CheckInput } from '../../src/check/input';
import type { Finding } from '../../src/check/finding';
import { fixturePath, loadParser } from '../helpers';

const { table } = primitiveTable();

/** Reads fixtures (paths under test/fixtures) into one check input. */
export async function inputFrom(...paths: string[][]): Promise<CheckInput> {
  const parser = await loadParser();
  const files = paths.map((parts) => {
    const path = fixturePath(...parts);
    return readSource(parser, basename(path), readFileSync(path, 'utf8'), { table });
  });
  return checkInput(files);
}

/** Reads inline sources, `{ name: text }`, into one check input. */
export async function inputOf(sources: Record<string, string>): Promise<CheckInput> {
  const parser = await loadParser();
  return checkInput(Object.entries(sources).map(([name, text]) => readSource(parser, name, text, { table })));
}

/** `CODE file:line message` (1-based line), for compact exact assertions. */
export function brief(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.code} ${f.loc.file}:${f.loc.line + 1} ${f.message}`);
}

/**
 * Caret expectations inside fixtures: a comment `// ^ RL006` under a line says
 * that line must be flagged with RL006. Returns `CODE file:line` for each.
 */
export function caretExpectations(file: string, text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    // `// ^ RL002 RL003`: the line above is flagged with each code.
    const m = /^\s*\/\/\s*\^\s*((?:RL\d{3}\s*)+)/.exec(line);
    for (const code of m?.[1]?.trim().split(/\s+/) ?? []) out.push(`${code} ${file}:${i}`);
  });
  return out;
}
