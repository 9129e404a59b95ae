// The timeline webview's script. It draws the timeline its page carries
// (or its saved state) as soon as it runs, then what the host sends (a
// TimelineView); keeps it with setState so a reload restores it; and tells
// the host which row the user selects. Keys: ↑/↓ (j/k) step, Home/End
// first/last, b the step where the property breaks, Enter show the line.

import { INITIAL_STATE_ID, isPanelState, moveSelection, type HostMessage, type Move, type PanelState } from '../../src/report/timelineProtocol';
import { completeRows, render, select, type Rendered } from './render';
import { vscode } from './vscodeApi';

const app = document.getElementById('app')!;
let state: PanelState | undefined;
let rendered: Rendered | undefined;
let saveTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Hands the state to VS Code, which gives it back after a reload. The page
 * marks the row it kept (`data-saved-row`), so whoever reloads the window
 * (the e2e test) can wait until the selection is kept.
 */
function persist(): void {
  if (!state) return;
  vscode.setState(state);
  app.dataset.savedRow = String(state.selected);
}

/** setState copies the whole view: once per pause, not once per key press. */
function save(): void {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(persist, 150);
}

function show(next: PanelState): void {
  const started = performance.now();
  const selected = Math.min(next.selected, Math.max(0, next.view.rows.length - 1));
  if (state && rendered && sameTimeline(state.view, next.view)) {
    // The same timeline is on screen already (shown again, or sent while the page carried it): keep the drawing.
    select(state.view, rendered, state.selected, selected);
    state.selected = selected;
    persist();
    report(state.view, performance.now() - started);
    return;
  }
  state = { view: next.view, selected };
  const { view } = state;
  if (view.rows.length === 0) {
    const empty = document.createElement('p');
    empty.className = 'empty';
    empty.textContent = `${view.title}: no step to show.`;
    app.replaceChildren(empty);
    rendered = undefined;
    persist();
    report(view, performance.now() - started);
    return;
  }
  const drawing = rendered = render(app, view, selected);
  wire(drawing);
  select(view, drawing, -1, selected);
  persist();
  // First the report of the first screenful painted, then the rows below it.
  report(view, performance.now() - started);
  afterPaint(() => {
    if (rendered === drawing) completeRows(view, drawing);
  });
}

/** The same timeline, row for row: compared only when the ids match, off the first drawing's path. */
function sameTimeline(a: PanelState['view'], b: PanelState['view']): boolean {
  return a.id === b.id && JSON.stringify(a) === JSON.stringify(b);
}

/** Tells the host when `view` was on screen, and how long building it took. */
function report(view: PanelState['view'], ms: number): void {
  afterPaint(() => vscode.postMessage({ type: 'rendered', id: view.id, rows: view.rows.length, ms, paintedAt: performance.timeOrigin + performance.now() }));
}

/**
 * Runs `then` once what is drawn has been painted where the user sees it.
 * The workbench keeps a new page's frame hidden until the page's load
 * event (or 200 ms without one), so a new page waits for that first; then
 * a task after the next animation frame runs once that frame is painted.
 */
function afterPaint(then: () => void): void {
  let scheduled = false;
  const nextFrame = (): void => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => setTimeout(then, 0));
  };
  if (document.readyState === 'complete') return nextFrame();
  window.addEventListener('load', nextFrame, { once: true });
  setTimeout(nextFrame, 250);
}

function choose(row: number, reveal: boolean): void {
  if (!state || !rendered) return;
  const previous = state.selected;
  state.selected = row;
  select(state.view, rendered, previous, row);
  vscode.postMessage({ type: 'selected', row, reveal });
  save();
}

const KEYS: Record<string, Move> = {
  ArrowDown: 'next', j: 'next', ArrowRight: 'next',
  ArrowUp: 'previous', k: 'previous', ArrowLeft: 'previous',
  Home: 'first', End: 'last', b: 'break',
};

function wire(r: Rendered): void {
  r.grid.addEventListener('keydown', (event) => {
    if (!state) return;
    if (event.key === 'Enter') {
      choose(state.selected, true);
      event.preventDefault();
      return;
    }
    const move = KEYS[event.key];
    if (!move) return;
    choose(moveSelection(state.view, state.selected, move), false);
    event.preventDefault();
  });
  r.grid.addEventListener('click', (event) => {
    const tr = (event.target as HTMLElement).closest('tr[data-row]');
    if (tr instanceof HTMLElement) choose(Number(tr.dataset.row), true);
  });
  r.copy.addEventListener('click', () => vscode.postMessage({ type: 'command', command: 'copy' }));
  r.rerun?.addEventListener('click', () => vscode.postMessage({ type: 'command', command: 'rerun' }));
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'show':
      show({ view: message.view, selected: message.selected });
      rendered?.grid.focus();
      break;
    case 'select':
      if (state && rendered && message.row < state.view.rows.length) {
        select(state.view, rendered, state.selected, message.row);
        state.selected = message.row;
        save();
      }
      break;
    case 'busy':
      if (rendered) rendered.busy.textContent = message.text ?? '';
      break;
  }
});

// The panel resized (a group maximized, a sash moved): keep the selected step in view.
window.addEventListener('resize', () => {
  if (state && rendered) rendered.rows[state.selected]?.scrollIntoView({ block: 'nearest' });
});

/** The timeline the page's HTML carries (a JSON data block), if any. */
function embeddedState(): PanelState | undefined {
  const text = document.getElementById(INITIAL_STATE_ID)?.textContent;
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isPanelState(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

// Drawn at once, before the page has finished loading: the saved state after a reload (the
// latest this page showed), else the timeline the page was made for. The host then sends
// only what is newer.
const saved = vscode.getState();
const initial = isPanelState(saved) ? saved : embeddedState();
if (initial) {
  show(initial);
  rendered?.grid.focus();
}
vscode.postMessage({ type: 'ready', id: state?.view.id, selected: state?.selected });
