// Why a timeline row cannot happen, in the reviewer's words: which object
// state stops it, which earlier row (or unwritten step) left the object so,
// and with locations. Used by timelineReplay.ts.

import { objectRef } from '../model/objects';
import type { SourceLoc, TimelineEvent } from '../model/types';
import { explainWait } from './deadlock';
import { parseExpr, readsOf } from './expr';
import type { Machine } from './machine';
import type { Instr } from './program';
import { describeObject, type Scenario } from './scenario';
import type { Wait } from './semantics/types';
import type { SimState } from './state';
import { renderValue } from './values';

/** Who last changed an object, for "CPU 1's init_completion two rows up left it not done". */
export interface Change {
  thread: number;
  pc: number;
  /** The row that step is, when the timeline shows it. */
  row?: TimelineEvent;
}

export interface ReasonContext {
  scenario: Scenario;
  machine: Machine;
  state: SimState;
  /** The row being replayed. */
  row: TimelineEvent;
  lastChange: ReadonlyMap<string, Change>;
  /** The row a thread's pc was last run as, if the timeline shows it. */
  rowAt(thread: number, pc: number): TimelineEvent | undefined;
  /** The first of a thread's rows still to come whose instruction matches. */
  laterRow(thread: number, matches: (instr: Instr) => boolean): TimelineEvent | undefined;
  /** The row's number among the table's lines that hold events. */
  rank(event: TimelineEvent): number;
  params: Readonly<Record<string, unknown>>;
}

const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

const lineOf = (loc: SourceLoc): string => `line ${loc.line + 1}`;

/**
 * `two rows up (line 60)`, `on the row above (line 59)`, `three rows down
 * (line 70)`. Rows are the table's lines that hold events (blank separator
 * lines do not count); `rank` numbers them.
 */
export function rowRef(row: TimelineEvent, from: TimelineEvent, rank: (event: TimelineEvent) => number): string {
  const distance = rank(from) - rank(row);
  const where = lineOf(row.loc);
  if (distance === 1) return `on the row above (${where})`;
  if (distance > 1) return `${WORDS[distance] ?? String(distance)} rows up (${where})`;
  if (distance === 0) return `on the same row (${where})`;
  if (distance === -1) return `on the row below (${where})`;
  return `${WORDS[-distance] ?? String(-distance)} rows down (${where})`;
}

export const cpuOf = (thread: number): string => `CPU ${thread}`;

function instrAt(ctx: ReasonContext, thread: number, pc: number): Instr | undefined {
  return ctx.scenario.threads[thread]?.info.program.instrs[pc];
}

function textOf(instr: Instr | undefined): string {
  if (!instr) return '?';
  return (instr.kind === 'op' ? instr.call.text : instr.text ?? instr.kind).replace(/;$/, '');
}

/** `CPU 1's init_completion(&fw->completion) two rows up (line 60)`, or the unwritten step with its line. */
export function stepRef(ctx: ReasonContext, thread: number, pc: number, row = ctx.rowAt(thread, pc)): string {
  const instr = instrAt(ctx, thread, pc);
  const what = `${cpuOf(thread)}'s ${textOf(instr)}`;
  if (row) return `${what} ${rowRef(row, ctx.row, ctx.rank)}`;
  return `${what} (${instr ? lineOf(instr.loc) : 'unknown line'}, not in the timeline)`;
}

function changedBy(ctx: ReasonContext, object: string): string | undefined {
  const change = ctx.lastChange.get(object);
  return change ? stepRef(ctx, change.thread, change.pc, change.row) : undefined;
}

/** The clause after "cannot pass X here: ". */
export function waitClause(ctx: ReasonContext, thread: number, wait: Wait): string {
  switch (wait.kind) {
    case 'completion': {
      const state = describeObject(ctx.state.objects[wait.object], []);
      const by = changedBy(ctx, wait.object);
      const left = by ? `${by} left ${wait.object} ${state}` : `${wait.object} starts ${state}`;
      const completer = ctx.scenario.threads.map((_, t) => ctx.laterRow(t, (i) => i.kind === 'op' && i.op.family === 'completion'
        && (i.op.action === 'complete' || i.op.action === 'complete_all') && i.op.object?.id === wait.object)).find((r) => r !== undefined);
      const later = completer ? `; it is completed only later, by ${cpuOf(completer.cpu)}'s ${completer.text.replace(/^->\s*/, '')} ${rowRef(completer, ctx.row, ctx.rank)}` : ', and nothing completes it before this row';
      return `${left}${later}`;
    }
    case 'lock': {
      if (wait.self) return `${cpuOf(thread)} already holds it (or is queued behind itself): recursive locking`;
      const holders = wait.holders.map(([t, pc]) => {
        if (pc < 0) return `${cpuOf(t)} is queued to write it first`;
        const release = ctx.laterRow(t, (i) => i.kind === 'op' && i.op.action === 'release' && i.op.object?.id === wait.object);
        return `${stepRef(ctx, t, pc)} holds it${release ? ` and releases it only ${rowRef(release, ctx.row, ctx.rank)}` : ' and does not release it before this row'}`;
      });
      return holders.join('; ');
    }
    case 'grace-period': {
      if (wait.self) return `it is called inside ${cpuOf(thread)}'s own ${wait.object} read-side section: the grace period waits for itself`;
      const readers = wait.readers.map(([t, pc]) => {
        const leaves = ctx.laterRow(t, (i) => i.kind === 'op' && i.op.action === 'read_unlock' && i.op.object?.id === wait.object);
        const until = leaves ? `, which it leaves only ${rowRef(leaves, ctx.row, ctx.rank)}` : ', which it has not left';
        return `${stepRef(ctx, t, pc)} began a ${wait.object} read-side section before the grace period started${until}`;
      });
      return `the grace period waits for pre-existing readers: ${readers.join('; ')}`;
    }
    default:
      return explainWait(ctx.scenario, ctx.state, thread, wait).waitsFor;
  }
}

/** Row `row` of `thread` cannot happen because the thread is blocked at its pc. */
export function blockedReason(ctx: ReasonContext, thread: number, wait: Wait, target: TimelineEvent): string {
  const t = ctx.state.threads[thread]!;
  const instr = instrAt(ctx, thread, t.pc);
  const text = textOf(instr);
  const rowHere = ctx.rowAt(thread, t.pc);
  const clause = waitClause(ctx, thread, wait);
  if (rowHere === target || (instr && rowHere === undefined && normalized(target.text) === normalized(text))) {
    switch (wait.kind) {
      case 'lock': return `${cpuOf(thread)} cannot take ${wait.object} here (${text}): ${clause}`;
      case 'grace-period': return `${cpuOf(thread)} cannot return from ${text} here: ${clause}`;
      case 'completion': return `${cpuOf(thread)} cannot pass ${text} here: ${clause}`;
      default: return `${cpuOf(thread)} cannot get past ${text} here: ${clause}`;
    }
  }
  const goal = `${cpuOf(thread)} cannot reach \`${target.text.replace(/^->\s*/, '')}\` here`;
  if (rowHere) return `${goal}: it is still in ${text} ${rowRef(rowHere, ctx.row, ctx.rank)}: ${clause}`;
  return `${goal}: it is blocked first in ${text} (${instr ? lineOf(instr.loc) : '?'}, not in the timeline): ${clause}`;
}

const normalized = (text: string): string => text.replace(/^\s*(?:->|=>)\s*/, '').replace(/[\s;{]+$/, '').replace(/\s+/g, '');

/** What the names, fields and calls of a condition hold, and who set the shared ones. */
function conditionValues(ctx: ReasonContext, thread: number, cond: string): string[] {
  const reads = { names: new Set<string>(), paths: new Set<string>(), calls: new Set<string>() };
  readsOf(parseExpr(cond), reads);
  const values: string[] = [];
  const value = (text: string): string => renderValue(ctx.machine.value(ctx.state, thread, text));
  for (const call of reads.calls) values.push(`${call}() returned ${value(`${call}()`)}`);
  for (const name of reads.names) {
    if (/^[A-Z][A-Z0-9_]*$/.test(name) || name === 'true' || name === 'false' || /bias/i.test(name)) continue;
    const fixed = Object.hasOwn(ctx.params, name) ? ', as fixed' : '';
    const shared = ctx.scenario.objects.has(name) ? changedBy(ctx, name) : undefined;
    values.push(`${name} = ${value(name)}${fixed}${shared ? `, set by ${shared}` : ''}`);
  }
  for (const path of reads.paths) {
    const id = objectRef(path, ctx.scenario.options.aliases)?.id;
    const by = id !== undefined ? changedBy(ctx, id) : undefined;
    values.push(`${path} = ${value(path)}${by ? `, set by ${by}` : ''}`);
  }
  return values;
}

/** The thread went another way at `branchPc` than the path to `target`. */
export function branchReason(ctx: ReasonContext, thread: number, branchPc: number, wanted: number, target: TimelineEvent): string {
  const instr = instrAt(ctx, thread, branchPc);
  const goal = `${cpuOf(thread)} cannot reach \`${target.text.replace(/^->\s*/, '')}\` here`;
  if (!instr) return `${goal}: it goes another way`;
  if (instr.kind === 'branch' || instr.kind === 'loopTest') {
    const cond = instr.kind === 'branch' ? instr.condText : instr.text ?? '';
    const is = wanted === branchPc + 1 ? 'false' : 'true';
    const values = instr.kind === 'branch' ? conditionValues(ctx, thread, cond) : [];
    return `${goal}: \`${textOf(instr)}\` (${lineOf(instr.loc)}) is ${is} here${values.length ? ` (${values.join('; ')})` : ''}`;
  }
  if (instr.kind === 'switch') return `${goal}: \`${textOf(instr)}\` (${lineOf(instr.loc)}) goes to another case`;
  return `${goal}: after \`${textOf(instr)}\` (${lineOf(instr.loc)}) it goes elsewhere`;
}
