// The timeline panel: one webview showing one witness, one column per CPU
// and one row per step, with the state of every object at the selected
// step. The page is static: media/timeline.css and dist/webview/timeline.js
// written into it under a strict CSP with a per-load nonce (the page loads
// nothing: in the browser each load would go through the webview's service
// worker and cost a round trip before the first paint). A new page carries
// the timeline it opens on as a JSON data block, so it draws while it loads;
// later timelines arrive by postMessage (src/report/timelineProtocol.ts).
// The webview keeps its timeline with setState, so a reload — or a
// restart, through the serializer — restores it.

import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { buildTimelineView, rowAt, type TimelineView } from '../../report/timelineView';
import { INITIAL_STATE_ID, initialStateJson, isPanelState, isWebviewMessage, type HostMessage, type PanelState, type WebviewMessage } from '../../report/timelineProtocol';
import type { TimelineSource } from '../../report/timelineSource';
import { reveal, type FileKeys } from '../locations';

export const TIMELINE_VIEW_TYPE = 'racelens.timeline';

export class TimelinePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private state: PanelState | undefined;
  /** The timeline last handed to the panel, and when (wall clock: see `wallClock`). */
  private shown: { id: string; at: number } | undefined;
  /**
   * The timeline on show once on screen: how long the webview took to build
   * it, how long from show() until the webview painted it (a new panel's
   * page loading included), and until the host heard so.
   */
  private drawn: { id: string; ms: number; openMs: number; heardMs: number; paintedAt: number } | undefined;
  /** Who waits for a timeline to be painted (whenPainted). */
  private paintWaiters: { id: string; done: () => void }[] = [];
  /** The page's style and script, read once. */
  private assets: { css: string; script: string } | undefined;

  private constructor(private readonly extensionUri: vscode.Uri, private readonly keys: FileKeys, private readonly output: vscode.OutputChannel) {}

  static register(context: vscode.ExtensionContext, keys: FileKeys, output: vscode.OutputChannel): TimelinePanel {
    const panel = new TimelinePanel(context.extensionUri, keys, output);
    context.subscriptions.push(
      panel,
      vscode.window.registerWebviewPanelSerializer(TIMELINE_VIEW_TYPE, {
        deserializeWebviewPanel: async (webview: vscode.WebviewPanel, state: unknown) => panel.revive(webview, state),
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => panel.follow(e)),
    );
    return panel;
  }

  /** The timeline on show, with its selected row (the test hook reports it). */
  get current(): PanelState | undefined {
    return this.panel ? this.state : undefined;
  }

  /** Milliseconds the webview took to draw the timeline on show, once it has. */
  get renderMs(): number | undefined {
    return this.drawn && this.drawn.id === this.state?.view.id ? this.drawn.ms : undefined;
  }

  /** Milliseconds from show() until the timeline on show was painted in the webview, once it has. */
  get openMs(): number | undefined {
    return this.drawn && this.drawn.id === this.state?.view.id ? this.drawn.openMs : undefined;
  }

  /** When (wall clock: see `wallClock`) the webview painted the timeline on show, once it has. */
  get paintedAt(): number | undefined {
    return this.drawn && this.drawn.id === this.state?.view.id ? this.drawn.paintedAt : undefined;
  }

  /** Milliseconds from show() until the host heard that the timeline on show was painted. */
  get heardMs(): number | undefined {
    return this.drawn && this.drawn.id === this.state?.view.id ? this.drawn.heardMs : undefined;
  }

  /**
   * Opens the panel before its timeline exists — Simulate Race calls this as
   * the simulation starts — so the page loads (in the browser a new webview
   * takes a few hundred milliseconds) while the simulation runs; show() then
   * only has to send the timeline. An open panel keeps what it shows, with
   * `text` as its busy note. Returns what to call if no timeline follows.
   */
  prepare(text: string): () => void {
    if (this.panel) {
      this.post({ type: 'busy', text });
      return () => this.post({ type: 'busy' });
    }
    this.state = undefined;
    this.shown = undefined;
    const panel = this.create(`Timeline: ${text}`, text);
    // Nothing came of it (cancelled, failed, no witness): a panel that never showed a timeline goes.
    return () => {
      if (this.panel === panel && !this.state) panel.dispose();
    };
  }

  /**
   * Resolves once timeline `id` is painted, once the panel is gone, or after
   * `timeoutMs` (a hidden panel paints nothing): for what should not compete
   * with the page loading, such as a notification.
   */
  whenPainted(id: string, timeoutMs = 3_000): Promise<void> {
    if (!this.panel || this.drawn?.id === id) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { id, done: (): void => { clearTimeout(timer); resolve(); } };
      const timer = setTimeout(() => {
        this.paintWaiters = this.paintWaiters.filter((w) => w !== waiter);
        resolve();
      }, timeoutMs);
      this.paintWaiters.push(waiter);
    });
  }

  private wakePaintWaiters(id?: string): void {
    const woken = this.paintWaiters.filter((w) => id === undefined || w.id === id);
    this.paintWaiters = this.paintWaiters.filter((w) => !woken.includes(w));
    for (const w of woken) w.done();
  }

  show(source: TimelineSource): TimelineView {
    this.shown = { id: source.id, at: wallClock() };
    this.drawn = undefined;
    const view = buildTimelineView(source, (file) => this.keys.display(file));
    this.state = { view, selected: view.breakRow ?? 0 };
    if (this.panel) {
      this.panel.reveal(undefined, true);
      this.post({ type: 'show', view, selected: this.state.selected });
    } else {
      // The new page carries the timeline: it needs no message to draw it.
      this.create(`Timeline: ${view.title}`, 'Loading the timeline…');
    }
    this.panel!.title = `Timeline: ${view.title}`;
    return view;
  }

  private create(title: string, placeholder: string): vscode.WebviewPanel {
    // All options at creation: set later, they would make the workbench send the page's content twice.
    const panel = vscode.window.createWebviewPanel(TIMELINE_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { ...WEBVIEW_OPTIONS, enableFindWidget: true });
    this.attach(panel, placeholder);
    return panel;
  }

  dispose(): void {
    this.panel?.dispose();
  }

  private revive(panel: vscode.WebviewPanel, state: unknown): void {
    if (isPanelState(state)) {
      this.state = state;
      this.shown = { id: state.view.id, at: wallClock() };
    }
    panel.webview.options = WEBVIEW_OPTIONS;
    this.attach(panel);
  }

  private attach(panel: vscode.WebviewPanel, placeholder = 'Loading the timeline…'): void {
    this.panel = panel;
    this.assets ??= {
      css: readFileSync(vscode.Uri.joinPath(this.extensionUri, 'media', 'timeline.css').fsPath, 'utf8'),
      // The source map stays beside the bundle: a page that loads nothing has no use for its link.
      script: readFileSync(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'timeline.js').fsPath, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'),
    };
    panel.webview.html = page(this.assets, this.state, placeholder);
    // This panel's listeners go with it, so closed panels leave nothing behind.
    const listeners: vscode.Disposable[] = [];
    listeners.push(
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      panel.onDidDispose(() => {
        for (const listener of listeners) listener.dispose();
        if (this.panel !== panel) return;
        this.panel = undefined;
        this.wakePaintWaiters();
      }),
    );
  }

  private async receive(message: unknown): Promise<void> {
    if (!isWebviewMessage(message)) return;
    const handled: WebviewMessage = message;
    const view = this.state?.view;
    switch (handled.type) {
      case 'ready':
        // The page drew what its HTML or saved state held; only something newer needs sending.
        if (!this.state) return;
        if (handled.id !== this.state.view.id) this.post({ type: 'show', view: this.state.view, selected: this.state.selected });
        else if (handled.selected !== this.state.selected) this.post({ type: 'select', row: this.state.selected });
        return;
      case 'selected': {
        const row = view?.rows[handled.row];
        if (!this.state || !row) return;
        this.state.selected = handled.row;
        if (handled.reveal) await reveal(this.keys, row.loc, true);
        return;
      }
      case 'rendered': {
        // The first painting after show() (or a revival) counts.
        if (this.drawn?.id === handled.id || this.shown?.id !== handled.id) return;
        const heardMs = wallClock() - this.shown.at;
        // The webview's clock and ours are the same machine's; never more than when we heard it.
        const openMs = Math.min(heardMs, Math.max(0, handled.paintedAt - this.shown.at));
        this.drawn = { id: handled.id, ms: handled.ms, openMs, heardMs, paintedAt: this.shown.at + openMs };
        this.output.appendLine(`timeline panel: ${handled.rows} rows built in ${Math.round(handled.ms)} ms, on screen ${Math.round(openMs)} ms after it was asked for`);
        this.wakePaintWaiters(handled.id);
        return;
      }
      case 'command':
        if (!view) return;
        if (handled.command === 'copy') {
          await vscode.env.clipboard.writeText(view.table);
          void vscode.window.showInformationMessage('RaceLens: timeline copied as an email-ready CPU table.');
        } else if (view.rerun) {
          this.post({ type: 'busy', text: 'Simulating again…' });
          try {
            await vscode.commands.executeCommand('racelens.simulateRace', view.rerun);
          } finally {
            this.post({ type: 'busy' });
          }
        }
        return;
    }
  }

  /** The cursor moved in the source: select the step that runs its line, unless the selected one already does. */
  private follow(e: vscode.TextEditorSelectionChangeEvent): void {
    if (!this.panel?.visible || !this.state || e.textEditor.document.uri.scheme === 'output') return;
    const key = this.keys.keyOf(e.textEditor.document.uri, e.textEditor.document.languageId);
    const line = e.selections[0]?.active.line;
    if (line === undefined) return;
    const current = this.state.view.rows[this.state.selected];
    if (current && (current.loc.file === key && current.loc.line === line)) return;
    const row = rowAt(this.state.view, key, line);
    if (row === undefined || row === this.state.selected) return;
    this.state.selected = row;
    this.post({ type: 'select', row });
  }

  private post(message: HostMessage): void {
    void this.panel?.webview.postMessage(message);
  }
}

/** Scripts on, and no local file readable: the page loads nothing. */
const WEBVIEW_OPTIONS: vscode.WebviewOptions = { enableScripts: true, localResourceRoots: [] };

/** Text as HTML content: entry-point names come from the user's files. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Milliseconds since the epoch, sub-millisecond; the webview stamps its painting the same way. */
function wallClock(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * The panel's page: nothing remote or loaded; only the style and script
 * carrying this load's nonce may apply or run. `state`, when known, rides
 * along as a JSON data block (never run: not JavaScript) for the script to
 * draw at once.
 */
function page({ css, script }: { css: string; script: string }, state: PanelState | undefined, placeholder: string): string {
  // The bundle and the style sheet are ours; still, neither may close its element early.
  if (/<\/(?:script|style)/i.test(css + script)) throw new Error('the timeline page\'s style or script contains a closing tag');
  const nonce = randomBytes(16).toString('base64');
  const csp = [`default-src 'none'`, `style-src 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <style nonce="${nonce}">${css}</style>
  <title>RaceLens Timeline</title>
</head>
<body>
  <main id="app" aria-live="polite"><p class="empty">${escapeHtml(placeholder)}</p></main>
  ${state ? `<script type="application/json" id="${INITIAL_STATE_ID}">${initialStateJson(state)}</script>` : ''}
  <script nonce="${nonce}">${script}</script>
</body>
</html>`;
}
