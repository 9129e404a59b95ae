// Builds the panel's DOM from a TimelineView, once per timeline, with
// textContent only (the data never becomes markup). Selecting a row then
// touches two rows and the state pane's cells: a 200-step witness is one
// table build and a few class changes per key press. The first screenful
// of rows is built before the first paint, the rest (completeRows) after.

import type { TimelineView, ViewRow } from '../../src/report/timelineView';

/** Rows built before the first paint: more than fill a maximized panel. */
const FIRST_ROWS = 60;

export interface Rendered {
  /** The rows built so far, by index: all of them once completeRows has run. */
  rows: HTMLTableRowElement[];
  body: HTMLTableSectionElement;
  grid: HTMLElement;
  /** The state pane: the heading and one cell per object and per CPU. */
  heading: HTMLElement;
  objectCells: HTMLElement[];
  objectRows: HTMLElement[];
  cpuCells: HTMLElement[];
  copy: HTMLButtonElement;
  rerun: HTMLButtonElement | undefined;
  busy: HTMLElement;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const KIND_LABEL: Record<string, string> = { completion: 'completion', domain: 'SRCU/RCU', lock: 'lock', value: 'value' };

function header(view: TimelineView): { node: HTMLElement; copy: HTMLButtonElement; rerun: HTMLButtonElement | undefined; busy: HTMLElement } {
  const node = el('header');
  node.append(el('h1', undefined, view.title));
  if (view.summary) node.append(el('p', 'summary', view.summary));
  const meta = el('p', 'meta');
  if (view.evidence) meta.append(el('span', 'evidence', view.evidence), ' · ');
  meta.append('schedule ', el('code', undefined, view.schedule || '(none)'));
  node.append(meta);
  const toolbar = el('div', 'toolbar');
  const copy = el('button', undefined, 'Copy as text');
  copy.title = 'Copy the email-ready CPU table';
  toolbar.append(copy);
  let rerun: HTMLButtonElement | undefined;
  if (view.rerun) {
    rerun = el('button', 'secondary', 'Simulate again');
    rerun.title = 'Run the same entry points and parameters again';
    toolbar.append(rerun);
  }
  const busy = el('span', 'busy');
  toolbar.append(busy);
  node.append(toolbar, el('p', 'help', '↑/↓ or j/k: step · Home/End: first/last · b: where it breaks · Enter or click: show the line'));
  return { node, copy, rerun, busy };
}

function cell(row: ViewRow): HTMLTableCellElement {
  const td = el('td', 'cpu');
  row.lines.forEach((line) => {
    const primary = line.file === row.loc.file && line.line === row.loc.line;
    const div = el('div', primary ? 'line primary' : 'line');
    div.append(el('span', 'code', line.text));
    if (line.note) div.append(el('span', 'note', ` // ${line.note}`));
    td.append(div);
  });
  if (row.breaks) td.append(el('div', 'badge', '⚠ property broken here'));
  if (row.blocked) td.prepend(el('div', 'badge blocked', 'left blocked'));
  return td;
}

function stepRow(view: TimelineView, row: ViewRow): HTMLTableRowElement {
  const tr = el('tr', `row${row.breaks ? ' breaks' : ''}${row.blocked ? ' blocked' : ''}`);
  tr.dataset.row = String(row.index);
  tr.id = `row-${row.index}`;
  tr.setAttribute('role', 'row');
  tr.setAttribute('aria-selected', 'false');
  tr.append(el('td', 'num', row.blocked ? '·' : String(row.index + 1)));
  view.cpus.forEach((_, column) => tr.append(column === row.column ? cell(row) : el('td', 'cpu empty')));
  tr.append(el('td', 'loc', row.where));
  return tr;
}

/** Builds the rows from `rows.length` up to `end` (exclusive) and appends them. */
function appendRows(view: TimelineView, r: Pick<Rendered, 'rows' | 'body'>, end: number): void {
  const built = view.rows.slice(r.rows.length, end).map((row) => stepRow(view, row));
  if (built.length === 0) return;
  const fragment = document.createDocumentFragment();
  fragment.append(...built);
  r.body.append(fragment);
  r.rows.push(...built);
}

/** The steps table with its first `firstRows` rows. */
function stepsTable(view: TimelineView, firstRows: number): { grid: HTMLElement; rows: HTMLTableRowElement[]; body: HTMLTableSectionElement } {
  const grid = el('div', 'steps');
  grid.tabIndex = 0;
  grid.setAttribute('role', 'grid');
  grid.setAttribute('aria-label', 'Steps: one column per CPU, one row per step');
  const table = el('table');
  const head = el('tr');
  head.append(el('th', 'num', '#'), ...view.cpus.map((c) => el('th', 'cpu', c.label)), el('th', 'loc', 'Location'));
  const thead = el('thead');
  thead.append(head);
  table.append(thead);
  const steps = { rows: [] as HTMLTableRowElement[], body: el('tbody') };
  appendRows(view, steps, firstRows);
  table.append(steps.body);
  grid.append(table);
  return { grid, ...steps };
}

/** Builds the rows the first paint went without; does nothing once all are built. */
export function completeRows(view: TimelineView, rendered: Rendered): void {
  appendRows(view, rendered, view.rows.length);
}

function statePane(view: TimelineView): { node: HTMLElement; heading: HTMLElement; objectCells: HTMLElement[]; objectRows: HTMLElement[]; cpuCells: HTMLElement[] } {
  const node = el('aside', 'state');
  node.setAttribute('aria-label', 'State at the selected step');
  const heading = el('h2');
  const objects = el('table', 'objects');
  const objectCells: HTMLElement[] = [];
  const objectRows: HTMLElement[] = [];
  for (const object of view.objects) {
    const tr = el('tr');
    const value = el('td', 'value');
    tr.append(el('th', undefined, object.id), el('td', 'kind', KIND_LABEL[object.kind] ?? object.kind), value);
    objects.append(tr);
    objectCells.push(value);
    objectRows.push(tr);
  }
  const cpus = el('table', 'cpus');
  const cpuCells = view.cpus.map((c) => {
    const tr = el('tr');
    const value = el('td', 'value');
    tr.append(el('th', undefined, c.label), value);
    cpus.append(tr);
    return value;
  });
  node.append(heading, objects, el('h2', undefined, 'CPUs'), cpus);
  return { node, heading, objectCells, objectRows, cpuCells };
}

/**
 * Replaces the page's content with the timeline: the rows up to a
 * screenful past `selected`; completeRows builds the others.
 */
export function render(app: HTMLElement, view: TimelineView, selected: number): Rendered {
  const top = header(view);
  const steps = stepsTable(view, Math.max(FIRST_ROWS, selected + FIRST_ROWS / 2));
  const pane = statePane(view);
  const layout = el('div', 'layout');
  layout.append(steps.grid, pane.node);
  app.replaceChildren(top.node, layout);
  return { ...steps, ...pane, copy: top.copy, rerun: top.rerun, busy: top.busy };
}

/** Marks `index` selected and fills the state pane with the state after it. */
export function select(view: TimelineView, rendered: Rendered, previous: number, index: number): void {
  if (index >= rendered.rows.length) completeRows(view, rendered);
  const before = rendered.rows[previous];
  before?.classList.remove('selected');
  before?.setAttribute('aria-selected', 'false');
  const tr = rendered.rows[index];
  const row = view.rows[index];
  if (!tr || !row) return;
  tr.classList.add('selected');
  tr.setAttribute('aria-selected', 'true');
  tr.scrollIntoView({ block: 'nearest' });
  rendered.grid.setAttribute('aria-activedescendant', `row-${index}`);
  rendered.heading.textContent = row.blocked ? `At the end (CPU left blocked)` : `After step ${index + 1} of ${view.rows.filter((r) => !r.blocked).length}`;
  const changed = new Set(row.changed);
  row.states.forEach((state, i) => {
    const cellNode = rendered.objectCells[i];
    if (cellNode) cellNode.textContent = state;
    rendered.objectRows[i]?.classList.toggle('changed', changed.has(i));
  });
  row.cpuStatus.forEach((status, i) => {
    const cellNode = rendered.cpuCells[i];
    if (cellNode) cellNode.textContent = status;
  });
}
