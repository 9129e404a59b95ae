// The timeline panel's protocol: every message between the extension host
// and the webview script (media/timeline/), both ways, as discriminated
// unions. A new page also carries the timeline it opens on, as JSON in a
// data block of its HTML (`initialStateJson`), so it draws as soon as its
// script runs instead of waiting for a message round trip. The webview
// bundles this file too, so the helpers here are pure and import nothing at
// run time.

import type { TimelineView } from './timelineView';

/** Host → webview. */
export type HostMessage =
  /** Draw this timeline, replacing any other, with `selected` as the current row. */
  | { type: 'show'; view: TimelineView; selected: number }
  /** The editor's cursor moved onto the line of `row`: select it without revealing anything. */
  | { type: 'select'; row: number }
  /** A Simulate Again is running (`text`), or has ended (undefined). */
  | { type: 'busy'; text?: string };

/** Webview → host. */
export type WebviewMessage =
  /**
   * The script has loaded and drawn the timeline `id` (from its HTML or its
   * saved state) with `selected` as the current row; the host answers with
   * `show` or `select` only when it holds something newer.
   */
  | { type: 'ready'; id?: string; selected?: number }
  /** The user selected `row` (keyboard or click); `reveal` asks for its line in the editor (click, Enter). */
  | { type: 'selected'; row: number; reveal: boolean }
  /** A toolbar button: copy the email-ready table, or run the scenario again. */
  | { type: 'command'; command: 'copy' | 'rerun' }
  /**
   * The timeline `id` is on screen: `rows` rows built in `ms` milliseconds,
   * painted at `paintedAt` (wall clock, `performance.timeOrigin +
   * performance.now()`, comparable with the host's on the same machine).
   */
  | { type: 'rendered'; id: string; rows: number; ms: number; paintedAt: number };

/** What the webview keeps with `setState`, and what the serializer hands back after a reload. */
export interface PanelState {
  view: TimelineView;
  selected: number;
}

export type Move = 'next' | 'previous' | 'first' | 'last' | 'break';

/** The row a key moves the selection to; stays inside the table. */
export function moveSelection(view: Pick<TimelineView, 'rows' | 'breakRow'>, selected: number, move: Move): number {
  const last = view.rows.length - 1;
  if (last < 0) return 0;
  switch (move) {
    case 'next': return Math.min(last, selected + 1);
    case 'previous': return Math.max(0, selected - 1);
    case 'first': return 0;
    case 'last': return last;
    case 'break': return view.breakRow ?? last;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isRow = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** Messages come from a page the host does not control: check their shape before acting on them. */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case 'ready': return (value.id === undefined || typeof value.id === 'string') && (value.selected === undefined || isRow(value.selected));
    case 'selected': return isRow(value.row) && typeof value.reveal === 'boolean';
    case 'command': return value.command === 'copy' || value.command === 'rerun';
    case 'rendered': return typeof value.id === 'string' && isRow(value.rows) && typeof value.ms === 'number' && value.ms >= 0 && Number.isFinite(value.paintedAt);
    default: return false;
  }
}

/** The id of the page's data block holding its first PanelState. */
export const INITIAL_STATE_ID = 'initial-state';

/**
 * A PanelState as the text of an HTML `<script type="application/json">`
 * block: `<` is escaped, so no `</script>` (or `<!--`) in the data can end
 * the block early; JSON.parse reads `\u003c` back as `<`.
 */
export function initialStateJson(state: PanelState): string {
  return JSON.stringify(state).replace(/</g, '\\u003c');
}

/** A saved state is restored only when it still has the shape this version writes. */
export function isPanelState(value: unknown): value is PanelState {
  if (!isRecord(value) || !isRow(value.selected) || !isRecord(value.view)) return false;
  const view = value.view;
  return typeof view.id === 'string' && typeof view.title === 'string' && Array.isArray(view.rows) && Array.isArray(view.cpus) && Array.isArray(view.objects);
}
