// Places one column of a typed CPU timeline on a thread's program: which
// instruction each row is, and the path through the program that runs them
// in order. Reviewers leave things out, so rows may skip instructions:
// local steps and calls that do nothing shared are skipped freely; a skipped
// shared step costs one (it still runs, unwritten, before the next row); a
// row that matches nothing costs a hundred and is reported. The cheapest
// placement wins (Dijkstra over (pc, rows placed)).

import type { TimelineEvent } from '../model/types';
import { successors, type Instr, type Program } from './program';

export interface PlacedRow {
  event: TimelineEvent;
  /** Index into `path` of the instruction the row is. */
  at: number;
}

export interface ColumnPlacement {
  /** The program's pcs from its start through the last placed row, in the order they run. */
  path: number[];
  rows: PlacedRow[];
  /** Rows written as C that match nothing in the program where they stand. */
  unmatched: TimelineEvent[];
  /** Rows that are no step: `} else {`, prose. */
  ignored: TimelineEvent[];
  /** The column's entry row when it names the program's own entry point (the thread's start, no instruction). */
  start?: TimelineEvent;
  /** Shared steps the column leaves out (they run, unwritten). */
  skippedShared: number;
  cost: number;
}

const SKIP_SHARED = 1;
const UNMATCHED_ROW = 100;
/** A row that is the instruction by meaning but not by text (`-> srcu_read_lock(&kvm->fw->srcu)` for `idx = srcu_read_lock(&fw->srcu)`): kept, but an exact twin elsewhere wins. */
const SIMILAR_ROW = 0.01;

/** Text as reviewers vary it: no arrow, no trailing `;` or `{`, no spaces. */
export function normalizeText(text: string): string {
  return text.replace(/^\s*(?:->|=>)\s*/, '').replace(/[\s;{]+$/, '').replace(/\s+/g, '');
}

/** Whether a row is this instruction: as written (`exact`), by meaning (`similar`), or not at all. */
export function rowMatch(event: TimelineEvent, instr: Instr): 'exact' | 'similar' | undefined {
  if (instr.kind === 'op' && instr.synthetic) return undefined;
  if (instr.text !== undefined && normalizeText(instr.text) === normalizeText(event.text)) return 'exact';
  return sameMeaning(event, instr) ? 'similar' : undefined;
}

function sameMeaning(event: TimelineEvent, instr: Instr): boolean {
  const stmt = event.stmt;
  if (!stmt) return false;
  switch (stmt.kind) {
    case 'call':
      if (instr.kind === 'op') {
        const a = instr.op.object?.id;
        const b = stmt.op?.object?.id;
        return instr.call.callee === stmt.callee && (a === undefined || b === undefined || a === b);
      }
      if (instr.kind === 'enter') return instr.callee === stmt.callee || instr.text?.replace(/^.*?=\s*/, '').startsWith(`${stmt.callee}(`) === true;
      return instr.kind === 'mark' && instr.dispatch === true && /^\s*=>/.test(event.text) && normalizeText(instr.text ?? '').startsWith(`${stmt.callee}(`);
    case 'branch':
      return instr.kind === 'branch' && normalizeText(instr.condText) === normalizeText(stmt.cond);
    case 'assign':
      return instr.kind === 'assign' && instr.target === stmt.target && normalizeText(instr.text ?? '') === normalizeText(`${stmt.target} = ${stmt.value}`);
    case 'access':
      if (instr.kind === 'access') return instr.object === stmt.object.id && instr.access === stmt.access;
      return instr.kind === 'op' && instr.op.family === 'access' && instr.op.object?.id === stmt.object.id;
    case 'return':
      return instr.kind === 'return';
    default:
      return false;
  }
}

/** Rows that are not steps: a closing `} else {`, or prose that does not read as C (`case X:` lines are steps: the path taken). */
function isStructural(event: TimelineEvent): boolean {
  if (/^\s*}/.test(event.text)) return true;
  return event.stmt === undefined && !/^\s*(?:case\b.*|default\s*):\s*$/.test(event.text);
}

/** A binary heap of [cost, node], cheapest first. */
class Queue {
  private readonly items: [number, number][] = [];
  get size(): number { return this.items.length; }
  push(item: [number, number]): void {
    const a = this.items;
    a.push(item);
    for (let i = a.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (a[parent]![0] <= a[i]![0]) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }
  pop(): [number, number] {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]![0] < a[m]![0]) m = l;
        if (r < a.length && a[r]![0] < a[m]![0]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

type Move = 'match' | 'skip' | 'drop';

/**
 * Places a column's rows on `program`, starting at its first instruction.
 * `shared[pc]`: the instruction is a scheduling point (skipping it costs).
 */
export function placeColumn(program: Program, shared: readonly boolean[], events: readonly TimelineEvent[]): ColumnPlacement {
  const ignored = events.filter(isStructural);
  let rows = events.filter((e) => !isStructural(e));
  let start: TimelineEvent | undefined;
  const first = rows[0];
  if (first?.entry && first.stmt?.kind === 'call' && first.stmt.callee === program.entry) {
    start = first;
    rows = rows.slice(1);
  }
  const n = program.instrs.length;
  const node = (pc: number, k: number): number => k * n + pc;
  const cost = new Map<number, number>([[node(0, 0), 0]]);
  const came = new Map<number, { from: number; move: Move }>();
  const queue = new Queue();
  queue.push([0, node(0, 0)]);
  let goal: number | undefined;
  while (queue.size > 0) {
    const [c, id] = queue.pop();
    if (c !== cost.get(id)) continue;
    const pc = id % n;
    const k = Math.floor(id / n);
    if (k === rows.length) { goal = id; break; }
    const relax = (to: number, extra: number, move: Move): void => {
      const next = c + extra;
      if (next < (cost.get(to) ?? Infinity)) {
        cost.set(to, next);
        came.set(to, { from: id, move });
        queue.push([next, to]);
      }
    };
    const exits = successors(program, pc);
    const match = rowMatch(rows[k]!, program.instrs[pc]!);
    if (match) for (const next of exits) relax(node(next, k + 1), match === 'exact' ? 0 : SIMILAR_ROW, 'match');
    for (const next of exits) relax(node(next, k), shared[pc] ? SKIP_SHARED : 0, 'skip');
    relax(node(pc, k + 1), UNMATCHED_ROW, 'drop');
  }
  return rebuild(goal, came, n, rows, { ignored, start, cost: goal === undefined ? Infinity : cost.get(goal) ?? Infinity }, shared);
}

function rebuild(
  goal: number | undefined, came: Map<number, { from: number; move: Move }>, n: number, rows: readonly TimelineEvent[],
  extra: { ignored: TimelineEvent[]; start: TimelineEvent | undefined; cost: number }, shared: readonly boolean[],
): ColumnPlacement {
  const moves: { pc: number; k: number; move: Move }[] = [];
  for (let id = goal; id !== undefined;) {
    const step = came.get(id);
    if (!step) break;
    moves.push({ pc: step.from % n, k: Math.floor(step.from / n), move: step.move });
    id = step.from;
  }
  moves.reverse();
  const path: number[] = [];
  const placed: PlacedRow[] = [];
  const unmatched: TimelineEvent[] = [];
  let skippedShared = 0;
  for (const { pc, k, move } of moves) {
    if (move === 'drop') { unmatched.push(rows[k]!); continue; }
    path.push(pc);
    if (move === 'match') placed.push({ event: rows[k]!, at: path.length - 1 });
    else if (shared[pc]) skippedShared++;
  }
  const result: ColumnPlacement = { path, rows: placed, unmatched, ignored: extra.ignored, skippedShared, cost: extra.cost };
  if (extra.start) result.start = extra.start;
  return result;
}
