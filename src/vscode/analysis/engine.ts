// The analysis engine: one model per file, kept between edits, so an edit
// re-reads only the edited file and re-runs the checks over the cached
// models (unchanged functions keep their identity, so the checks' own caches
// hold). Runs on a worker thread; never imports `vscode`.

import { readFileSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import type { CParser } from '../../parse/treeSitter';
import { readSource } from '../../parse/workspace';
import { CReuse } from '../../parse/cReader';
import { CallGraph } from '../../model/callGraph';
import { parseConfig, type RaceLensConfig } from '../../model/config';
import { emptyFileModel, type FileModel, type InputProblem } from '../../model/types';
import { unknownLockLikeCalls } from '../../model/unknownPrimitives';
import { checkInput, type CheckInput } from '../../check/input';
import { runChecks, CHECKS } from '../../check/registry';
import { evidenceLabel, FINDING_TITLES, type Finding, type FindingCode } from '../../check/finding';
import { lockGraph } from '../../check/lockGraph';
import { hasPatch, reviewPatch } from '../../check/patchReview';
import { applySuppressions, readSuppressions } from '../../check/suppress';
import { buildScenario, checkAssertions, labelTable, replaySchedule, type AssertionResult } from '../../sim';
import { sharedEntries } from '../../sim/sharedEntries';
import type { RawConfig, SimulationSettings } from '../../report/editorSettings';
import { syncSites } from '../../report/objectReport';
import { lastStep, scenarioObjects, type TimelineSource } from '../../report/timelineSource';
import { entrySequences, renderGraphText } from '../../report/graphReport';
import { findingKey, type AssertionView, type CheckOutput, type EngineApi, type FileFacts, type FileInput, type RunContext } from './protocol';
import { choices, params, simulateRun, verifyTimeline } from './engineRuns';

interface Entry {
  input: FileInput;
  model: FileModel;
  /** Malformed racelens-ignore comments, found when the file was read. */
  suppressionProblems: InputProblem[];
  /** A C file the editor is changing: what its last read left for the next (cReader.ts). */
  reuse?: CReuse;
}

/** C files whose last tree and summaries are kept for their next read: the ones edited last. */
const REUSED_FILES = 8;
const C_FILE = /\.[ch]$/i;

export class AnalysisEngine implements EngineApi {
  private readonly files = new Map<string, Entry>();
  private config: RaceLensConfig = parseConfig(undefined).config;
  private configKey = '';
  private enabled: Set<FindingCode> | undefined;
  /** The joined input of the last check, rebuilt only when a file changed. */
  private joined: { input: CheckInput; version: number } | undefined;
  private version = 0;
  /** Files holding a CReuse, least recently edited first. */
  private readonly reusing: string[] = [];

  constructor(private readonly parser: CParser) {}

  configure({ config, disabled }: { config: RawConfig; disabled: FindingCode[] }): void {
    const key = JSON.stringify({ primitives: config.primitives, aliases: config.aliases });
    const off = new Set(disabled);
    this.enabled = off.size > 0 ? new Set(CHECKS.flatMap((c) => c.codes).filter((code) => !off.has(code))) : undefined;
    this.config = parseConfig(config).config;
    this.touch();
    if (key === this.configKey) return;
    this.configKey = key;
    // Primitives and aliases change what every reader produces: read everything again, reusing nothing.
    for (const entry of this.files.values()) {
      this.forgetReuse(entry);
      this.load(entry.input);
    }
  }

  read({ inputs }: { inputs: FileInput[] }): FileFacts[] {
    return inputs.map((input) => {
      const entry = this.load(input);
      return factsOf(entry.model);
    });
  }

  remove({ files }: { files: string[] }): void {
    for (const file of files) {
      const entry = this.files.get(file);
      if (entry) this.forgetReuse(entry);
      this.files.delete(file);
    }
    this.touch();
  }

  check({ simulation }: { simulation: SimulationSettings }): CheckOutput {
    const started = Date.now();
    const input = this.input();
    const models = input.files;
    const sources = new Map<string, string>();
    // With a patch among the inputs, the findings are those of the code as the patch leaves it,
    // and the ones the patch brings in say so.
    const review = hasPatch(models) ? reviewPatch(models, this.config.entries) : undefined;
    const raw = review ? review.after.filter((f) => !this.enabled || this.enabled.has(f.code)) : runChecks(input, this.enabled);
    const introduced = Object.fromEntries((review?.introduced ?? []).map((f) => [findingKey(f), f.message]));
    for (const file of new Set(raw.map((f) => f.loc.file))) {
      const text = this.textOf(file);
      if (text !== undefined) sources.set(file, text);
    }
    const findings = applySuppressions(raw, sources);
    const problems = [
      ...models.flatMap((m) => m.problems),
      ...unknownLockLikeCalls(models, input.graph),
      ...[...this.files.values()].flatMap((e) => e.suppressionProblems),
    ];
    const timelines = findings.filter((f) => !f.suppressed).flatMap((f) => this.findingTimeline(input, f));
    const assertions = this.assertions(input, simulation, timelines);
    return {
      findings, problems, timelines, assertions, introduced,
      roots: input.roots.map((fn) => ({ name: fn.name, loc: fn.loc })),
      ms: Date.now() - started,
    };
  }

  simulate(args: Parameters<EngineApi['simulate']>[0], context: RunContext = {}): ReturnType<EngineApi['simulate']> {
    return simulateRun(this.input(), this.config, args, context);
  }

  choices(args: Parameters<EngineApi['choices']>[0]): ReturnType<EngineApi['choices']> {
    return choices(this.input(), args);
  }

  params(args: Parameters<EngineApi['params']>[0]): string[] {
    return params(this.input(), this.config, args.entries);
  }

  verifyTimeline(args: Parameters<EngineApi['verifyTimeline']>[0]): ReturnType<EngineApi['verifyTimeline']> {
    return verifyTimeline(this.input(), this.config, args);
  }

  lockGraph(): ReturnType<EngineApi['lockGraph']> {
    return lockGraph(this.input());
  }

  model({ file, folders = [] }: { file: string; folders?: string[] }): string | undefined {
    const entry = this.files.get(file);
    if (!entry) return undefined;
    const graph = new CallGraph([entry.model]);
    return renderGraphText(graph, entrySequences(graph, graph.roots()), [...entry.model.problems, ...unknownLockLikeCalls([entry.model], graph)], relativeTo(folders));
  }

  private touch(): void {
    this.version++;
  }

  private load(input: FileInput): Entry {
    const text = input.text ?? this.readDisk(input);
    const previous = this.files.get(input.file);
    // The editor's text of a C file is read reusing its last read; a file from disk is read afresh.
    const reuse = input.text !== undefined && C_FILE.test(input.file) ? this.reuseFor(input.file, previous) : undefined;
    if (previous && !reuse) this.forgetReuse(previous);
    const model = typeof text === 'string'
      ? readSource(this.parser, input.file, text, { table: this.config.table, aliases: this.config.aliases, ...(reuse ? { reuse } : {}) })
      : text.model;
    // Keep the editor's text (it may differ from the disk); a file on disk is read again when needed.
    const kept: FileInput = input.text !== undefined ? input : { file: input.file, ...(input.path ? { path: input.path } : {}) };
    const entry: Entry = { input: kept, model, suppressionProblems: typeof text === 'string' ? readSuppressions(input.file, text).problems : [], ...(reuse ? { reuse } : {}) };
    this.files.set(input.file, entry);
    this.touch();
    return entry;
  }

  /** The file's CReuse (a new one on its first edit), marked as edited last; the least recently edited beyond REUSED_FILES lets go of theirs. */
  private reuseFor(file: string, entry: Entry | undefined): CReuse {
    const at = this.reusing.indexOf(file);
    if (at >= 0) this.reusing.splice(at, 1);
    this.reusing.push(file);
    while (this.reusing.length > REUSED_FILES) {
      const oldest = this.files.get(this.reusing[0]!);
      if (oldest) this.forgetReuse(oldest);
      else this.reusing.shift();
    }
    return entry?.reuse ?? new CReuse();
  }

  /** Frees what a file kept for its next read (its tree lives in tree-sitter's memory). */
  private forgetReuse(entry: Entry): void {
    if (!entry.reuse) return;
    entry.reuse.dispose();
    delete entry.reuse;
    const at = this.reusing.indexOf(entry.input.file);
    if (at >= 0) this.reusing.splice(at, 1);
  }

  private readDisk(input: FileInput): string | { model: FileModel } {
    try {
      return readFileSync(input.path ?? input.file, 'utf8');
    } catch (error) {
      const model = emptyFileModel(input.file);
      model.problems.push({ loc: { file: input.file, line: 0, col: 0, endLine: 0, endCol: 0 }, severity: 'error', message: `cannot read: ${(error as Error).message}` });
      return { model };
    }
  }

  private textOf(file: string): string | undefined {
    const entry = this.files.get(file);
    if (!entry) return undefined;
    if (entry.input.text !== undefined) return entry.input.text;
    const text = this.readDisk(entry.input);
    return typeof text === 'string' ? text : undefined;
  }

  private input(): CheckInput {
    if (this.joined?.version !== this.version) {
      const models = [...this.files.values()].map((e) => e.model);
      this.joined = { input: checkInput(models, this.config.entries, this.joined?.input), version: this.version };
    }
    return this.joined.input;
  }

  /** The witness of a finding the simulator confirmed, rebuilt from its schedule. */
  private findingTimeline(input: CheckInput, finding: Finding): TimelineSource[] {
    if (finding.evidence.kind !== 'witnessed' || !finding.entries?.length) return [];
    try {
      const entries = finding.entries.map((name) => ({ name }));
      const scenario = buildScenario(input.graph, entries);
      const witness = replaySchedule(scenario, finding.evidence.schedule);
      const source: TimelineSource = {
        id: findingKey(finding),
        title: `${finding.code} ${FINDING_TITLES[finding.code]}: ${finding.entries.map((n) => `${n}()`).join(' vs ')}`,
        summary: finding.message,
        evidence: evidenceLabel(finding.evidence),
        witness, objects: scenarioObjects(scenario),
        rerun: { entries, params: {} },
      };
      const breakStep = lastStep(witness);
      if (breakStep !== undefined) source.breakStep = breakStep;
      return [source];
    } catch {
      // A schedule that no longer fits is shown without its timeline, never as an error.
      return [];
    }
  }

  /** The notes' own `never` / `always-before` claims, against the roots that share objects. */
  private assertions(input: CheckInput, simulation: SimulationSettings, timelines: TimelineSource[]): AssertionView[] {
    const written = input.files.flatMap((m) => m.assertions ?? []);
    if (written.length === 0) return [];
    const entries = sharedEntries(input.graph).map((name) => ({ name }));
    const scenario = buildScenario(input.graph, entries, { aliases: this.config.aliases });
    const bounds = { loopUnroll: simulation.loopUnroll, maxDepth: simulation.maxDepth, maxStates: simulation.maxStates };
    const results = checkAssertions(scenario, written, { bounds, budgetMs: Math.min(simulation.timeBudgetMs, 2_000), labels: labelTable(input.graph) });
    return results.map((result) => this.assertionView(result, scenario, entries, timelines));
  }

  private assertionView(result: AssertionResult, scenario: ReturnType<typeof buildScenario>, entries: { name: string }[], timelines: TimelineSource[]): AssertionView {
    const { assertion } = result;
    const view: AssertionView = {
      loc: assertion.loc, text: assertion.text, verdict: result.verdict, summary: result.summary,
      reasons: result.reasons?.map((r) => r.text) ?? [], exhaustive: result.exhaustive,
    };
    if (result.witness) {
      const id = `assertion@${assertion.loc.file}:${assertion.loc.line}`;
      const source: TimelineSource = {
        id, title: `Assertion violated: ${assertion.text}`, summary: result.summary,
        witness: result.witness, objects: scenarioObjects(scenario), rerun: { entries, params: {} },
      };
      const breakStep = lastStep(result.witness);
      if (breakStep !== undefined) source.breakStep = breakStep;
      timelines.push(source);
      view.timeline = id;
    }
    return view;
  }
}

/** Names a file as the editor does: relative to the workspace folder holding it, else as it is. */
export function relativeTo(folders: readonly string[]): (file: string) => string {
  return (file) => {
    if (!isAbsolute(file)) return file;
    for (const folder of folders) {
      const inside = relative(folder, file);
      if (inside && !inside.startsWith('..') && !isAbsolute(inside)) return inside.split(sep).join('/');
    }
    return file;
  };
}

function factsOf(model: FileModel): FileFacts {
  return {
    file: model.file,
    sites: syncSites(model),
    timelines: model.timelines.map((t) => ({
      line: t.loc.line,
      endLine: Math.max(t.loc.line, ...t.events.map((e) => e.loc.line)),
      cpus: t.cpus,
    })),
  };
}
