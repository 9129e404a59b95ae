// Show Lock Order Graph: lockdep's dependency graph over everything open, as
// a Markdown page with the cycles (RL002, RL004) first and every edge on a
// cycle marked; each site links to its line.

import * as vscode from 'vscode';
import { renderLockGraphMarkdown } from '../../report/lockGraphReport';
import type { Services } from '../services';
import type { VirtualDocuments } from '../virtualDocuments';

export function register(s: Services, pages: VirtualDocuments): void {
  s.context.subscriptions.push(vscode.commands.registerCommand('racelens.showLockGraph', async () => {
    if (s.analysis.facts.size === 0 && s.analysis.state.kind !== 'indexing') {
      void vscode.window.showInformationMessage('RaceLens: no C, notes, patch or mail is open: there is no lock to draw.');
      return undefined;
    }
    await s.analysis.whenIdle();
    const graph = await s.analysis.client.call('lockGraph', {});
    const text = renderLockGraphMarkdown(graph, (loc, label) => s.keys.link(loc, label));
    await pages.show('/Lock Order Graph.md', text);
    return text;
  }));
}
