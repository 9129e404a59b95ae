import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeCpus, renderCompactTimeline } from '../../src/report/timelineTable';
import { runChecks } from '../../src/check/registry';
import { buildScenario, replaySchedule } from '../../src/sim';
import { loc, seed000, witnessOf } from './reportHelpers';

const race = witnessOf(['reader', 'updater'], [
  { cpu: 0, action: 'wait_for_completion(&fw->completion)', line: 3 },
  { cpu: 1, action: 'init_completion(&fw->completion)', line: 10 },
  { cpu: 1, action: 'synchronize_srcu(&fw->srcu)', line: 11 },
  { cpu: 0, action: 'srcu_read_lock(&fw->srcu)', line: 4 },
]);

test('one numbered row per step, each in its CPU\'s column, the breaking step marked', () => {
  const text = renderCompactTimeline(race, { width: 40, breakStep: 3 });
  assert.equal(text, [
    ' #  CPU 0 reader                            CPU 1 updater',
    ' 1  wait_for_completion(&fw->completion)',
    ' 2                                          init_completion(&fw->completion)',
    ' 3                                          synchronize_srcu(&fw->srcu)',
    ' 4  srcu_read_lock(&fw->srcu)  <- breaks here',
  ].join('\n'));
});

test('long operations are clipped to the column, so the columns stay aligned', () => {
  const rows = renderCompactTimeline(race, { width: 20 }).split('\n');
  assert.equal(rows[1], ' 1  wait_for_completi…');
  assert.equal(rows[2], ' 2                      init_completion(&…');
});

test('a long witness keeps its last rows and says how many came before', () => {
  const long = witnessOf(['a', 'b'], Array.from({ length: 12 }, (_, i) => ({ cpu: i % 2, action: `op${i + 1}()`, line: i })));
  const rows = renderCompactTimeline(long, { maxRows: 3 }).split('\n');
  assert.equal(rows.length, 5);
  assert.match(rows[1]!, /… 9 earlier steps/);
  assert.match(rows[2]!, /^ 10\s+op10\(\)$/);
  assert.match(rows[4]!, /^ 12\s+op12\(\)$/);
});

test('CPUs left blocked at the end get an unnumbered row with what they wait for', () => {
  const stuck = witnessOf(['a', 'b'], [{ cpu: 0, action: 'mutex_lock(&x->lock)', line: 1 }],
    [{ thread: 1, lines: [{ text: 'mutex_lock(&x->lock)', loc: loc(5), depth: 1, kind: 'call', note: 'blocked: waits for x.lock, held by CPU 0' }] }]);
  const rows = renderCompactTimeline(stuck, { width: 30 }).split('\n');
  assert.deepEqual(activeCpus(stuck), [0, 1]);
  assert.equal(rows[2], ` ·  ${' '.repeat(30)}mutex_lock(&x->lock) (block…`);
});

test('seed 000: the RL001 witness has the reader on CPU 0 and the updater on CPU 1', async () => {
  const input = await seed000();
  const finding = runChecks(input).find((f) => f.code === 'RL001' && f.loc.line === 42)!;
  assert.equal(finding.evidence.kind, 'witnessed');
  const scenario = buildScenario(input.graph, finding.entries!.map((name) => ({ name })));
  const witness = replaySchedule(scenario, finding.evidence.kind === 'witnessed' ? finding.evidence.schedule : '');
  const text = renderCompactTimeline(witness, { breakStep: witness.steps.length - 1 });
  const [header, ...rows] = text.split('\n');
  assert.match(header!, /CPU 0 kvm_vm_ioctl\s+CPU 1 reload_store/);
  assert.match(rows[0]!, /^ 1 {2}wait_for_completion\(&kvm->fw->complet/);
  assert.match(rows.find((r) => r.includes('synchronize_srcu'))!, /^ \d {40,}synchronize_srcu\(&fw->srcu\)$/);
  assert.match(rows[rows.length - 1]!, /srcu_read_lock.*<- breaks here$/);
});
