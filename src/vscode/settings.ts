// The `racelens.*` settings and `.racelens.json` in the first workspace
// folder, checked (src/report/editorSettings.ts) and joined. A wrong value
// is reported with its setting path — a warning naming the setting, or a
// diagnostic on the line of `.racelens.json` — and replaced by its default,
// so the rest keeps working.

import * as vscode from 'vscode';
import { isAbsolute } from 'node:path';
import type { ConfigProblem } from '../model/config';
import { validateSettings, workspaceConfig, type EditorSettings, type RawConfig, type SettingProblem } from '../report/editorSettings';

export const CONFIG_FILE = '.racelens.json';

export class Settings implements vscode.Disposable {
  current!: EditorSettings;
  raw!: RawConfig;
  /** Problems with `racelens.*` settings, each naming its setting path. */
  problems: SettingProblem[] = [];
  /** Problems with `.racelens.json`, with paths inside the file. */
  fileProblems: ConfigProblem[] = [];
  configFile: vscode.Uri | undefined;
  /** `racelens.lockingDocs` that exist, resolved against the first workspace folder. */
  lockingDocs: vscode.Uri[] = [];

  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('racelens-config');
  private readonly disposables: vscode.Disposable[] = [this.changed, this.diagnostics];
  private lastWarning = '';
  private reloading: Promise<void> | undefined;

  private constructor(private readonly output: vscode.OutputChannel) {}

  static async create(output: vscode.OutputChannel): Promise<Settings> {
    const settings = new Settings(output);
    await settings.reload();
    const again = (): void => {
      const previous = settings.reloading ?? Promise.resolve();
      const next = previous.then(() => settings.reload()).then(
        () => settings.changed.fire(),
        (error: unknown) => output.appendLine(`settings: could not be read: ${error instanceof Error ? error.message : String(error)}`),
      );
      settings.reloading = next;
      void next.finally(() => {
        if (settings.reloading === next) settings.reloading = undefined;
      });
    };
    settings.disposables.push(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('racelens')) again();
    }));
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, CONFIG_FILE));
      settings.disposables.push(watcher, watcher.onDidChange(again), watcher.onDidCreate(again), watcher.onDidDelete(again));
    }
    return settings;
  }

  /** Resolves once a settings change being read has been applied (and announced). */
  async settled(): Promise<void> {
    while (this.reloading) await this.reloading;
  }

  /** Everything the user should know is wrong, one line each (the status bar and the test hook show it). */
  describeProblems(): string[] {
    return [
      ...this.problems.map((p) => `${p.path}: ${p.message}`),
      ...this.fileProblems.map((p) => `${CONFIG_FILE}${p.path ? ` ${p.path}` : ''}: ${p.message}`),
    ];
  }

  async reload(): Promise<void> {
    const { settings, problems } = validateSettings(readSection());
    const file = await this.readConfigFile();
    const joined = workspaceConfig(file.value, settings);
    this.current = settings;
    this.raw = joined.raw;
    this.problems = problems;
    this.lockingDocs = await this.resolveDocs(settings.lockingDocs);
    this.fileProblems = [...file.problems, ...joined.fileProblems];
    this.report(file.text);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** Each locking doc that exists; each that does not is a problem with its setting path. */
  private async resolveDocs(paths: readonly string[]): Promise<vscode.Uri[]> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const found: vscode.Uri[] = [];
    for (const [i, path] of paths.entries()) {
      const uri = isAbsolute(path) ? vscode.Uri.file(path) : folder ? vscode.Uri.joinPath(folder.uri, path) : undefined;
      try {
        if (!uri) throw new Error('no workspace folder to resolve it against');
        await vscode.workspace.fs.stat(uri);
        found.push(uri);
      } catch {
        this.problems.push({ path: `racelens.lockingDocs[${i}]`, message: `no such file: ${path}${folder || isAbsolute(path) ? '' : ' (no workspace folder to resolve it against)'}` });
      }
    }
    return found;
  }

  private async readConfigFile(): Promise<{ value: unknown; text?: string; problems: ConfigProblem[] }> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    this.configFile = folder ? vscode.Uri.joinPath(folder.uri, CONFIG_FILE) : undefined;
    if (!this.configFile) return { value: undefined, problems: [] };
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(this.configFile));
    } catch {
      return { value: undefined, problems: [] };
    }
    try {
      return { value: JSON.parse(text) as unknown, text, problems: [] };
    } catch (error) {
      return { value: undefined, text, problems: [{ path: '', message: `not valid JSON: ${(error as Error).message}` }] };
    }
  }

  private report(fileText: string | undefined): void {
    this.diagnostics.clear();
    if (this.configFile && this.fileProblems.length > 0) {
      this.diagnostics.set(this.configFile, this.fileProblems.map((p) => {
        const diagnostic = new vscode.Diagnostic(lineOf(fileText ?? '', p.path), `${p.path ? `${p.path}: ` : ''}${p.message}`, vscode.DiagnosticSeverity.Warning);
        diagnostic.source = 'RaceLens';
        diagnostic.code = 'input';
        return diagnostic;
      }));
    }
    const lines = this.describeProblems();
    for (const line of lines) this.output.appendLine(`settings: ${line}`);
    const warning = this.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    if (warning && warning !== this.lastWarning) {
      const more = this.problems.length > 1 ? ` (and ${this.problems.length - 1} more: see the RaceLens output)` : '';
      void vscode.window.showWarningMessage(`RaceLens: setting ${this.problems[0]!.path}: ${this.problems[0]!.message}${more}. The rest of the settings apply.`, 'Open Settings')
        .then((choice) => choice && vscode.commands.executeCommand('workbench.action.openSettings', this.problems[0]?.path ?? 'racelens'));
    }
    this.lastWarning = warning;
  }
}

/** The `racelens` section as plain data. */
function readSection(): Record<string, unknown> {
  const section = vscode.workspace.getConfiguration('racelens');
  const keys = ['primitives', 'aliases', 'entries', 'severity', 'checks', 'simulation', 'lockingDocs', 'index', 'debounceMs'];
  return Object.fromEntries(keys.map((key) => [key, section.get(key)]));
}

/** The line of `.racelens.json` holding the last key of `path`, else the first line. */
function lineOf(text: string, path: string): vscode.Range {
  const key = path.split('.').pop();
  const lines = text.split(/\r?\n/);
  const line = key ? Math.max(0, lines.findIndex((l) => l.includes(`"${key}"`))) : 0;
  const at = lines[line]?.search(/\S/) ?? 0;
  return new vscode.Range(line, Math.max(0, at), line, lines[line]?.length ?? 0);
}
