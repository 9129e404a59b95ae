// RL008: unbalanced locks and read-side sections, per function, on kernel-style fixtures with carets and their correct twins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from '../../src/check/balance';
import { brief, inputFrom, inputOf } from './checkHelpers';
import { at, caretsOf, CONTEXT, flaggedLines, rendered } from './checkCarets';

test('balance_bad.c: every imbalance is flagged, nothing else', async () => {
  const findings = check(await inputFrom([...CONTEXT, 'balance_bad.c']));
  assert.deepEqual(flaggedLines(findings), caretsOf('balance_bad.c'));
  assert.ok(findings.every((f) => f.code === 'RL008' && f.severity === 'warning' && f.evidence.kind === 'pattern'));
});

test('balance_bad.c: goto unwinding that skips the unlock, with the path that parts', async () => {
  const findings = check(await inputFrom([...CONTEXT, 'balance_bad.c']));
  assert.deepEqual(rendered(at(findings, 37)), {
    at: '37:2',
    severity: 'warning',
    message: 'bar_queue_kick() returns here with spinlock `bar->queue_lock` (class `bar.queue_lock`: member `queue_lock` of `bar` '
      + 'in `&bar->queue_lock`) held on some paths, but other paths release it first',
    related: [
      '29:2 `bar->queue_lock` taken here',
      '30:2 on the path that keeps it held, `if (bar->queue_stopped)` is true',
      '37:2 also reached with it released when `if (bar->queue_stopped)` is false',
    ],
    evidence: 'pattern',
  });
  assert.deepEqual(rendered(at(findings, 48)), {
    at: '48:3',
    severity: 'warning',
    message: 'bar_peek_cfg() returns here with an RCU read-side section (`rcu`, implied by `rcu_read_lock()`) open on some paths, '
      + 'but other paths end it first',
    related: [
      '45:2 RCU read-side section begins here (rcu_read_lock())',
      '47:2 on the path that keeps it open, `if (!cfg)` is true',
      '51:2 bar_peek_cfg() reaches its end without it here',
    ],
    evidence: 'pattern',
  });
});

test('balance_bad.c: double unlock, unlock of what this path never took, and a wrapper-taken lock', async () => {
  const findings = check(await inputFrom([...CONTEXT, 'balance_bad.c']));
  assert.deepEqual(rendered(at(findings, 67)), {
    at: '67:2',
    severity: 'warning',
    message: '`mutex_unlock(&bar->cfg_mutex)` releases mutex `bar->cfg_mutex` (class `bar.cfg_mutex`: member `cfg_mutex` of `bar` '
      + 'in `&bar->cfg_mutex`) a second time on some paths: the same path already released it',
    related: ['58:2 `bar->cfg_mutex` taken here', '61:3 first released here'],
    evidence: 'pattern',
  });
  assert.deepEqual(rendered(at(findings, 77)), {
    at: '77:2',
    severity: 'warning',
    message: '`spin_unlock(&bar->lock)` releases spinlock `bar->lock` (class `bar.lock`: member `lock` of `bar` in `&bar->lock`), '
      + 'which is not held on some paths: bar_touch() takes it itself, so its callers cannot be holding it',
    related: ['75:3 `bar->lock` taken here on other paths', '74:2 on the path that never took it, `if (flags & BAR_LOCK)` is false'],
    evidence: 'pattern',
  });
  assert.deepEqual(rendered(at(findings, 112))?.related, [
    '110:2 `bar->lock` taken here by bar_lock()',
    '111:2 on the path that keeps it held, `if (bar->count > BAR_MAX)` is true',
    '116:2 returns without it here',
  ]);
  // A trylock's failure arm is not the path that keeps the lock: the other path shown is the one that got it.
  assert.deepEqual(rendered(at(findings, 86))?.related, [
    '83:7 `bar->cfg_mutex` taken here',
    '85:2 on the path that keeps it held, `if (bar->dead)` is true',
    '90:2 returns without it here',
  ]);
});

test('balance_ok.c, the correct twin (unwinding, guards, wrappers, trylocks, lookup-and-lock), has no finding', async () => {
  assert.deepEqual(brief(check(await inputFrom([...CONTEXT, 'balance_ok.c']))), []);
});

test('idioms_ok.c (switch-correlated locks, for (;;), unknown unlock helpers) has no finding', async () => {
  assert.deepEqual(brief(check(await inputFrom([...CONTEXT, 'idioms_ok.c']))), []);
});

const PATCH = `diff --git a/drivers/misc/qux.c b/drivers/misc/qux.c
--- a/drivers/misc/qux.c
+++ b/drivers/misc/qux.c
@@ -10,6 +10,10 @@ static int qux_start(struct qux_dev *qux)
 	mutex_lock(&qux->lock);
 	if (qux->running) {
 		mutex_unlock(&qux->lock);
 		return 0;
 	}
+	if (!qux->hw) {
+		ret = -ENODEV;
+		goto out;
+	}
 	qux->running = true;
@@ -40,4 +44,14 @@ static int qux_open(struct qux_dev *qux)
 	return 0;
 }
 
+static int qux_stop(struct qux_dev *qux)
+{
+	mutex_lock(&qux->lock);
+	if (!qux->running)
+		return -EINVAL;
+	qux->running = false;
+	mutex_unlock(&qux->lock);
+	return 0;
+}
+
 static const struct file_operations qux_fops = {
`;

test('patches: a new function is checked at its patch lines; a hunk that ends mid-function is not', async () => {
  const input = await inputOf({ 'qux.patch': PATCH });
  assert.deepEqual(input.files.flatMap((f) => f.problems), []);
  assert.deepEqual(brief(check(input)), [
    'RL008 qux.patch:23 qux_stop() returns here with mutex `qux->lock` (class `qux.lock`: member `lock` of `qux` in `&qux->lock`) '
      + 'held on some paths, but other paths release it first',
  ]);
});

test('notes show one path: their functions are not checked for balance', async () => {
  const notes = ['dev_ioctl(dev)', '-> mutex_lock(&dev->lock)', '   if (dev->dead) {', '      return -ENODEV;', '   }', '-> mutex_unlock(&dev->lock)'].join('\n');
  assert.deepEqual(brief(check(await inputOf({ 'ioctl.rlnotes': notes }))), []);
});
