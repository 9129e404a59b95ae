// Keeps the engine's models in step with the workspace and the editor: the
// open folder is indexed once in the background (a cancellable progress
// notification), then each edit, debounced, re-reads only its document and
// re-runs the checks over the cached models. A check that comes back after
// newer edits were sent is dropped: its answer is already stale.
//
// Every published result is a Snapshot; features listen to onDidUpdate.
// `whenIdle()` resolves once nothing is queued (the test hook's signal).

import * as vscode from 'vscode';
import type { Finding } from '../check/finding';
import type { SyncSite } from '../report/objectReport';
import type { TimelineSource } from '../report/timelineSource';
import { EngineClient } from './analysis/client';
import type { CheckOutput, FileFacts, FileInput } from './analysis/protocol';
import { isReadable, type FileKeys } from './locations';
import type { Settings } from './settings';

export type AnalysisState =
  | { kind: 'starting' }
  | { kind: 'indexing'; done: number; total: number }
  | { kind: 'checking' }
  | { kind: 'idle' }
  | { kind: 'error'; message: string };

export interface Snapshot {
  /** Counts published results, from 1. */
  version: number;
  output: CheckOutput;
  /** The findings to show: neither suppressed nor from a check turned off. */
  findings: Finding[];
  suppressed: number;
  timelines: ReadonlyMap<string, TimelineSource>;
}

const SOURCE_GLOB = '**/*.{c,h,rlnotes,md,txt,patch,diff,mbox,eml,rst}';
const EXCLUDE_GLOB = '**/{node_modules,.git,dist,out,.vscode-test}/**';
const EXCLUDED_PATH = /\/(?:node_modules|\.git|dist|out|\.vscode-test)\//;
const INDEX_BATCH = 64;

export class WorkspaceAnalysis implements vscode.Disposable {
  state: AnalysisState = { kind: 'starting' };
  snapshot: Snapshot | undefined;
  /** What the host keeps of each file: sync sites and typed timelines. */
  readonly facts = new Map<string, FileFacts>();

  private readonly pendingReads = new Map<string, FileInput>();
  private readonly pendingRemovals = new Set<string>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Files read from disk by the index or the watcher: closing their editor goes back to the disk's text. */
  private readonly onDisk = new Set<string>();
  private configureWanted = false;
  private checkWanted = false;
  private indexing = false;
  private started = false;
  private pumping: Promise<void> | undefined;
  private idleWaiters: (() => void)[] = [];
  private version = 0;
  private siteIndex: Map<string, SyncSite[]> | undefined;

  private readonly updated = new vscode.EventEmitter<Snapshot>();
  readonly onDidUpdate = this.updated.event;
  private readonly stateChanged = new vscode.EventEmitter<AnalysisState>();
  readonly onDidChangeState = this.stateChanged.event;
  private readonly disposables: vscode.Disposable[] = [this.updated, this.stateChanged];

  constructor(private engine: EngineClient, readonly settings: Settings, readonly keys: FileKeys, private readonly output: vscode.OutputChannel, private readonly distDir: string) {}

  get client(): EngineClient {
    return this.engine;
  }

  /** Starts listening to the editor, then indexes the workspace in the background. */
  start(): void {
    const watcher = vscode.workspace.createFileSystemWatcher(SOURCE_GLOB);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => this.fromDisk(uri)),
      watcher.onDidChange((uri) => this.fromDisk(uri)),
      watcher.onDidDelete((uri) => this.forget(this.keys.keyOf(uri))),
      vscode.workspace.onDidOpenTextDocument((doc) => this.track(doc, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.track(e.document, this.settings.current.debounceMs);
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => this.closed(doc)),
      this.settings.onDidChange(() => {
        this.configureWanted = true;
        this.kick();
      }),
    );
    void this.begin();
  }

  /** Drops every model and indexes again, on a fresh engine when the old one failed. */
  async restart(): Promise<void> {
    if (this.engine.error) this.engine = EngineClient.start(this.distDir);
    await this.pumping;
    this.pendingReads.clear();
    this.pendingRemovals.clear();
    await this.engine.call('remove', { files: [...this.facts.keys()] });
    this.facts.clear();
    this.siteIndex = undefined;
    this.onDisk.clear();
    await this.begin();
  }

  /** Resolves once no settings change, edit, read or check is queued or running. */
  async whenIdle(): Promise<void> {
    await this.settings.settled();
    if (this.isIdle()) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const d of this.disposables) d.dispose();
    this.engine.dispose();
  }

  private async begin(): Promise<void> {
    this.indexing = true;
    try {
      await this.engine.call('configure', { config: this.settings.raw, disabled: this.settings.current.disabled });
      this.configureWanted = false;
      await this.index();
    } catch (error) {
      this.fail(error);
    } finally {
      this.indexing = false;
      this.started = true;
      this.checkWanted = true;
      this.kick();
    }
  }

  private async index(): Promise<void> {
    const inputs = new Map<string, FileInput>();
    // Open documents first: the editor's text wins, and an edit made while the index runs is sent after it.
    for (const doc of vscode.workspace.textDocuments.filter(isReadable)) {
      const key = this.keys.keyOf(doc.uri, doc.languageId);
      inputs.set(key, { file: key, text: doc.getText() });
    }
    const { enabled, maxFiles } = this.settings.current.index;
    const found = enabled && vscode.workspace.workspaceFolders ? await vscode.workspace.findFiles(SOURCE_GLOB, EXCLUDE_GLOB, maxFiles) : [];
    for (const uri of [...found, ...this.settings.lockingDocs]) {
      const key = this.keys.keyOf(uri);
      this.onDisk.add(key);
      if (inputs.has(key)) continue;
      if (uri.scheme === 'file') inputs.set(key, { file: key, path: uri.fsPath });
      else {
        const text = await readText(uri);
        if (text !== undefined) inputs.set(key, { file: key, text });
        else this.output.appendLine(`index: cannot read ${uri.toString()}`);
      }
    }
    if (found.length >= maxFiles) this.output.appendLine(`index: stopped at ${maxFiles} files (setting racelens.index.maxFiles)`);
    const all = [...inputs.values()];
    const title = 'RaceLens: indexing the workspace';
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      for (let done = 0; done < all.length; done += INDEX_BATCH) {
        if (token.isCancellationRequested) {
          this.output.appendLine(`index: cancelled after ${done} of ${all.length} files; open documents are still checked as you edit`);
          break;
        }
        this.setState({ kind: 'indexing', done, total: all.length });
        const batch = all.slice(done, done + INDEX_BATCH);
        this.store(await this.engine.call('read', { inputs: batch }));
        progress.report({ increment: (100 * batch.length) / all.length, message: `${Math.min(all.length, done + batch.length)} of ${all.length} files` });
      }
    });
  }

  /** An open or edited document: read its text after the debounce, replacing any read still waiting. */
  private track(doc: vscode.TextDocument, delay: number): void {
    if (!isReadable(doc)) return;
    const key = this.keys.keyOf(doc.uri, doc.languageId);
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      if (doc.isClosed) return;
      this.pendingReads.set(key, { file: key, text: doc.getText() });
      this.kick();
    }, delay));
  }

  private closed(doc: vscode.TextDocument): void {
    if (!isReadable(doc)) return;
    const key = this.keys.keyOf(doc.uri, doc.languageId);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    if (this.onDisk.has(key)) this.pendingReads.set(key, { file: key, path: doc.uri.fsPath });
    else this.forget(key);
    this.kick();
  }

  /** The watcher saw a file change on disk; an open document's text wins, and the index's limits hold. */
  private fromDisk(uri: vscode.Uri): void {
    if (uri.scheme !== 'file' || vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) return;
    const key = this.keys.keyOf(uri);
    const indexed = this.settings.current.index.enabled && !EXCLUDED_PATH.test(uri.path);
    if (!indexed && !this.onDisk.has(key)) return;
    this.onDisk.add(key);
    this.pendingReads.set(key, { file: key, path: uri.fsPath });
    this.kick();
  }

  private forget(key: string): void {
    this.onDisk.delete(key);
    this.pendingReads.delete(key);
    this.pendingRemovals.add(key);
    this.kick();
  }

  private kick(): void {
    if (this.pumping) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      if (this.hasWork()) this.kick();
      else this.settle();
    });
  }

  private hasWork(): boolean {
    return this.configureWanted || this.pendingReads.size > 0 || this.pendingRemovals.size > 0 || (this.checkWanted && !this.indexing);
  }

  private isIdle(): boolean {
    return this.started && !this.indexing && !this.pumping && this.timers.size === 0 && !this.hasWork();
  }

  private settle(): void {
    if (!this.isIdle()) return;
    if (this.state.kind !== 'error') this.setState({ kind: 'idle' });
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Sends what is queued, in order: configuration, removals, reads, then one check. */
  private async pump(): Promise<void> {
    try {
      while (this.hasWork()) {
        if (this.configureWanted) {
          this.configureWanted = false;
          await this.engine.call('configure', { config: this.settings.raw, disabled: this.settings.current.disabled });
          this.checkWanted = true;
        }
        if (this.pendingRemovals.size > 0) {
          const files = [...this.pendingRemovals];
          this.pendingRemovals.clear();
          await this.engine.call('remove', { files });
          for (const file of files) this.facts.delete(file);
          this.siteIndex = undefined;
          this.checkWanted = true;
        }
        if (this.pendingReads.size > 0) {
          const inputs = [...this.pendingReads.values()];
          this.pendingReads.clear();
          this.store(await this.engine.call('read', { inputs }));
          this.checkWanted = true;
        }
        if (this.checkWanted && !this.indexing) {
          this.checkWanted = false;
          this.setState({ kind: 'checking' });
          const output = await this.engine.call('check', { simulation: this.settings.current.simulation });
          // Newer edits arrived while it ran: its answer is stale, the next round replaces it.
          if (this.pendingReads.size > 0 || this.pendingRemovals.size > 0 || this.configureWanted) continue;
          this.publish(output);
        }
      }
      if (this.state.kind === 'error') this.setState({ kind: 'idle' });
    } catch (error) {
      this.fail(error);
    }
  }

  /** Every use of an object across the workspace, in file order. */
  usesOf(id: string): SyncSite[] {
    if (!this.siteIndex) {
      this.siteIndex = new Map();
      for (const file of [...this.facts.keys()].sort()) {
        for (const site of this.facts.get(file)!.sites) {
          const list = this.siteIndex.get(site.object.id);
          if (list) list.push(site);
          else this.siteIndex.set(site.object.id, [site]);
        }
      }
    }
    return this.siteIndex.get(id) ?? [];
  }

  private store(facts: FileFacts[]): void {
    for (const f of facts) this.facts.set(f.file, f);
    this.siteIndex = undefined;
  }

  private publish(output: CheckOutput): void {
    const off = new Set(this.settings.current.disabled);
    const findings = output.findings.filter((f) => !f.suppressed && !off.has(f.code));
    this.snapshot = {
      version: ++this.version, output, findings,
      suppressed: output.findings.filter((f) => f.suppressed).length,
      timelines: new Map(output.timelines.map((t) => [t.id, t])),
    };
    this.output.appendLine(`check ${this.version}: ${findings.length} finding(s), ${output.problems.length} input problem(s) in ${output.ms} ms`);
    this.updated.fire(this.snapshot);
  }

  private fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.output.appendLine(`error: ${message}`);
    this.setState({ kind: 'error', message: message.split('\n')[0] ?? message });
  }

  private setState(state: AnalysisState): void {
    this.state = state;
    this.stateChanged.fire(state);
  }
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}
