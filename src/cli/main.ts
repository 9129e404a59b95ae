// The command line: the same model and findings the editor shows, for CI.
// Each command is one entry of COMMANDS; this file only parses and dispatches.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readWithWorkers } from './readPool';
import { CParser } from '../parse/treeSitter';
import { readSource, type ReadOptions } from '../parse/workspace';
import { emptyFileModel, type FileModel } from '../model/types';
import { collectFiles, displayPath, loadConfig, UsageError } from './inputs';
import { runGraph } from './graphCommand';
import { runCheck } from './checkCommand';
import { runSimulate } from './simulateCommand';
import type { Aliases } from '../model/objects';

const USAGE = `usage: racelens COMMAND PATH... [options]

  graph PATH... [--json] [--entry NAME]...
        the call graph and each entry point's inlined synchronization operations
  check PATH... [--json | --sarif] [--timeline] [--entry NAME]...
        findings, compiler-style (file:line:col: severity: message [RL00x]);
        exit status 1 when there are errors
  simulate PATH... [--entry NAME[xN]]... [--param NAME=VALUE]... [--json] [--timeline] [--promela]
        every interleaving of the entry points (default: those sharing objects):
        deadlocks, violations and assertions with CPU-table witnesses, outcomes,
        and each typed timeline replayed; exit status 1 on a deadlock or violation
`;

export interface Args {
  command: string;
  paths: string[];
  flags: Set<string>;
  entries: string[];
  /** `--param NAME=VALUE`, as written. */
  params: string[];
}

const FLAGS = new Set(['--json', '--sarif', '--timeline', '--promela']);

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { command: argv[0] ?? '', paths: [], flags: new Set(), entries: [], params: [] };
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (FLAGS.has(arg)) args.flags.add(arg);
    else if (arg === '--entry') {
      const name = argv[++i];
      if (!name) throw new UsageError('--entry needs a function name');
      args.entries.push(name);
    } else if (arg === '--param') {
      const param = argv[++i];
      if (!param || !/^[A-Za-z_]\w*=./.test(param)) throw new UsageError('--param needs NAME=VALUE');
      args.params.push(param);
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else args.paths.push(arg);
  }
  return args;
}

/**
 * Reads every file once: its text (kept for suppression comments) and its
 * model. A file that cannot be read becomes a problem of its own.
 */
export function readAll(parser: CParser, files: readonly string[], options: ReadOptions): { models: FileModel[]; sources: Map<string, string> } {
  const sources = new Map<string, string>();
  const models = files.map((path) => {
    const file = displayPath(path);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const model = emptyFileModel(file);
      model.problems.push({ loc: { file, line: 0, col: 0, endLine: 0, endCol: 0 }, severity: 'error', message: `cannot read: ${(error as Error).message}` });
      return model;
    }
    sources.set(file, text);
    return readSource(parser, file, text, options);
  });
  return { models, sources };
}

/** What every command starts from: the configuration and the models of every input. */
export interface Loaded {
  models: FileModel[];
  entries: string[];
  sources: Map<string, string>;
  aliases: Aliases;
}

/** Below this many files one thread is quicker than starting workers. */
const WORKER_THRESHOLD = 24;

async function load(args: Args): Promise<Loaded> {
  const { config, problems, file: configFile } = loadConfig(args.paths);
  for (const p of problems) process.stderr.write(`${configFile ?? '.racelens.json'}: ${p.path ? `${p.path}: ` : ''}${p.message}\n`);
  const files = collectFiles(args.paths);
  const options = { table: config.table, aliases: config.aliases };
  const entries = [...config.entries, ...args.entries];
  if (files.length < WORKER_THRESHOLD) {
    const { models, sources } = readAll(await CParser.load(__dirname), files, options);
    return { models, entries, sources, aliases: config.aliases };
  }
  // A whole tree: read on every core, with progress on a terminal.
  const progress = process.stderr.isTTY
    ? (done: number, total: number) => process.stderr.write(`\rracelens: read ${done}/${total} files${done === total ? '\n' : ''}`)
    : undefined;
  const inputs = files.map((path) => ({ path, file: displayPath(path) }));
  // This thread reads its share too, keeping the text of what it read.
  const sources = new Map<string, string>();
  const hereReader = async () => {
    const parser = await CParser.load(__dirname);
    return (input: { path: string }): FileModel => {
      const read = readAll(parser, [input.path], options);
      for (const [file, text] of read.sources) sources.set(file, text);
      return read.models[0]!;
    };
  };
  const models = await readWithWorkers(join(__dirname, 'readWorker.js'), { wasmDir: __dirname, ...options }, inputs, progress, hereReader);
  for (const input of inputs) {
    if (sources.has(input.file)) continue;
    try {
      sources.set(input.file, readFileSync(input.path, 'utf8'));
    } catch {
      // The worker reported the file as unreadable already.
    }
  }
  return { models, entries, sources, aliases: config.aliases };
}

const COMMANDS: Record<string, (args: Args, loaded: Loaded) => number> = {
  graph: runGraph,
  check: runCheck,
  simulate: runSimulate,
};

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const command = COMMANDS[args.command];
  if (!command || args.paths.length === 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  return command(args, await load(args));
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
