// Runs Spin on an exported model: `spin -a` writes the verifier pan.c, gcc
// compiles it, ./pan searches the whole state space. Options, from Spin's
// manual ("pan options", "compile-time directives"):
//   -DSAFETY   safety properties only: assertions and invalid end states
//   -c0        do not stop at the first error: count them all and go on
//   -m<n>      search depth bound (reported when reached: the run is not exhaustive)
//   -w<n>      2^n hash slots
//   -n         no listing of unreached code
// Used by the differential test and the benchmark; needs `spin` and `gcc`.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCENARIO_VARIABLE } from './batch';
import { OUTCOME_PREFIX } from './export';

export interface PanRun {
  /** Errors pan counted (every assertion failure and invalid end state, repeats included). */
  errors: number;
  invalidEndStates: number;
  /** Names of the assertions that failed (our `never_*` site names). */
  assertions: Set<string>;
  /** The numbers of each outcome line pan printed (export.ts's OUTCOME_PREFIX), deduplicated. */
  outcomes: number[][];
  states: number;
  transitions: number;
  depthReached: number;
  /** The search hit the -m bound: not exhaustive. */
  depthLimited: boolean;
  /** pan's own "elapsed time", and the wall time of the process. */
  panSeconds: number;
  wallMs: number;
  output: string;
}

export interface Compiled {
  dir: string;
  /** spin -a plus gcc, wall clock. */
  compileMs: number;
}

/** Fails loudly when Spin is missing: the differential test must not pass without it. */
export function requireSpin(): string {
  const result = spawnSync('spin', ['-V'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) throw new Error('spin is not installed (Debian: apt-get install -y spin); the Promela differential test needs it');
  return result.stdout.trim();
}

function workDir(): string {
  return mkdtempSync(join(tmpdir(), 'racelens-spin-'));
}

function check(step: string, result: { status: number | null; stdout: string; stderr: string; error?: Error }): void {
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${step} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
}

/** Writes the model, runs spin -a and gcc; `optimise` is -O2 (the benchmark) or -O0 (faster to compile). */
export function compilePan(model: string, optimise: '-O0' | '-O2' = '-O2'): Compiled {
  const dir = workDir();
  try {
    writeFileSync(join(dir, 'model.pml'), model);
    const start = performance.now();
    check('spin -a', spawnSync('spin', ['-a', 'model.pml'], { cwd: dir, encoding: 'utf8' }));
    check('gcc', spawnSync('gcc', [optimise, '-DSAFETY', '-w', '-o', 'pan', 'pan.c'], { cwd: dir, encoding: 'utf8' }));
    return { dir, compileMs: performance.now() - start };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function run(command: string, args: string[], cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** compilePan without blocking, so that several models compile at once. */
export async function compilePanAsync(model: string, optimise: '-O0' | '-O2' = '-O0'): Promise<Compiled> {
  const dir = workDir();
  try {
    writeFileSync(join(dir, 'model.pml'), model);
    const start = performance.now();
    check('spin -a', await run('spin', ['-a', 'model.pml'], dir));
    check('gcc', await run('gcc', [optimise, '-DSAFETY', '-w', '-o', 'pan', 'pan.c'], dir));
    return { dir, compileMs: performance.now() - start };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export interface SearchOptions {
  /** -m: search depth bound; default 100 000. */
  depth?: number;
  /** -w: log2 of the hash table size; default 20. */
  hashBits?: number;
  /** Which model of a batch (batch.ts) to explore. */
  scenario?: number;
}

/** Runs the compiled pan over the whole state space. */
export function runPan(compiled: Compiled, options: SearchOptions = {}): PanRun {
  const start = performance.now();
  const env = options.scenario === undefined ? process.env : { ...process.env, [SCENARIO_VARIABLE]: String(options.scenario) };
  const result = spawnSync('./pan', ['-c0', '-n', `-m${options.depth ?? 100_000}`, `-w${options.hashBits ?? 20}`], { cwd: compiled.dir, encoding: 'utf8', maxBuffer: 1 << 28, env });
  const wallMs = performance.now() - start;
  if (result.error) throw result.error;
  return parsePan(result.stdout, wallMs);
}

export function removeCompiled(compiled: Compiled): void {
  rmSync(compiled.dir, { recursive: true, force: true });
}

/** Reads pan's report. */
export function parsePan(output: string, wallMs: number): PanRun {
  const number = (re: RegExp): number => Number(re.exec(output)?.[1] ?? Number.NaN);
  const assertions = new Set<string>();
  const outcomes = new Map<string, number[]>();
  let invalidEndStates = 0;
  for (const line of output.split('\n')) {
    const failed = /^pan:\d+: assertion violated (\S+)/.exec(line);
    if (failed) assertions.add(failed[1]!);
    if (/^pan:\d+: invalid end state/.test(line)) invalidEndStates++;
    if (line.startsWith(`${OUTCOME_PREFIX} `)) {
      const values = line.slice(OUTCOME_PREFIX.length + 1).trim().split(/\s+/).map(Number);
      outcomes.set(values.join(' '), values);
    }
  }
  const errors = number(/errors: (\d+)/);
  if (Number.isNaN(errors)) throw new Error(`pan did not finish:\n${output.slice(-2000)}`);
  return {
    errors, invalidEndStates, assertions, outcomes: [...outcomes.values()],
    states: number(/(\d+) states, stored/),
    transitions: number(/(\d+) transitions \(= stored\+matched\)/),
    depthReached: number(/depth reached (\d+)/),
    depthLimited: /max search depth too small/.test(output),
    panSeconds: number(/pan: elapsed time ([\d.e+-]+)/),
    wallMs,
    output,
  };
}
