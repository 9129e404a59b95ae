// What the extension host asks of the analysis engine, and what it gets
// back. The engine runs on a worker thread (worker.ts), or in-process when
// the worker cannot start (client.ts); either way these are its methods,
// and every argument and result is plain data (structured clone).
// Nothing here may import `vscode`: worker threads have no editor API.

import type { Finding, FindingCode } from '../../check/finding';
import type { LockGraph } from '../../check/lockGraph';
import type { InputProblem, SourceLoc } from '../../model/types';
import type { RawConfig, SimulationSettings } from '../../report/editorSettings';
import type { SyncSite } from '../../report/objectReport';
import type { EntryChoice } from '../../report/simulationChoices';
import type { Params, TimelineSource } from '../../report/timelineSource';
import type { EntrySpec, Progress, SimStats } from '../../sim';

/** One file to read: from disk (`path`), or the editor's unsaved text. `file` is its key in every location. */
export interface FileInput {
  file: string;
  path?: string;
  text?: string;
}

/** What the host keeps of each file's model: enough for hovers, lenses and the cursor's context. */
export interface FileFacts {
  file: string;
  sites: SyncSite[];
  /** Typed CPU timelines: the header line and the last row's line (0-based). */
  timelines: { line: number; endLine: number; cpus: string[] }[];
}

export interface AssertionView {
  loc: SourceLoc;
  text: string;
  verdict: 'holds' | 'violated' | 'unknown';
  summary: string;
  /** `never` that holds: the orderings that keep the two points apart, in words. */
  reasons: string[];
  exhaustive: boolean;
  /** The witness of a violation, in `CheckOutput.timelines`. */
  timeline?: string;
}

export interface CheckOutput {
  findings: Finding[];
  problems: InputProblem[];
  /** Witnesses of findings (id `findingKey`) and of violated assertions. */
  timelines: TimelineSource[];
  assertions: AssertionView[];
  /** With a patch among the inputs: the findings it introduces, by key, with the message saying so. */
  introduced: Record<string, string>;
  /** Where threads start (the user's entries, or notes entry points and functions nobody calls). */
  roots: { name: string; loc: SourceLoc }[];
  ms: number;
}

export interface SimulateRequest {
  entries: EntrySpec[];
  params: Params;
  simulation: SimulationSettings;
}

export interface SimulateOutput {
  verdict: string;
  /** `racelens simulate`'s text report of the same run. */
  report: string;
  /** Violations, deadlocks and broken assertions first, then the end states. */
  timelines: TimelineSource[];
  stats: SimStats;
}

export interface ChoicesOutput {
  /** Entry points that run the cursor's line (the side the user stands on). */
  here: string[];
  roots: string[];
  /** Choices for the other CPUs, against `here` (or nothing, when the cursor is on no entry's path). */
  others: EntryChoice[];
}

export interface VerifyOutput {
  feasible: boolean;
  /** `CPU 0 runs kvm_vm_ioctl()`, one per column. */
  columns: string[];
  row?: { loc: SourceLoc; text: string };
  reason?: string;
  notes: string[];
  timeline?: TimelineSource;
}

export interface EngineApi {
  configure(args: { config: RawConfig; disabled: FindingCode[] }): void;
  read(args: { inputs: FileInput[] }): FileFacts[];
  remove(args: { files: string[] }): void;
  check(args: { simulation: SimulationSettings }): CheckOutput;
  simulate(args: SimulateRequest): SimulateOutput;
  choices(args: { file?: string; line?: number; from?: string }): ChoicesOutput;
  params(args: { entries: EntrySpec[] }): string[];
  verifyTimeline(args: { file: string; line: number; params: Params; simulation: SimulationSettings }): VerifyOutput | undefined;
  lockGraph(args: Record<string, never>): LockGraph;
  /**
   * `racelens graph` for one file, as the Show Model command prints it;
   * files under one of `folders` (the workspace folders) are named relative to it.
   */
  model(args: { file: string; folders?: string[] }): string | undefined;
}

export type Method = keyof EngineApi;
export type ArgsOf<M extends Method> = Parameters<EngineApi[M]>[0];
export type ResultOf<M extends Method> = ReturnType<EngineApi[M]>;

/** One method call: the method's name and its argument, discriminated by the name. */
export type Call = { [M in Method]: { method: M; args: ArgsOf<M> } }[Method];

/** Host → worker. `cancel` is a one-slot Int32Array's buffer the host sets to 1 to stop a long run. */
export type Request = Call & { id: number; cancel?: SharedArrayBuffer };

/** Worker → host: progress while a run goes on, then one result or error. */
export type Reply =
  | { id: number; kind: 'progress'; progress: Progress }
  | { id: number; kind: 'result'; value: unknown }
  | { id: number; kind: 'error'; message: string };

/** Where a method reports progress and learns it should stop. */
export interface RunContext {
  signal?: { readonly aborted: boolean };
  onProgress?: (progress: Progress) => void;
}

export interface WorkerData {
  /** dist/: tree-sitter.wasm and tree-sitter-c.wasm. */
  wasmDir: string;
}

/** A finding's stable key: its code and primary location. */
export function findingKey(finding: Pick<Finding, 'code' | 'loc'>): string {
  return `${finding.code}@${finding.loc.file}:${finding.loc.line}:${finding.loc.col}`;
}
