// The command line: the same model and findings the editor shows, for CI.
//   racelens graph PATH... [--json]

import { readFileSync } from 'node:fs';
import { CParser } from '../parse/treeSitter';
import { readSource } from '../parse/workspace';
import { CallGraph } from '../model/callGraph';
import { unknownLockLikeCalls } from '../model/unknownPrimitives';
import type { FileModel } from '../model/types';
import { collectFiles, displayPath, loadConfig, UsageError } from './inputs';
import { entrySequences, renderGraphJson, renderGraphText } from '../report/graphReport';

const USAGE = `usage: racelens graph PATH... [--json] [--entry NAME]...

  graph   print the call graph and each entry point's inlined sequence of
          synchronization operations (text, or JSON with --json)
`;

interface Args { command: string; paths: string[]; json: boolean; entries: string[] }

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { command: argv[0] ?? '', paths: [], json: false, entries: [] };
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') args.json = true;
    else if (arg === '--entry') {
      const name = argv[++i];
      if (!name) throw new UsageError('--entry needs a function name');
      args.entries.push(name);
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else args.paths.push(arg);
  }
  return args;
}

/** Reads every file; a file that cannot be read becomes a problem of its own. */
export function readAll(parser: CParser, files: readonly string[], options: Parameters<typeof readSource>[3]): FileModel[] {
  return files.map((path) => {
    const file = displayPath(path);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      return {
        file, functions: [], opsBindings: [], objects: [], timelines: [], rules: [], references: [],
        problems: [{ loc: { file, line: 0, col: 0, endLine: 0, endCol: 0 }, severity: 'error', message: `cannot read: ${(error as Error).message}` }],
      };
    }
    return readSource(parser, file, text, options);
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.command !== 'graph' || args.paths.length === 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  const { config, problems: configProblems, file: configFile } = loadConfig(args.paths);
  for (const p of configProblems) process.stderr.write(`${configFile ?? '.racelens.json'}: ${p.path ? `${p.path}: ` : ''}${p.message}\n`);
  const parser = await CParser.load(__dirname);
  const models = readAll(parser, collectFiles(args.paths), { table: config.table, aliases: config.aliases });
  const graph = new CallGraph(models);
  const wanted = [...config.entries, ...args.entries];
  const entries = wanted.length > 0
    ? wanted.map((name) => {
      const fn = graph.definition(name);
      if (!fn) throw new UsageError(`entry point ${name} is not defined in the inputs`);
      return fn;
    })
    : graph.roots();
  const sequences = entrySequences(graph, entries);
  const problems = [...models.flatMap((m) => m.problems), ...unknownLockLikeCalls(graph)];
  process.stdout.write(args.json ? renderGraphJson(graph, sequences, problems) : renderGraphText(graph, sequences, problems));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`racelens: ${error.message}\n${USAGE}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`racelens: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 3;
    }
  },
);

