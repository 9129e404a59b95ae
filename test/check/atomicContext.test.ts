// RL006: sleeping calls in atomic context, on kernel-style fixtures with carets and their correct twins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from '../../src/check/atomicContext';
import { brief, inputFrom, inputOf } from './checkHelpers';
import { at, caretsOf, CONTEXT, flaggedLines, rendered } from './checkCarets';

test('atomic_bad.c: every sleeping call in atomic context is flagged, nothing else', async () => {
  const findings = check(await inputFrom([...CONTEXT, 'atomic_bad.c']));
  assert.deepEqual(flaggedLines(findings), caretsOf('atomic_bad.c'));
  assert.ok(findings.every((f) => f.code === 'RL006' && f.severity === 'error' && f.evidence.kind === 'pattern'));
});

test('atomic_bad.c: a sleep reached through a call names the lock, what it disabled, and the call', async () => {
  const findings = check(await inputFrom([...CONTEXT, 'atomic_bad.c']));
  assert.deepEqual(rendered(at(findings, 30)), {
    at: '30:3',
    severity: 'error',
    message: '`msleep(10)` may sleep, but it runs in atomic context: spinlock `dev->reset_lock` '
      + '(class `dev.reset_lock`: member `reset_lock` of `dev` in `&dev->reset_lock`) is held with bottom halves disabled',
    related: [
      '36:2 `dev->reset_lock` (spinlock) taken here; spin_lock_bh() also disables bottom halves',
      '38:2 foo_reset() calls foo_wait_idle() here',
    ],
    evidence: 'pattern',
  });
  assert.deepEqual(rendered(at(findings, 20))?.related, ['19:2 `dev->queue_lock` (spinlock) taken here; spin_lock_irqsave() also disables IRQs']);
  assert.deepEqual(rendered(at(findings, 98))?.related, ['96:7 `dev->drain_lock` (spinlock) taken here (spin_trylock() succeeded)']);
  // Taken by a wrapper that returns holding it.
  assert.deepEqual(rendered(at(findings, 121))?.related, [
    '114:2 `dev->cfg_lock` (spinlock) taken here',
    '119:2 foo_cfg_update() calls foo_cfg_lock() here, which returns with it held',
  ]);
});

test('atomic_bad.c: interrupt-context functions are found from their registrations', async () => {
  const findings = check(await inputFrom([...CONTEXT, 'atomic_bad.c']));
  assert.deepEqual(rendered(at(findings, 79)), {
    at: '79:2',
    severity: 'error',
    message: '`usleep_range(10, 20)` may sleep, but it runs in atomic context: foo_irq() runs in hard IRQ context '
      + '(a hard IRQ handler registered by request_irq())',
    related: ['131:8 foo_irq() registered as a hard IRQ handler by request_irq() here'],
    evidence: 'pattern',
  });
  assert.equal(at(findings, 88)?.message, '`mutex_lock(&dev->cfg_mutex)` may sleep, but it runs in atomic context: '
    + 'foo_watchdog() runs in softirq context (a timer callback registered by timer_setup())');
  assert.equal(at(findings, 48)?.message, '`synchronize_rcu()` may sleep, but it runs in atomic context: '
    + 'an RCU read-side section (`rcu`, implied by `rcu_read_lock()`) is open');
});

test('atomic_ok.c, the correct twin, has no finding', async () => {
  assert.deepEqual(brief(check(await inputFrom([...CONTEXT, 'atomic_ok.c']))), []);
});

test('idioms_ok.c (context tests, trylock loops, disabled IRQs) has no finding', async () => {
  assert.deepEqual(brief(check(await inputFrom([...CONTEXT, 'idioms_ok.c']))), []);
});

test('notes: a sleep under a spinlock through a nested call', async () => {
  const notes = [
    'dev_ioctl(dev)',
    '-> spin_lock(&dev->lock)',
    '-> dev_update(dev)',
    '   -> mutex_lock(&dev->cfg_mutex)',
    '   -> mutex_unlock(&dev->cfg_mutex)',
    '-> spin_unlock(&dev->lock)',
    '-> dev_sleep(dev)',
    '   -> msleep(1)',
  ].join('\n');
  const findings = check(await inputOf({ 'ioctl.rlnotes': notes }));
  assert.deepEqual(findings.map(rendered), [{
    at: '4:7',
    severity: 'error',
    message: '`mutex_lock(&dev->cfg_mutex)` may sleep, but it runs in atomic context: spinlock `dev->lock` '
      + '(class `dev.lock`: member `lock` of `dev` in `&dev->lock`) is held',
    related: ['2:4 `dev->lock` (spinlock) taken here', '3:4 dev_ioctl() calls dev_update() here'],
    evidence: 'pattern',
  }]);
});
