// The timeline webview's script. It draws what the host sends (a
// TimelineView), keeps it with setState so a reload restores it, and tells
// the host which row the user selects. Keys: ↑/↓ (j/k) step, Home/End
// first/last, b the step where the property breaks, Enter show the line.

import { isPanelState, moveSelection, type HostMessage, type Move, type PanelState } from '../../src/report/timelineProtocol';
import { render, select, type Rendered } from './render';
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
  state = { view: next.view, selected: Math.min(next.selected, Math.max(0, next.view.rows.length - 1)) };
  if (state.view.rows.length === 0) {
    const empty = document.createElement('p');
    empty.className = 'empty';
    empty.textContent = `${state.view.title}: no step to show.`;
    app.replaceChildren(empty);
    rendered = undefined;
    persist();
    return;
  }
  const started = performance.now();
  rendered = render(app, state.view);
  wire(rendered);
  select(state.view, rendered, -1, state.selected);
  persist();
  // After layout: the time until the table can be seen, not just built.
  const { id, rows } = state.view;
  requestAnimationFrame(() => vscode.postMessage({ type: 'rendered', id, rows: rows.length, ms: performance.now() - started }));
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

// After a reload the saved state draws at once; the host then sends the latest.
const saved = vscode.getState();
if (isPanelState(saved)) show(saved);
vscode.postMessage({ type: 'ready' });
