// RL007: IRQ-safety inversions, on kernel-style fixtures with carets and their correct twins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from '../../src/check/irqSafety';
import { brief, inputFrom } from './checkHelpers';
import { at, caretsOf, CONTEXT, flaggedLines, rendered } from './checkCarets';

test('irq_bad.c: every acquire that leaves the interrupt enabled is flagged, nothing else', async () => {
  const findings = check(await inputFrom([...CONTEXT, 'irq_bad.c']));
  assert.deepEqual(flaggedLines(findings), caretsOf('irq_bad.c'));
  assert.ok(findings.every((f) => f.code === 'RL007' && f.severity === 'error' && f.evidence.kind === 'pattern'));
});

test('irq_bad.c: a helper shared by the IRQ handler and process context', async () => {
  const findings = check(await inputFrom([...CONTEXT, 'irq_bad.c']));
  assert.deepEqual(rendered(at(findings, 6)), {
    at: '6:2',
    severity: 'error',
    message: 'raw spinlock `baz->hw_lock` (class `baz.hw_lock`: member `hw_lock` of `baz` in `&baz->hw_lock`) is taken here '
      + '(reached from baz_open()) by raw_spin_lock() with IRQs enabled, but baz_irq() (a hard IRQ handler) also takes it in '
      + 'hard IRQ context: if an interrupt arrives while this CPU holds it, the hard IRQ handler spins on it forever; '
      + 'take it with raw_spin_lock_irqsave() here',
    related: [
      '6:2 `baz->hw_lock` taken in hard IRQ context here by raw_spin_lock()',
      '22:2 baz_irq() calls baz_hw_ack() here',
      '97:8 baz_irq() registered as a hard IRQ handler by request_threaded_irq() here',
      '85:2 baz_open() calls baz_hw_ack() here',
    ],
    evidence: 'pattern',
  });
});

test('irq_bad.c: softirq users need _bh, and a softirq is itself interrupted by hard IRQs', async () => {
  const findings = check(await inputFrom([...CONTEXT, 'irq_bad.c']));
  assert.deepEqual(rendered(at(findings, 73)), {
    at: '73:2',
    severity: 'error',
    message: 'spinlock `baz->stats_lock` (class `baz.stats_lock`: member `stats_lock` of `baz` in `&baz->stats_lock`) is taken here '
      + 'by spin_lock() with bottom halves enabled, but baz_stats_timer() (a timer callback) also takes it in softirq context: '
      + 'if a softirq arrives while this CPU holds it, the timer callback spins on it forever; take it with spin_lock_bh() here',
    related: [
      '41:2 `baz->stats_lock` taken in softirq context here by spin_lock()',
      '93:2 baz_stats_timer() registered as a timer callback by timer_setup() here',
    ],
    evidence: 'pattern',
  });
  assert.deepEqual(rendered(at(findings, 51))?.related, [
    '16:2 `baz->lock` taken in hard IRQ context here by spin_lock()',
    '97:8 baz_irq() registered as a hard IRQ handler by request_threaded_irq() here',
    '94:2 baz_rx_tasklet() registered as a tasklet by tasklet_setup() here',
  ]);
  assert.match(at(findings, 81)?.message ?? '', /by spin_lock_bh\(\) with IRQs enabled, but baz_poll\(\) \(an hrtimer callback\) also takes it in hard IRQ context/);
  assert.match(at(findings, 77)?.message ?? '', /^rwlock \(write\) `baz->map_lock`.*take it with write_lock_irqsave\(\) here$/);
});

test('irq_ok.c, the correct twin, has no finding', async () => {
  assert.deepEqual(brief(check(await inputFrom([...CONTEXT, 'irq_ok.c']))), []);
});

test('idioms_ok.c (disable_irq, del_timer_sync, __*_locked helpers) has no finding', async () => {
  assert.deepEqual(brief(check(await inputFrom([...CONTEXT, 'idioms_ok.c']))), []);
});
