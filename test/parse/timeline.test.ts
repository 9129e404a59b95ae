import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { findTimelines } from '../../src/parse/timeline';
import type { Timeline, TimelineEvent } from '../../src/model/types';
import { fixture } from '../helpers';

const SEED = 'seeds/000_ae3e64e89a0db923.txt';

function linesOf(...parts: string[]): string[] {
  return fixture(...parts).split('\n');
}

/** `CPU n: text` per event, the interleaving at a glance. */
function interleaving(timeline: Timeline | undefined): string[] {
  assert.ok(timeline, 'no timeline found');
  return timeline.events.map((e) => `${e.cpuLabel}: ${e.text}`);
}

function onlyTimeline(lines: string[], file = 'test.txt', firstLine?: number): Timeline {
  const { timelines, problems } = findTimelines(lines, file, firstLine);
  assert.deepEqual(problems, []);
  assert.equal(timelines.length, 1);
  const [timeline] = timelines;
  assert.ok(timeline);
  return timeline;
}

function eventAt(timeline: Timeline, order: number): TimelineEvent {
  const event = timeline.events[order];
  assert.ok(event, `no event ${order}`);
  return event;
}

const SEED_INTERLEAVING = [
  'CPU 0: kvm_vm_ioctl()',
  'CPU 0: -> fw_idx = kvm_get_fw(kvm)',
  'CPU 0: -> wait_for_completion(&kvm->fw->completion)',
  'CPU 1: kvm_start_update_fw(tdx_module)',
  'CPU 1: -> init_completion(&fw->completion)',
  'CPU 1: fw->update = true;',
  'CPU 1: -> kvm_arch_start_update_fw(kvm)',
  'CPU 1: -> kvm_make_all_cpus_request(kvm, KVM_REQ_FW_UPDATE)',
  'CPU 1: -> synchronize_srcu(&fw->srcu)',
  'CPU 0: -> idx = srcu_read_lock(&kvm->fw->srcu)',
  'CPU 0: default:',
  'CPU 0: -> kvm_arch_vm_ioctl()',
  'CPU 0: case KVM_MEMORY_ENCRYPT_OP:',
  'CPU 0: -> static_call(kvm_x86_mem_enc_ioctl)(kvm, argp)',
  'CPU 0: => vt_mem_enc_ioctl()',
  'CPU 0: -> tdx_vm_ioctl()',
  'CPU 0: case KVM_TDX_INIT_VM:',
  'CPU 0: -> tdx_td_init()',
  'CPU 0: -> __tdx_td_init()',
  'CPU 0: -> ret = atomic_inc_unless_negative(&nr_running_td) ? 0 : -EBUSY;',
  'CPU 1: if (atomic_add_return(bias, &nr_running_td) != bias) {',
  'CPU 1: if ((unsigned long)data == 0) {',
  'CPU 1: end_update = true;',
  'CPU 1: ret = -EBUSY;',
  'CPU 1: break;',
  'CPU 1: if (end_update) {',
  'CPU 1: -> atomic_sub(bias, &nr_running_td);',
  'CPU 1: -> kvm_end_update_fw(tdx_module);',
  'CPU 1: fw->update = false;',
  'CPU 1: -> synchronize_srcu(&fw->srcu)',
  'CPU 0: -> kvm_put_fw(kvm, fw_idx)',
  'CPU 0: -> srcu_read_unlock(&kvm->fw->srcu, idx)',
  'CPU 1: -> complete_all(&fw->completion)',
];

test('seed 000: the two-column table reads as the exact interleaving', () => {
  const timeline = onlyTimeline(linesOf(SEED), 'seed000.txt');
  assert.deepEqual(timeline.cpus, ['CPU 0', 'CPU 1']);
  assert.deepEqual(timeline.loc, { file: 'seed000.txt', line: 74, col: 0, endLine: 74, endCol: 54 });
  assert.deepEqual(interleaving(timeline), SEED_INTERLEAVING);
  assert.deepEqual(timeline.events.map((e) => e.order), SEED_INTERLEAVING.map((_, i) => i));
  assert.deepEqual(timeline.events.map((e) => e.cpu), SEED_INTERLEAVING.map((e) => (e.startsWith('CPU 0') ? 0 : 1)));
  // The update path starts only after CPU 0 passed wait_for_completion, and finishes last.
  const start = timeline.events.findIndex((e) => e.text === 'kvm_start_update_fw(tdx_module)');
  const wait = timeline.events.findIndex((e) => e.text === '-> wait_for_completion(&kvm->fw->completion)');
  assert.ok(wait >= 0 && start > wait);
  assert.equal(timeline.events.at(-1)?.text, '-> complete_all(&fw->completion)');
  assert.equal(timeline.events.at(-1)?.cpuLabel, 'CPU 1');
});

test('seed 000: depths follow the notes nesting inside each column, entries are the unprefixed calls', () => {
  const timeline = onlyTimeline(linesOf(SEED));
  assert.deepEqual(timeline.events.map((e) => e.depth), [
    0, 0, 1,
    0, 0, 1, 0, 1, 0,
    1, 1, 1, 3, 3, 3, 4, 5, 5, 5, 6,
    0, 1, 2, 2, 2, 0, 0, 0, 2, 1,
    0, 1,
    1,
  ]);
  assert.deepEqual(timeline.events.filter((e) => e.entry).map((e) => e.text), ['kvm_vm_ioctl()', 'kvm_start_update_fw(tdx_module)']);
  assert.ok(timeline.events.every((e) => e.stmt === undefined), 'stmt is left to the notes reader');
});

test('seed 000: comments are split off and kept, CJK included; locations are string indices', () => {
  const timeline = onlyTimeline(linesOf(SEED), 'seed000.txt');
  const wait = eventAt(timeline, 2);
  assert.equal(wait.comment, 'CPU 1 上还未初始化 completion，CPU 0 不会阻塞');
  assert.deepEqual(wait.loc, { file: 'seed000.txt', line: 78, col: 3, endLine: 78, endCol: 47 });
  // The CPU 0 comment runs past CPU 1's column; it stays one event.
  assert.equal(timeline.events.filter((e) => e.loc.line === 78).length, 1);

  const add = eventAt(timeline, 20);
  assert.equal(add.comment, 'CPU 1 把 nr_running_td 变成负数');
  assert.deepEqual(add.loc, { file: 'seed000.txt', line: 99, col: 49, endLine: 99, endCol: 103 });
  assert.equal(eventAt(timeline, 23).comment, '设置错误码');
  assert.equal(eventAt(timeline, 29).text, '-> synchronize_srcu(&fw->srcu)', 'spaces before the comment are not text');
  assert.equal(eventAt(timeline, 0).comment, undefined);
  const lines = linesOf(SEED);
  for (const event of timeline.events) {
    assert.equal(lines[event.loc.line]?.slice(event.loc.col, event.loc.endCol), event.text);
  }
});

test('seed 000: reading only the fenced block gives the same events at file locations', () => {
  const lines = linesOf(SEED);
  const open = lines.indexOf('CPU 0                                            CPU 1') - 1;
  const close = lines.indexOf('```', open + 1);
  assert.ok(open > 0 && close > open);
  const fenced = onlyTimeline(lines.slice(open + 1, close), 'seed000.txt', open + 1);
  const whole = onlyTimeline(lines, 'seed000.txt');
  assert.deepEqual(fenced, whole);
});

test('the bundled example examples/seed000-race.rlnotes holds the same timeline', () => {
  const lines = readFileSync(resolve('examples/seed000-race.rlnotes'), 'utf8').split('\n');
  const timeline = onlyTimeline(lines, 'seed000-race.rlnotes');
  assert.deepEqual(interleaving(timeline), SEED_INTERLEAVING);
});

test('lockdep AB-BA scenario: events left of the CPU0 label belong to CPU0, the table ends at *** DEADLOCK ***', () => {
  const timeline = onlyTimeline(linesOf('timelines', 'lockdep-abba.txt'), 'splat.txt');
  assert.deepEqual(timeline.cpus, ['CPU0', 'CPU1']);
  assert.deepEqual(timeline.loc, { file: 'splat.txt', line: 32, col: 7, endLine: 32, endCol: 35 });
  assert.deepEqual(interleaving(timeline), [
    'CPU0: lock(&kvm->lock);',
    'CPU1: lock(&vcpu->mutex);',
    'CPU1: lock(&kvm->lock);',
    'CPU0: lock(&vcpu->mutex);',
  ]);
  assert.deepEqual(timeline.events.map((e) => [e.depth, e.entry]), [[0, false], [0, false], [0, false], [0, false]]);
  assert.deepEqual(eventAt(timeline, 0).loc, { file: 'splat.txt', line: 34, col: 2, endLine: 34, endCol: 19 });
});

test('lockdep interrupt scenario: <Interrupt> nests the handler; a one-CPU scenario is reported, not read', () => {
  const { timelines, problems } = findTimelines(linesOf('timelines', 'lockdep-irq.txt'), 'irq.txt');
  assert.equal(timelines.length, 1);
  const [timeline] = timelines;
  assert.deepEqual(interleaving(timeline), [
    'CPU0: lock(&fw->lock);',
    'CPU1: local_irq_disable();',
    'CPU1: lock(&tdx_global_lock);',
    'CPU1: lock(&fw->lock);',
    'CPU0: <Interrupt>',
    'CPU0: lock(&tdx_global_lock);',
  ]);
  assert.deepEqual(timeline?.events.map((e) => e.depth), [0, 0, 0, 0, 0, 1]);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]?.severity, 'info');
  assert.match(problems[0]?.message ?? '', /only one CPU \(CPU0\)/);
  assert.deepEqual(problems[0]?.loc, { file: 'irq.txt', line: 15, col: 7, endLine: 15, endCol: 11 });
});

test('tab-aligned tables are placed by display column, located by string index', () => {
  const timeline = onlyTimeline(linesOf('timelines', 'tabs.txt'));
  assert.deepEqual(interleaving(timeline), [
    'CPU0: mutex_lock(&kvm->lock);',
    'CPU1: cpus_read_lock();',
    'CPU1: mutex_lock(&kvm->lock);',
    'CPU0: cpus_read_lock();',
  ]);
  assert.deepEqual(eventAt(timeline, 1).loc, { file: 'test.txt', line: 5, col: 5, endLine: 5, endCol: 22 });
  assert.equal(eventAt(timeline, 3).comment, 'waits for CPU1');
});

test('three columns: a row holding three events is read left to right; the table ends at the fence', () => {
  const timeline = onlyTimeline(linesOf('timelines', 'three-cpus.md'));
  assert.deepEqual(timeline.cpus, ['CPU 0', 'CPU 1', 'CPU 2']);
  assert.deepEqual(interleaving(timeline), [
    'CPU 0: kvm_vcpu_ioctl()',
    'CPU 0: -> mutex_lock(&vcpu->mutex)',
    'CPU 1: kvm_start_update_fw(tdx_module)',
    'CPU 1: -> synchronize_srcu(&fw->srcu)',
    'CPU 2: kvm_vm_ioctl()',
    'CPU 0: -> srcu_read_lock(&kvm->fw->srcu)',
    'CPU 0: -> mutex_lock(&kvm->lock)',
    'CPU 1: -> mutex_lock(&kvm->lock)',
    'CPU 2: -> mutex_lock(&vcpu->mutex)',
  ]);
  const lastRow = timeline.events.slice(6);
  assert.deepEqual(lastRow.map((e) => e.loc.col), [0, 29, 58]);
  assert.deepEqual(lastRow.map((e) => e.comment), [undefined, undefined, 'all three block']);
  assert.equal(eventAt(timeline, 5).comment, 'CPU 0 enters the read side after CPU 1 started waiting');
});

test('two events on one row, as lockdep sometimes prints them', () => {
  const timeline = onlyTimeline([
    '       CPU0                    CPU1',
    '       ----                    ----',
    '  lock(A);                     lock(B);',
    '  lock(B);',
    "  the owner's turn             unlock(A);",
  ]);
  assert.deepEqual(interleaving(timeline), ['CPU0: lock(A);', 'CPU1: lock(B);', 'CPU0: lock(B);', "CPU0: the owner's turn", 'CPU1: unlock(A);']);
  assert.deepEqual(eventAt(timeline, 1).loc, { file: 'test.txt', line: 2, col: 31, endLine: 2, endCol: 39 });
});

test('no split inside a comment, a string or a block comment, even at another column', () => {
  const timeline = onlyTimeline([
    'CPU 0                    CPU 1',
    '-----                    -----',
    'a() // here two spaces:  b()',
    'pr_info("x              y")',
    'c(); /* wide comment    */',
    '                         d()',
  ]);
  assert.deepEqual(interleaving(timeline), [
    'CPU 0: a()',
    'CPU 0: pr_info("x              y")',
    'CPU 0: c(); /* wide comment    */',
    'CPU 1: d()',
  ]);
  assert.equal(eventAt(timeline, 0).comment, 'here two spaces:  b()');
});

test('CJK text counts two cells wide when lining up columns', () => {
  // `读取共享变量并等待` is 9 characters but 18 cells: CPU 1's event starts at cell 30, string index 21.
  const timeline = onlyTimeline([
    'CPU 0                         CPU 1',
    `读取共享变量并等待(x);${' '.repeat(8)}写入(x);`,
  ]);
  assert.deepEqual(interleaving(timeline), ['CPU 0: 读取共享变量并等待(x);', 'CPU 1: 写入(x);']);
  assert.deepEqual(eventAt(timeline, 1).loc, { file: 'test.txt', line: 1, col: 30 - 9, endLine: 1, endCol: 30 - 9 + 6 });
});

test('comment-only lines and closing braces are not events; blank lines and rules inside the table are skipped', () => {
  const timeline = onlyTimeline([
    'CPU 0          CPU 1',
    'if (x) {',
    '// CPU 0 holds the lock from here',
    '   -> f()',
    '}',
    '',
    '---------------------',
    '               g()',
    '               };',
  ]);
  assert.deepEqual(interleaving(timeline), ['CPU 0: if (x) {', 'CPU 0: -> f()', 'CPU 1: g()']);
  assert.deepEqual(timeline.events.map((e) => e.depth), [0, 1, 0]);
});

test('a table ends at a Markdown heading, at another header, and at the end of the region', () => {
  const { timelines, problems } = findTimelines([
    'CPU 0      CPU 1',
    'a()',
    '# Heading',
    'b()',
    'CPU A      CPU B',
    '           c()',
    'CPU 0      CPU 1      CPU 2',
    '                      d()',
  ], 'f');
  assert.deepEqual(problems, []);
  assert.deepEqual(timelines.map((t) => interleaving(t)), [['CPU 0: a()'], ['CPU B: c()'], ['CPU 2: d()']]);
  assert.deepEqual(timelines.map((t) => t.loc.line), [0, 4, 6]);
});

test('malformed tables are reported with their locations', () => {
  const lines = linesOf('timelines', 'malformed.md');
  const { timelines, problems } = findTimelines(lines, 'bad.md');
  const lineOf = (text: string): number => {
    const found = lines.indexOf(text);
    assert.ok(found >= 0, text);
    return found;
  };
  assert.deepEqual(problems.map((p) => [p.severity, p.loc.line, p.loc.col, p.loc.endCol]), [
    ['info', lineOf('CPU 0'), 0, 5],
    ['warning', lineOf('------  see below    -----'), 0, 26],
    ['warning', lineOf('-----     -----     -----'), 0, 25],
    ['warning', lineOf('spin_lock(&b)'), 0, 13],
    ['warning', lineOf('## A header with nothing under it') + 2, 0, 26],
  ]);
  assert.match(problems[1]?.message ?? '', /holds text besides dashes/);
  assert.match(problems[2]?.message ?? '', /3 dashed runs do not line up with the 2 CPU columns/);
  assert.match(problems[3]?.message ?? '', /left of every CPU column/);
  assert.match(problems[4]?.message ?? '', /no events/);
  // The tables are still read; the stray event is left out; prose naming CPUs is no header.
  assert.deepEqual(timelines.map((t) => interleaving(t)), [
    ['CPU 0: spin_lock(&a)', 'CPU 1: spin_lock(&b)'],
    ['CPU 0: spin_lock(&a)'],
    ['CPU 0: spin_lock(&a)', 'CPU 1: spin_lock(&b)'],
    [],
  ]);
  assert.deepEqual(timelines[2]?.events.map((e) => e.loc.col), [10, 31]);
});

test('text with no header yields nothing', () => {
  assert.deepEqual(findTimelines(['kvm_vm_ioctl()', '-> f()', '', 'CPU 0 and CPU 1 race.'], 'f'), { timelines: [], problems: [] });
});
