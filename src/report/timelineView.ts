// What the timeline panel shows, computed from a TimelineSource before it is
// sent: one row per step (then one per CPU left blocked), the column of the
// CPU that runs it, its lines in notes notation, its location, and the state
// of every object and every CPU after it. The webview only lays this out;
// nothing is derived there, so a 200-step witness costs one pass here and
// one DOM build there.

import { formatLine, renderWitness } from '../sim/render';
import type { ObjectKind, TimelineSource } from './timelineSource';
import type { TraceLine, Witness } from '../sim/results';

export interface ViewLine {
  /** The line in notes notation (`-> call()` nested), without its note. */
  text: string;
  note?: string;
  file: string;
  /** 0-based. */
  line: number;
}

export interface ViewRow {
  index: number;
  /** The witness step, for a step row; undefined for a CPU left blocked at the end. */
  step?: number;
  /** Index into `TimelineView.cpus`. */
  column: number;
  action: string;
  lines: ViewLine[];
  note?: string;
  loc: { file: string; line: number; col: number };
  /** `examples/seed000-race.rlnotes:44` */
  where: string;
  blocked?: boolean;
  /** The property is broken once this row has run. */
  breaks?: boolean;
  /** Each object's state after this row, aligned with `TimelineView.objects`. */
  states: string[];
  /** Indices into `TimelineView.objects` of the objects this row changed. */
  changed: number[];
  /** What each CPU last did (or waits for) after this row, aligned with `TimelineView.cpus`. */
  cpuStatus: string[];
}

export interface TimelineView {
  id: string;
  title: string;
  summary?: string;
  evidence?: string;
  schedule: string;
  cpus: { cpu: number; label: string }[];
  objects: { id: string; kind: ObjectKind; initial: string }[];
  rows: ViewRow[];
  /** The row marked as where the property breaks. */
  breakRow?: number;
  /** The email-ready CPU table (renderWitness), for Copy Timeline. */
  table: string;
  /** What Simulate Again runs; absent when the timeline cannot be run again (a typed timeline's replay). */
  rerun?: TimelineSource['rerun'];
}

const WAITS = /\bwaits? for\b|^blocked\b/;

function viewLine(line: TraceLine): ViewLine {
  const view: ViewLine = { text: formatLine(line, false), file: line.loc.file, line: line.loc.line };
  if (line.note) view.note = line.note;
  return view;
}

function cpusOf(witness: Witness): { cpu: number; label: string }[] {
  const used = new Set([...witness.steps.map((s) => s.cpu), ...witness.blocked.map((b) => b.thread)]);
  return witness.threads.filter((t) => used.has(t.cpu)).map((t) => ({ cpu: t.cpu, label: `CPU ${t.cpu} · ${t.label}` }));
}

function objectsOf(source: TimelineSource): TimelineView['objects'] {
  const objects = source.objects.map((o) => ({ ...o }));
  const known = new Set(objects.map((o) => o.id));
  for (const step of source.witness.steps) {
    for (const [id, state] of Object.entries(step.objects)) {
      if (known.has(id) || state === 'untracked') continue;
      known.add(id);
      objects.push({ id, kind: 'value', initial: '(not yet touched)' });
    }
  }
  return objects;
}

/** Builds the panel's rows; `display` turns a file key into what the user reads (a relative path). */
export function buildTimelineView(source: TimelineSource, display: (file: string) => string): TimelineView {
  const { witness } = source;
  const cpus = cpusOf(witness);
  const column = new Map(cpus.map((c, i) => [c.cpu, i]));
  const objects = objectsOf(source);
  const objectIndex = new Map(objects.map((o, i) => [o.id, i]));
  const states = objects.map((o) => o.initial);
  const status = cpus.map(() => 'not started');
  /** Domains a CPU's grace period waits on, by CPU. */
  const waitingOn = new Map<number, string[]>();
  const rows: ViewRow[] = [];

  const domainState = (): string[] => states.map((state, i) => {
    const object = objects[i]!;
    if (object.kind !== 'domain') return state;
    const waiting = [...waitingOn].filter(([, ids]) => ids.includes(object.id)).map(([cpu]) => `CPU ${cpu}`);
    return waiting.length > 0 ? `${state}; grace period waiting: ${waiting.join(', ')}` : state;
  });

  for (const step of witness.steps) {
    const changed: number[] = [];
    for (const [id, state] of Object.entries(step.objects)) {
      const i = objectIndex.get(id);
      if (i === undefined) continue;
      if (states[i] !== state) changed.push(i);
      states[i] = state;
    }
    waitingOn.delete(step.cpu);
    if (step.note && WAITS.test(step.note)) waitingOn.set(step.cpu, Object.keys(step.objects));
    const col = column.get(step.cpu) ?? 0;
    status[col] = step.note ? `${step.action}: ${step.note}` : step.action;
    const row: ViewRow = {
      index: rows.length, step: step.index, column: col, action: step.action,
      lines: step.lines.map(viewLine),
      loc: { file: step.loc.file, line: step.loc.line, col: step.loc.col },
      where: `${display(step.loc.file)}:${step.loc.line + 1}`,
      states: domainState(), changed, cpuStatus: [...status],
    };
    if (step.note) row.note = step.note;
    rows.push(row);
  }
  for (const blocked of witness.blocked) {
    const last = blocked.lines[blocked.lines.length - 1];
    if (!last) continue;
    const col = column.get(blocked.thread) ?? 0;
    status[col] = `blocked in ${last.text}${last.note ? `: ${last.note.replace(/^blocked: /, '')}` : ''}`;
    rows.push({
      index: rows.length, column: col, action: last.text, blocked: true,
      lines: blocked.lines.map(viewLine),
      ...(last.note ? { note: last.note } : {}),
      loc: { file: last.loc.file, line: last.loc.line, col: last.loc.col },
      where: `${display(last.loc.file)}:${last.loc.line + 1}`,
      states: domainState(), changed: [], cpuStatus: [...status],
    });
  }

  const view: TimelineView = { id: source.id, title: source.title, schedule: witness.schedule, cpus, objects, rows, table: renderWitness(witness) };
  if (source.rerun) view.rerun = source.rerun;
  if (source.summary) view.summary = source.summary;
  if (source.evidence) view.evidence = source.evidence;
  if (source.breakStep !== undefined) {
    const row = rows.find((r) => r.step === source.breakStep);
    if (row) {
      row.breaks = true;
      view.breakRow = row.index;
    }
  }
  return view;
}

/**
 * The row to select when the cursor is on `line` of `file`: the first row
 * whose operation is on that line, else the first that runs it as a local
 * line, else undefined.
 */
export function rowAt(view: TimelineView, file: string, line: number): number | undefined {
  const primary = view.rows.find((row) => row.loc.file === file && row.loc.line === line);
  return (primary ?? view.rows.find((row) => row.lines.some((l) => l.file === file && l.line === line)))?.index;
}
