import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTimelineView, rowAt } from '../../src/report/timelineView';
import type { TimelineSource } from '../../src/report/timelineSource';
import { loc, witnessOf } from './reportHelpers';

const display = (file: string): string => `rel/${file}`;

function source(partial: Partial<TimelineSource> & Pick<TimelineSource, 'witness'>): TimelineSource {
  return { id: 't1', title: 'race', objects: [], ...partial };
}

const race = witnessOf(['reader', 'updater'], [
  { cpu: 0, action: 'wait_for_completion(&fw->completion)', line: 3, objects: { 'fw.completion': 'completed for all' }, note: 'completed for all: passes' },
  { cpu: 1, action: 'init_completion(&fw->completion)', line: 10, objects: { 'fw.completion': 'not done' } },
  { cpu: 0, action: 'srcu_read_lock(&fw->srcu)', line: 4, objects: { 'fw.srcu': 'read side: CPU 0 (reader)' } },
  { cpu: 1, action: 'synchronize_srcu(&fw->srcu)', line: 11, objects: { 'fw.srcu': 'read side: CPU 0 (reader)' }, note: 'waits for the fw.srcu read-side section of CPU 0' },
  { cpu: 0, action: 'srcu_read_unlock(&fw->srcu, idx)', line: 5, objects: { 'fw.srcu': 'no reader' } },
  { cpu: 1, action: 'synchronize_srcu(&fw->srcu)', line: 11, objects: {}, note: 'grace period over' },
]);
const objects: TimelineSource['objects'] = [
  { id: 'fw.completion', kind: 'completion', initial: 'completed for all' },
  { id: 'fw.srcu', kind: 'domain', initial: 'no reader' },
];

test('one row per step in its CPU\'s column, with its location as the user reads it', () => {
  const view = buildTimelineView(source({ witness: race, objects }), display);
  assert.deepEqual(view.cpus, [{ cpu: 0, label: 'CPU 0 · reader' }, { cpu: 1, label: 'CPU 1 · updater' }]);
  assert.deepEqual(view.rows.map((r) => [r.column, r.action, r.where]), [
    [0, 'wait_for_completion(&fw->completion)', 'rel/notes.rlnotes:4'],
    [1, 'init_completion(&fw->completion)', 'rel/notes.rlnotes:11'],
    [0, 'srcu_read_lock(&fw->srcu)', 'rel/notes.rlnotes:5'],
    [1, 'synchronize_srcu(&fw->srcu)', 'rel/notes.rlnotes:12'],
    [0, 'srcu_read_unlock(&fw->srcu, idx)', 'rel/notes.rlnotes:6'],
    [1, 'synchronize_srcu(&fw->srcu)', 'rel/notes.rlnotes:12'],
  ]);
  assert.equal(view.rows[0]!.lines[0]!.text, '-> wait_for_completion(&fw->completion)');
  assert.equal(view.rows[0]!.lines[0]!.note, 'completed for all: passes');
});

test('every object\'s state after each step, carried forward; the objects a step changed are marked', () => {
  const view = buildTimelineView(source({ witness: race, objects }), display);
  assert.deepEqual(view.rows.map((r) => r.states[0]), ['completed for all', 'not done', 'not done', 'not done', 'not done', 'not done']);
  assert.deepEqual(view.rows.map((r) => r.changed), [[], [0], [1], [], [1], []]);
});

test('an SRCU domain says when a grace period waits on it, until the waiting CPU moves on', () => {
  const view = buildTimelineView(source({ witness: race, objects }), display);
  assert.equal(view.rows[3]!.states[1], 'read side: CPU 0 (reader); grace period waiting: CPU 1');
  assert.equal(view.rows[4]!.states[1], 'no reader; grace period waiting: CPU 1');
  assert.equal(view.rows[5]!.states[1], 'no reader');
  assert.deepEqual(view.rows[3]!.cpuStatus, ['srcu_read_lock(&fw->srcu)', 'synchronize_srcu(&fw->srcu): waits for the fw.srcu read-side section of CPU 0']);
  assert.deepEqual(view.rows[0]!.cpuStatus, ['wait_for_completion(&fw->completion): completed for all: passes', 'not started']);
});

test('the step where the property breaks is marked, and the table for mails comes along', () => {
  const view = buildTimelineView(source({ witness: race, objects, breakStep: 2, summary: 'inside the update', rerun: { entries: [{ name: 'reader' }], params: { data: 0 } } }), display);
  assert.equal(view.breakRow, 2);
  assert.deepEqual(view.rows.map((r) => r.breaks ?? false), [false, false, true, false, false, false]);
  assert.deepEqual(view.rerun, { entries: [{ name: 'reader' }], params: { data: 0 } });
  assert.match(view.table, /^CPU 0 {36,}CPU 1\n/);
});

test('objects the scenario did not list still appear, from their first step; untracked ones do not', () => {
  const witness = witnessOf(['a'], [{ cpu: 0, action: 'x = 1;', line: 1, objects: { x: '1', kvm: 'untracked' } }]);
  const view = buildTimelineView(source({ witness }), display);
  assert.deepEqual(view.objects, [{ id: 'x', kind: 'value', initial: '(not yet touched)' }]);
});

test('CPUs left blocked get a last row each, with what they wait for', () => {
  const witness = witnessOf(['a', 'b'], [{ cpu: 0, action: 'mutex_lock(&m)', line: 1, objects: { m: 'held by CPU 0 (a)' } }],
    [{ thread: 1, lines: [{ text: 'mutex_lock(&m)', loc: loc(7), depth: 1, kind: 'call', note: 'blocked: waits for m, held by CPU 0' }] }]);
  const view = buildTimelineView(source({ witness }), display);
  const last = view.rows[1]!;
  assert.equal(last.blocked, true);
  assert.equal(last.step, undefined);
  assert.equal(last.cpuStatus[1], 'blocked in mutex_lock(&m): waits for m, held by CPU 0');
});

test('the cursor\'s line selects the first step that runs it, its operation before its local lines', () => {
  const view = buildTimelineView(source({ witness: race, objects }), display);
  assert.equal(rowAt(view, 'notes.rlnotes', 11), 3);
  assert.equal(rowAt(view, 'notes.rlnotes', 4), 2);
  assert.equal(rowAt(view, 'notes.rlnotes', 99), undefined);
  assert.equal(rowAt(view, 'other.c', 4), undefined);
});

test('a 200-step witness on 3 CPUs with 12 objects is laid out in well under the panel\'s 500 ms', () => {
  const ids = Array.from({ length: 12 }, (_, i) => `obj${i}`);
  const witness = witnessOf(['a', 'b', 'c'], Array.from({ length: 200 }, (_, i) => ({
    cpu: i % 3, action: `op${i}(&obj${i % 12})`, line: i, objects: { [ids[i % 12]!]: `value ${i}` }, note: i % 5 === 0 ? 'waits for something' : 'done',
  })));
  const started = performance.now();
  const view = buildTimelineView(source({ witness, objects: ids.map((id) => ({ id, kind: 'value', initial: '0' })), breakStep: 199 }), display);
  const ms = performance.now() - started;
  assert.equal(view.rows.length, 200);
  assert.equal(view.breakRow, 199);
  assert.ok(ms < 100, `took ${ms} ms`);
  assert.ok(JSON.stringify(view).length < 400_000, 'the message to the webview stays small');
});
