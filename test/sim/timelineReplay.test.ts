// Typed CPU timelines replayed against the notes: seed 000's own timeline is
// possible; variants that move a row where it cannot happen are not, and say
// which row and why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallGraph } from '../../src/model/callGraph';
import type { Timeline } from '../../src/model/types';
import { buildScenario, replaySchedule, replayTimeline } from '../../src/sim';
import { modelOf } from './simHelpers';
import { loadParser } from '../helpers';
import { readSource } from '../../src/parse/workspace';
import { primitiveTable } from '../../src/model/primitives';

async function timelineOf(...parts: string[]): Promise<{ graph: CallGraph; timeline: Timeline }> {
  const model = await modelOf(...parts);
  assert.equal(model.timelines.length, 1);
  return { graph: new CallGraph([model]), timeline: model.timelines[0]! };
}

async function inlineTimeline(text: string): Promise<{ graph: CallGraph; timeline: Timeline }> {
  const model = readSource(await loadParser(), 'inline.rlnotes', text, { table: primitiveTable().table });
  return { graph: new CallGraph([model]), timeline: model.timelines[0]! };
}

const SEED = ['seeds', '000_ae3e64e89a0db923.txt'];

test('seed 000\'s own timeline is feasible; the branch it shows is taken as drawn', async () => {
  const { graph, timeline } = await timelineOf(...SEED);
  const replay = replayTimeline(graph, timeline);
  assert.equal(replay.feasible, true, replay.reason);
  // CPU 1's column starts at kvm_start_update_fw(), inside reload_store().
  assert.deepEqual(replay.columns.map((c) => [c.cpuLabel, c.entry, c.placement.unmatched.length, c.placement.skippedShared]),
    [['CPU 0', 'kvm_vm_ioctl', 0, 0], ['CPU 1', 'reload_store', 0, 0]]);
  // data is not fixed: the rows under `if ((unsigned long)data == 0) {` say it was true.
  assert.equal(replay.schedule, '0 1x4 0x2 1 1?0 1x3 0 1x2');
  assert.ok(replay.notes.some((n) => /CPU 1 takes if \(\(unsigned long\)data == 0\) \(line 20\) as true/.test(n)), replay.notes.join('\n'));
  const steps = replay.witness!.steps;
  assert.equal(steps[steps.length - 1]!.action, 'complete_all(&fw->completion)');
  assert.match(steps.find((s) => s.cpu === 1 && /synchronize_srcu/.test(s.action) && /waits/.test(s.note ?? ''))!.note!, /read-side section of CPU 0/);
});

test('with data = 0 fixed, the replay is the schedule the seed test types by hand, and replays to the same witness', async () => {
  const { graph, timeline } = await timelineOf(...SEED);
  const replay = replayTimeline(graph, timeline, { params: { data: 0 } });
  assert.equal(replay.feasible, true);
  assert.equal(replay.schedule, '0 1x4 0x2 1x4 0 1x2');
  const scenario = buildScenario(graph, [{ name: 'kvm_vm_ioctl' }, { name: 'reload_store' }]);
  assert.deepEqual(replaySchedule(scenario, replay.schedule, { params: { data: 0 } }), replay.witness);
});

test('with data = 1 fixed, CPU 1 never reaches `end_update = true;`', async () => {
  const { graph, timeline } = await timelineOf(...SEED);
  const replay = replayTimeline(graph, timeline, { params: { data: 1 } });
  assert.equal(replay.feasible, false);
  assert.equal(replay.row?.text, 'end_update = true;');
  assert.equal((replay.row?.loc.line ?? -1) + 1, 102);
  assert.equal(replay.reason, 'CPU 1 cannot reach `end_update = true;` here: `if ((unsigned long)data == 0)` (line 20) is false here (data = 1, as fixed)');
});

test('CPU 0 cannot pass wait_for_completion after CPU 1\'s init_completion and before its complete_all', async () => {
  const { graph, timeline } = await timelineOf('sim', 'seed000-wait-after-init.rlnotes');
  const replay = replayTimeline(graph, timeline);
  assert.equal(replay.feasible, false);
  assert.equal(replay.row?.text, '-> wait_for_completion(&kvm->fw->completion)');
  assert.equal((replay.row?.loc.line ?? -1) + 1, 53);
  assert.equal(replay.reason,
    'CPU 0 cannot pass wait_for_completion(&kvm->fw->completion) here: CPU 1\'s init_completion(&fw->completion) four rows up (line 49) '
    + 'left fw.completion not done; it is completed only later, by CPU 1\'s complete_all(&fw->completion) 21 rows down (line 76)');
  // The rows above it did run: CPU 1 initialised the completion and published the flag.
  assert.equal(replay.schedule, '1x2');
  assert.deepEqual(replay.witness!.blocked.map((b) => b.thread), [0]);
});

const LOCKS = `
cpu_a()
-> mutex_lock(&dev->lock)
   dev->state = 1;
-> mutex_unlock(&dev->lock)

cpu_b()
-> mutex_lock(&dev->lock)
   dev->state = 2;
-> mutex_unlock(&dev->lock)

CPU 0                          CPU 1
-------------                  -------------
cpu_a()
-> mutex_lock(&dev->lock)
                               cpu_b()
                               -> mutex_lock(&dev->lock)
   dev->state = 1;
-> mutex_unlock(&dev->lock)
                                  dev->state = 2;
                               -> mutex_unlock(&dev->lock)
`;

test('a mutex taken on the other CPU: the row names the holder and where it lets go', async () => {
  const { graph, timeline } = await inlineTimeline(LOCKS);
  const replay = replayTimeline(graph, timeline);
  assert.equal(replay.feasible, false);
  assert.equal((replay.row?.loc.line ?? -1) + 1, 17);
  assert.equal(replay.reason, 'CPU 1 cannot take dev.lock here (mutex_lock(&dev->lock)): CPU 0\'s mutex_lock(&dev->lock) two rows up (line 15) holds it and releases it only two rows down (line 19)');
  // Swapping the order makes it possible.
  const fixed = LOCKS.replace(/( +cpu_b\(\)\n +-> mutex_lock\(&dev->lock\)\n)([\s\S]*?-> mutex_unlock\(&dev->lock\)\n)/, '$2$1');
  const ok = await inlineTimeline(fixed);
  assert.equal(replayTimeline(ok.graph, ok.timeline).feasible, true);
  // Without its entry row, CPU 1's column is placed where its rows are written as they are: in cpu_b().
  const anonymous = await inlineTimeline(fixed.replace(/\n +cpu_b\(\)\n/, '\n'));
  const replay2 = replayTimeline(anonymous.graph, anonymous.timeline);
  assert.deepEqual(replay2.columns.map((c) => c.entry), ['cpu_a', 'cpu_b']);
  assert.equal(replay2.feasible, true);
});

test('a row after synchronize_srcu while the reader is still inside: blocked in the grace period', async () => {
  const seed = (await import('node:fs')).readFileSync('test/fixtures/seeds/000_ae3e64e89a0db923.txt', 'utf8');
  // Move CPU 0's exit below CPU 1's complete_all.
  const lines = seed.split('\n');
  const header = lines.findIndex((l) => /^CPU 0 +CPU 1$/.test(l));
  const exit = lines.findIndex((l, i) => i > header && l.startsWith('-> kvm_put_fw(kvm, fw_idx)'));
  const moved = lines.splice(exit, 3);
  const complete = lines.findIndex((l) => l.includes('-> complete_all(&fw->completion) //CPU 0'));
  lines.splice(complete + 1, 0, ...moved);
  const model = readSource(await loadParser(), 'moved.txt', lines.join('\n'), { table: primitiveTable().table });
  const replay = replayTimeline(new CallGraph([model]), model.timelines[0]!, { params: { data: 0 } });
  assert.equal(replay.feasible, false);
  assert.match(replay.row!.text, /complete_all/);
  assert.equal(replay.reason,
    'CPU 1 cannot reach `complete_all(&fw->completion)` here: it is still in synchronize_srcu(&fw->srcu) on the row above (line 111): '
    + 'the grace period waits for pre-existing readers: CPU 0\'s idx = srcu_read_lock(&kvm->fw->srcu) 21 rows up (line 88) began a fw.srcu read-side section '
    + 'before the grace period started, which it leaves only two rows down (line 115)');
});

test('a row out of program order is reported as not in the code there', async () => {
  const swapped = `
cpu_a()
-> mutex_lock(&dev->lock)
   dev->state = 1;
-> mutex_unlock(&dev->lock)

cpu_b()
-> mutex_lock(&dev->lock)

CPU 0                          CPU 1
-------------                  -------------
cpu_a()
-> mutex_unlock(&dev->lock)
-> mutex_lock(&dev->lock)
                               cpu_b()
                               -> mutex_lock(&dev->lock)
`;
  const { graph, timeline } = await inlineTimeline(swapped);
  const replay = replayTimeline(graph, timeline);
  assert.equal(replay.feasible, false);
  // Unlocking before locking: the unlock is the first row that is not where the code has it.
  assert.equal((replay.row?.loc.line ?? -1) + 1, 13);
  assert.equal(replay.reason, 'CPU 0 runs no `mutex_unlock(&dev->lock)` in cpu_a() here: the row is not in its code there (out of order, or not in the notes)');
});

test('a shared step the timeline leaves out still runs, before the CPU\'s next row, and the replay says so', async () => {
  const seed = (await import('node:fs')).readFileSync('test/fixtures/seeds/000_ae3e64e89a0db923.txt', 'utf8');
  const lines = seed.split('\n');
  const header = lines.findIndex((l) => /^CPU 0 +CPU 1$/.test(l));
  lines.splice(lines.findIndex((l, i) => i > header && l.trim() === 'fw->update = true;'), 1);
  const model = readSource(await loadParser(), 'shorter.txt', lines.join('\n'), { table: primitiveTable().table });
  const replay = replayTimeline(new CallGraph([model]), model.timelines[0]!, { params: { data: 0 } });
  assert.equal(replay.feasible, true, replay.reason);
  assert.equal(replay.columns[1]!.placement.skippedShared, 1);
  assert.equal(replay.schedule, '0 1x4 0x2 1x4 0 1x2');
  assert.deepEqual(replay.notes.filter((n) => n.includes('leaves out')), ['CPU 1 runs fw->update = true; (line 15), which the timeline leaves out']);
});
