// Simulate Race: from the cursor (a notes line, a C call, a function) or a
// CodeLens, pick the entry points for the other CPUs — those touching an
// object this side touches are preselected — fix the scenario's open
// parameters if wanted, run every interleaving (a status-bar spinner; a
// cancellable progress notification once it runs long) with the timeline
// panel already opening, and show the first witness in it.
//
// Arguments skip the pickers (tests, Simulate Again, the CodeLens):
//   executeCommand('racelens.simulateRace', { entries: ['kvm_vm_ioctl', 'reload_store'], params: { data: 0 } })

import * as vscode from 'vscode';
import type { EntrySpec } from '../../sim';
import type { Params } from '../../report/timelineSource';
import type { ChoicesOutput, SimulateOutput } from '../analysis/protocol';
import type { Services } from '../services';

export interface SimulateArgs {
  /** The entry point this side runs (the CodeLens gives it); the others are still picked. */
  from?: string;
  /** Every entry point to run, CPU 0 first: names, `NAMExN`, or specs. Skips the pickers. */
  entries?: (string | EntrySpec)[];
  /** Fixed parameters; with `entries`, the others are explored both ways without asking. */
  params?: Params;
  /** Open the first timeline in the panel (default true). */
  open?: boolean;
}

export interface SimulateResult {
  verdict: string;
  timelines: string[];
  opened?: string;
}

export function register(s: Services): void {
  s.context.subscriptions.push(vscode.commands.registerCommand('racelens.simulateRace', (args?: SimulateArgs) => simulateRace(s, args ?? {})));
}

async function simulateRace(s: Services, args: SimulateArgs): Promise<SimulateResult | undefined> {
  if (s.analysis.state.kind === 'indexing' || s.analysis.state.kind === 'starting') {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'RaceLens: waiting for the workspace to be read' }, () => s.analysis.whenIdle());
  }
  const client = s.analysis.client;
  let entries: EntrySpec[];
  let params: Params = args.params ?? {};
  if (args.entries) {
    entries = args.entries.map(specOf);
  } else {
    const picked = await pickEntries(s, args);
    if (!picked) return undefined;
    entries = picked;
    const open = (await client.call('params', { entries })).filter((name) => params[name] === undefined);
    const fixed = await askParams(open);
    if (!fixed) return undefined;
    params = { ...params, ...fixed };
  }
  if (entries.length === 0) {
    void vscode.window.showInformationMessage('RaceLens: nothing to simulate: name at least one entry point.');
    return undefined;
  }
  const names = entries.map((e) => `${e.name}${e.copies && e.copies > 1 ? ` ×${e.copies}` : ''}`).join(', ');
  const title = `RaceLens: simulating ${names}`;
  // The panel opens now and loads while the simulation runs: its timeline then only has to be sent.
  const abandon = args.open !== false ? s.panel.prepare(`Simulating ${names}…`) : undefined;
  let output: SimulateOutput;
  try {
    output = await withQuietProgress(title, (token, report) =>
      client.call('simulate', { entries, params, simulation: s.settings.current.simulation }, {
        token,
        onProgress: (p) => report(`${p.executions} executions, ${p.states} states, ${(p.ms / 1000).toFixed(1)} s`),
      }));
  } catch (error) {
    abandon?.();
    void vscode.window.showErrorMessage(`RaceLens: the simulation failed: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
  s.output.appendLine(`\n${output.report}`);
  s.timelines.setSimulated(output.timelines);
  const first = output.timelines[0];
  const result: SimulateResult = { verdict: output.verdict, timelines: output.timelines.map((t) => t.id) };
  if (first && args.open !== false) {
    s.timelines.remember(first.id);
    s.panel.show(first);
    result.opened = first.id;
  } else abandon?.();
  const stopped = output.stats.stopped ? ` (stopped early: ${output.stats.stopped}; not every interleaving was explored)` : '';
  const announce = (): void => {
    void vscode.window.showInformationMessage(`RaceLens: ${output.verdict}${stopped}.`, 'Show Report').then((choice) => choice && s.output.show(true));
  };
  // The verdict's notification waits for the timeline to be on screen: building it in the
  // workbench meanwhile slows the panel's page down (by 100–200 ms on a busy machine).
  if (result.opened) void s.panel.whenPainted(result.opened).then(announce);
  else announce();
  return result;
}

/** A simulation quicker than this runs under the status bar's spinner alone. */
const NOTIFY_AFTER_MS = 500;

/**
 * Runs `work` with a spinner in the status bar, and — only once it has run
 * NOTIFY_AFTER_MS — a cancellable progress notification: a quick simulation
 * flashes no notification, whose building in the workbench would also slow
 * down the panel's page loading at the same time.
 */
async function withQuietProgress<T>(title: string, work: (token: vscode.CancellationToken, report: (message: string) => void) => Promise<T>): Promise<T> {
  const cancel = new vscode.CancellationTokenSource();
  let last: string | undefined;
  let notification: vscode.Progress<{ message?: string }> | undefined;
  const running = work(cancel.token, (message) => {
    last = message;
    notification?.report({ message });
  });
  const settled = running.then(() => undefined, () => undefined);
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, () => settled);
  const timer = setTimeout(() => {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      notification = progress;
      if (last) progress.report({ message: last });
      token.onCancellationRequested(() => cancel.cancel());
      return settled;
    });
  }, NOTIFY_AFTER_MS);
  try {
    return await running;
  } finally {
    clearTimeout(timer);
    cancel.dispose();
  }
}

function specOf(entry: string | EntrySpec): EntrySpec {
  if (typeof entry !== 'string') return entry;
  const copies = /^(.+)x(\d+)$/.exec(entry);
  return copies ? { name: copies[1]!, copies: Number(copies[2]) } : { name: entry };
}

/** This side from the cursor or the lens, then the other CPUs. */
async function pickEntries(s: Services, args: SimulateArgs): Promise<EntrySpec[] | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!args.from && !editor) {
    void vscode.window.showInformationMessage('RaceLens: open C, notes, a patch or a mail and put the cursor on an entry point or a line it runs (or use the Simulate Race lens above an entry point).');
    return undefined;
  }
  const client = s.analysis.client;
  const at = args.from !== undefined ? { from: args.from }
    : { file: s.keys.keyOf(editor!.document.uri, editor!.document.languageId), line: editor!.selection.active.line };
  let found: ChoicesOutput = await client.call('choices', at);
  if (found.roots.length === 0) {
    void vscode.window.showInformationMessage('RaceLens: nothing to simulate: what is open defines no entry point (notes entry lines, or C functions nobody calls).');
    return undefined;
  }
  let side = found.here[0];
  if (found.here.length !== 1) {
    const candidates = found.here.length > 1 ? found.here : found.roots;
    const title = found.here.length > 1 ? 'Several entry points run this line: which one is CPU 0?' : 'The cursor is on no entry point\'s path: which one runs on CPU 0?';
    side = await vscode.window.showQuickPick(candidates, { title });
    if (!side) return undefined;
    found = await client.call('choices', { from: side });
  }
  const max = s.settings.current.simulation.maxThreads;
  const items = [
    ...found.others.filter((c) => c.name !== side).map((c) => ({
      label: c.name, spec: { name: c.name }, picked: c.picked,
      description: c.shared.length > 0 ? `shares ${c.shared.join(', ')}` : 'shares no object',
    })),
    { label: `${side} (again, on another CPU)`, spec: { name: side! }, picked: false, description: 'two CPUs run the same entry point' },
  ];
  const chosen = await vscode.window.showQuickPick(items, {
    title: `Simulate ${side}() against… (at most ${max - 1}; preselected: entry points touching the same objects)`,
    canPickMany: true,
  });
  if (!chosen) return undefined;
  if (chosen.length > max - 1) {
    void vscode.window.showWarningMessage(`RaceLens: at most ${max} CPUs (setting racelens.simulation.maxThreads); running the first ${max - 1} chosen.`);
  }
  const others = chosen.slice(0, max - 1).map((c) => c.spec);
  const again = others.filter((o) => o.name === side).length;
  return [{ name: side!, ...(again > 0 ? { copies: 1 + again } : {}) }, ...others.filter((o) => o.name !== side)];
}

/** One input box per open parameter; empty leaves it to be explored both ways; Escape cancels. */
async function askParams(names: readonly string[]): Promise<Params | undefined> {
  const params: Params = {};
  for (const [i, name] of names.entries()) {
    const value = await vscode.window.showInputBox({
      title: `Parameter ${name} (${i + 1} of ${names.length})`,
      prompt: `The scenario's branches read \`${name}\`, which nothing sets. Fix a value (e.g. 0 or 1), or leave it empty to explore both ways.`,
      placeHolder: 'explore both ways',
      validateInput: (text) => (text.trim() === '' || /^(?:-?(?:0x[0-9a-f]+|\d+)|true|false|[A-Za-z_]\w*)$/i.test(text.trim()) ? undefined : 'a number, true, false or a symbol'),
    });
    if (value === undefined) return undefined;
    const text = value.trim();
    if (text === '') continue;
    params[name] = text === 'true' ? true : text === 'false' ? false : /^-?(?:0x[0-9a-f]+|\d+)$/i.test(text) ? Number(text) : text;
  }
  return params;
}
