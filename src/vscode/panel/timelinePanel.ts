// The timeline panel: one webview showing one witness, one column per CPU
// and one row per step, with the state of every object at the selected
// step. The page is static (media/timeline.css, dist/webview/timeline.js
// under a strict CSP with a per-load nonce); the data arrives by postMessage
// only (src/report/timelineProtocol.ts) and the webview keeps it with
// setState, so a reload — or a restart, through the serializer — restores it.

import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { buildTimelineView, rowAt, type TimelineView } from '../../report/timelineView';
import { isPanelState, isWebviewMessage, type HostMessage, type PanelState, type WebviewMessage } from '../../report/timelineProtocol';
import type { TimelineSource } from '../../report/timelineSource';
import { reveal, type FileKeys } from '../locations';

export const TIMELINE_VIEW_TYPE = 'racelens.timeline';

export class TimelinePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private state: PanelState | undefined;
  /** How long the webview took to draw the timeline on show, by timeline id. */
  private drawn: { id: string; ms: number } | undefined;
  private readonly disposables: vscode.Disposable[] = [];

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

  show(source: TimelineSource): TimelineView {
    const view = buildTimelineView(source, (file) => this.keys.display(file));
    this.state = { view, selected: view.breakRow ?? 0 };
    if (this.panel) this.panel.reveal(undefined, true);
    else {
      const panel = vscode.window.createWebviewPanel(TIMELINE_VIEW_TYPE, 'RaceLens Timeline', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableFindWidget: true });
      this.attach(panel);
    }
    this.panel!.title = `Timeline: ${view.title}`;
    this.post({ type: 'show', view, selected: this.state.selected });
    return view;
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private revive(panel: vscode.WebviewPanel, state: unknown): void {
    if (isPanelState(state)) this.state = state;
    this.attach(panel);
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const script = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    panel.webview.options = { enableScripts: true, localResourceRoots: [media, script] };
    panel.webview.html = page(panel.webview, vscode.Uri.joinPath(media, 'timeline.css'), vscode.Uri.joinPath(script, 'timeline.js'));
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      panel.onDidDispose(() => {
        if (this.panel === panel) this.panel = undefined;
      }),
    );
  }

  private async receive(message: unknown): Promise<void> {
    if (!isWebviewMessage(message)) return;
    const handled: WebviewMessage = message;
    const view = this.state?.view;
    switch (handled.type) {
      case 'ready':
        if (this.state) this.post({ type: 'show', view: this.state.view, selected: this.state.selected });
        return;
      case 'selected': {
        const row = view?.rows[handled.row];
        if (!this.state || !row) return;
        this.state.selected = handled.row;
        if (handled.reveal) await reveal(this.keys, row.loc, true);
        return;
      }
      case 'rendered':
        this.drawn = { id: handled.id, ms: handled.ms };
        this.output.appendLine(`timeline panel: ${handled.rows} rows drawn in ${Math.round(handled.ms)} ms`);
        return;
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

/** The panel's page: no data, no inline script or style, nothing remote. */
function page(webview: vscode.Webview, css: vscode.Uri, script: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `font-src ${webview.cspSource}`, `img-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${webview.asWebviewUri(css).toString()}">
  <title>RaceLens Timeline</title>
</head>
<body>
  <main id="app" aria-live="polite"><p class="empty">Loading the timeline…</p></main>
  <script nonce="${nonce}" src="${webview.asWebviewUri(script).toString()}"></script>
</body>
</html>`;
}
