// Builds call graphs from fixtures for the simulator tests (the parser is
// used here, in tests only: src/sim never sees it).
import { CallGraph } from '../../src/model/callGraph';
import { primitiveTable } from '../../src/model/primitives';
import type { FileModel } from '../../src/model/types';
import { readSource } from '../../src/parse/workspace';
import type { CParser } from '../../src/parse/treeSitter';
import { fixture, loadParser } from '../helpers';

let parser: Promise<CParser> | undefined;

export async function modelOf(...parts: string[]): Promise<FileModel> {
  parser ??= loadParser();
  const name = parts[parts.length - 1]!;
  return readSource(await parser, name, fixture(...parts), { table: primitiveTable().table });
}

export async function graphOf(...parts: string[]): Promise<CallGraph> {
  return new CallGraph([await modelOf(...parts)]);
}

/** Seed 000: the reviewer's notes as written in the mail, read from its Markdown fences. */
export function seed000(): Promise<CallGraph> {
  return graphOf('seeds', '000_ae3e64e89a0db923.txt');
}

/** Notes written inline in a test, read as a `.rlnotes` file. */
export async function notesGraph(text: string, name = 'inline.rlnotes'): Promise<CallGraph> {
  parser ??= loadParser();
  return new CallGraph([readSource(await parser, name, text, { table: primitiveTable().table })]);
}
