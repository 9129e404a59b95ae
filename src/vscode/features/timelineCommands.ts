// Show Timeline and Copy Timeline as Text. Each takes `{ id }` (from a
// hover link or a test); without one, the timeline on show, else the last
// one shown, else a pick among all there are. Copy puts the email-ready CPU
// table (renderWitness) on the clipboard.

import * as vscode from 'vscode';
import { renderWitness } from '../../sim';
import type { TimelineSource } from '../../report/timelineSource';
import type { Services } from '../services';

const NOTHING_YET = 'RaceLens: nothing simulated yet. Run "RaceLens: Simulate Race", or hover a flagged line and choose Open Timeline.';

export function register(s: Services): void {
  s.context.subscriptions.push(
    vscode.commands.registerCommand('racelens.showTimeline', async (args?: { id?: string }) => {
      const source = await choose(s, args, 'Show which timeline?', false);
      if (!source) return undefined;
      s.timelines.remember(source.id);
      s.panel.show(source);
      return source.id;
    }),
    vscode.commands.registerCommand('racelens.copyTimeline', async (args?: { id?: string }) => {
      const shown = !args?.id ? s.panel.current?.view : undefined;
      const source = shown ? undefined : await choose(s, args, 'Copy which timeline?', true);
      const text = shown?.table ?? (source ? renderWitness(source.witness) : undefined);
      if (text === undefined) return undefined;
      if (source) s.timelines.remember(source.id);
      await vscode.env.clipboard.writeText(text);
      void vscode.window.showInformationMessage('RaceLens: timeline copied as an email-ready CPU table.');
      return text;
    }),
  );
}

/**
 * The timeline a command acts on, or undefined after saying why there is
 * none. Without an id: the last one used when `preferLast`, else a pick
 * among all of them with the last one first.
 */
export async function choose(s: Services, args: { id?: string } | undefined, title: string, preferLast: boolean): Promise<TimelineSource | undefined> {
  if (args?.id) {
    const found = s.timelines.get(args.id);
    if (!found) void vscode.window.showWarningMessage(`RaceLens: the timeline ${args.id} is gone (the code changed since); hover the line again or run Simulate Race.`);
    return found;
  }
  const last = s.timelines.last;
  if (preferLast && last) return last;
  const all = s.timelines.all();
  if (all.length === 0) {
    void vscode.window.showInformationMessage(NOTHING_YET);
    return undefined;
  }
  if (all.length === 1) return all[0];
  const ordered = last ? [last, ...all.filter((t) => t.id !== last.id)] : all;
  const picked = await vscode.window.showQuickPick(ordered.map((t) => ({ label: t.title, description: t.summary?.slice(0, 120), source: t })), { title, matchOnDescription: true });
  return picked?.source;
}
