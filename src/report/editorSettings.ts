// The editor's `racelens.*` settings, checked without the editor: each wrong
// value is reported with its setting path and what is wrong, and replaced by
// its default, so the rest keeps working. `.racelens.json` keeps its own
// checks (model/config.ts); `workspaceConfig` joins the two, the settings
// winning over the file for a primitive or alias named in both.

import { parseConfig, type ConfigProblem } from '../model/config';
import { FINDING_TITLES, type FindingCode } from '../check/finding';

/**
 * Quiet time after a keystroke before the document is read again. Short: an
 * edited C file is read incrementally and its unchanged functions reused, so
 * the re-check costs tens of milliseconds on the analysis worker, and a
 * keystroke shows in the diagnostics within the editor's 250 ms budget.
 */
export const DEFAULT_DEBOUNCE_MS = 100;

export type DiagnosticLevel = 'error' | 'warning' | 'information' | 'hint';

export interface SimulationSettings {
  /** At most this many CPUs in a Simulate Race. */
  maxThreads: number;
  loopUnroll: number;
  maxDepth: number;
  maxStates: number;
  timeBudgetMs: number;
}

export interface EditorSettings {
  /** The `primitives`, `aliases` and `entries` settings, in `.racelens.json`'s form. */
  config: RawConfig;
  simulation: SimulationSettings;
  /** Extra locking.rst files (absolute, or relative to the first workspace folder). */
  lockingDocs: string[];
  severity: Partial<Record<FindingCode, DiagnosticLevel>>;
  /** Checks turned off. */
  disabled: FindingCode[];
  index: { enabled: boolean; maxFiles: number };
  debounceMs: number;
}

export interface SettingProblem {
  /** The full setting path, e.g. `racelens.severity.RL010`. */
  path: string;
  message: string;
}

export const DEFAULT_SIMULATION: Readonly<SimulationSettings> = { maxThreads: 4, loopUnroll: 2, maxDepth: 2000, maxStates: 200_000, timeBudgetMs: 10_000 };

const LEVELS: readonly DiagnosticLevel[] = ['error', 'warning', 'information', 'hint'];
const CODES = Object.keys(FINDING_TITLES) as FindingCode[];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCode = (key: string): key is FindingCode => (CODES as string[]).includes(key);

class Reader {
  readonly problems: SettingProblem[] = [];

  constructor(private readonly raw: Record<string, unknown>) {}

  problem(path: string, message: string): void {
    this.problems.push({ path: `racelens.${path}`, message });
  }

  /** The value at a dotted path, e.g. `simulation.loopUnroll`. */
  at(path: string): unknown {
    let value: unknown = this.raw;
    for (const key of path.split('.')) value = isRecord(value) ? value[key] : undefined;
    return value;
  }

  record(path: string): Record<string, unknown> {
    const value = this.at(path);
    if (value === undefined || value === null) return {};
    if (isRecord(value)) return value;
    this.problem(path, 'expected an object');
    return {};
  }

  integer(path: string, fallback: number, min: number, max: number): number {
    const value = this.at(path);
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    this.problem(path, `expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}; using ${fallback}`);
    return fallback;
  }

  boolean(path: string, fallback: boolean): boolean {
    const value = this.at(path);
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'boolean') return value;
    this.problem(path, `expected true or false, got ${JSON.stringify(value)}`);
    return fallback;
  }

  strings(path: string, what: string): string[] {
    const value = this.at(path);
    if (value === undefined || value === null) return [];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
    this.problem(path, `expected a list of ${what}`);
    return [];
  }
}

/** Checks every `racelens.*` setting; `raw` is the `racelens` section as the editor returns it. */
export function validateSettings(raw: unknown): { settings: EditorSettings; problems: SettingProblem[] } {
  const read = new Reader(isRecord(raw) ? raw : {});
  const config = { primitives: read.record('primitives'), aliases: read.record('aliases'), entries: read.strings('entries', 'function names') };
  // The model's own checks for primitives and aliases, with the setting's path.
  for (const p of parseConfig(config).problems) read.problem(p.path, p.message);

  const severity: EditorSettings['severity'] = {};
  for (const [code, level] of Object.entries(read.record('severity'))) {
    if (!isCode(code)) read.problem(`severity.${code}`, `${code} is not a RaceLens check code (${CODES[0]} to ${CODES[CODES.length - 1]})`);
    else if (typeof level !== 'string' || !(LEVELS as string[]).includes(level)) read.problem(`severity.${code}`, `expected one of ${LEVELS.join(', ')}, got ${JSON.stringify(level)}`);
    else severity[code] = level as DiagnosticLevel;
  }
  const disabled: FindingCode[] = [];
  for (const [code, on] of Object.entries(read.record('checks'))) {
    if (!isCode(code)) read.problem(`checks.${code}`, `${code} is not a RaceLens check code (${CODES[0]} to ${CODES[CODES.length - 1]})`);
    else if (typeof on !== 'boolean') read.problem(`checks.${code}`, `expected true (on) or false (off), got ${JSON.stringify(on)}`);
    else if (!on) disabled.push(code);
  }

  const d = DEFAULT_SIMULATION;
  const simulation: SimulationSettings = {
    maxThreads: read.integer('simulation.maxThreads', d.maxThreads, 2, 8),
    loopUnroll: read.integer('simulation.loopUnroll', d.loopUnroll, 1, 16),
    maxDepth: read.integer('simulation.maxDepth', d.maxDepth, 10, 100_000),
    maxStates: read.integer('simulation.maxStates', d.maxStates, 100, 10_000_000),
    timeBudgetMs: read.integer('simulation.timeBudgetSeconds', d.timeBudgetMs / 1000, 1, 600) * 1000,
  };
  const settings: EditorSettings = {
    config, simulation, severity, disabled,
    lockingDocs: read.strings('lockingDocs', 'paths to locking.rst files'),
    index: { enabled: read.boolean('index.enabled', true), maxFiles: read.integer('index.maxFiles', 5000, 1, 200_000) },
    debounceMs: read.integer('debounceMs', DEFAULT_DEBOUNCE_MS, 0, 10_000),
  };
  return { settings, problems: read.problems };
}

/** `.racelens.json`'s form: plain data, so it crosses to the analysis worker, which runs parseConfig on it. */
export interface RawConfig {
  primitives: Record<string, unknown>;
  aliases: Record<string, unknown>;
  entries: string[];
}

/**
 * `.racelens.json` (already parsed from JSON, or undefined) joined with the
 * settings. Problems are the file's own, with paths inside the file; the
 * settings' problems come from validateSettings.
 */
export function workspaceConfig(file: unknown, settings: EditorSettings): { raw: RawConfig; fileProblems: ConfigProblem[] } {
  const fileProblems = file === undefined ? [] : parseConfig(file).problems;
  const base = isRecord(file) ? file : {};
  const part = (key: string): Record<string, unknown> => (isRecord(base[key]) ? base[key] : {});
  const entries = Array.isArray(base.entries) ? base.entries.filter((e): e is string => typeof e === 'string') : [];
  const raw: RawConfig = {
    primitives: { ...part('primitives'), ...settings.config.primitives },
    aliases: { ...part('aliases'), ...settings.config.aliases },
    entries: [...new Set([...entries, ...settings.config.entries])],
  };
  return { raw, fileProblems };
}
