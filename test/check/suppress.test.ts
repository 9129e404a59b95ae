// Suppression comments: `racelens-ignore CODE: reason` on the flagged line or the line above.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySuppressions, readSuppressions, suppressionProblems } from '../../src/check/suppress';
import { check as atomicContext } from '../../src/check/atomicContext';
import type { Finding, FindingCode } from '../../src/check/finding';
import { fixture } from '../helpers';
import { inputFrom } from './checkHelpers';

function findingAt(code: FindingCode, file: string, line: number, endLine = line): Finding {
  return {
    code, severity: 'error', message: `${code} at ${line + 1}`, related: [], evidence: { kind: 'pattern' },
    loc: { file, line, col: 1, endLine, endCol: 10 },
  };
}

const C_SOURCE = [
  'static void qux(struct qux_dev *qux)',            // 0
  '{',                                                // 1
  '	spin_lock(&qux->lock); // racelens-ignore RL007: only called with IRQs off, from qux_irq_off()', // 2
  '	// racelens-ignore RL006: sleeps only when qux->lock was dropped',                              // 3
  '	// racelens-ignore RL008: released by qux_done()',                                              // 4
  '	mutex_lock(&qux->mutex);',                        // 5
  '	/* racelens-ignore RL002, RL003: order documented in qux.rst */',                              // 6
  '	mutex_lock(&qux->other',                          // 7
  '		   );',                                       // 8
  '	msleep(1); // racelens-ignore RL006',            // 9
  '	msleep(2); // racelens-ignore RL042: typo in the code',                                         // 10
  '	/*',                                                // 11
  '	 * racelens-ignore RL001: the read side rechecks under the lock',                               // 12
  '	 */',                                               // 13
  '	rcu_read_unlock(); /* racelens-ignore RL008: pairs with qux_begin() */', // 14
  '	/* racelens-ignore RL006: only from process context */ might_sleep();', // 15
  '}',                                                // 16
].join('\n');

test('trailing, stand-alone, stacked, listed, multi-line and block-comment suppressions', () => {
  const findings = [
    findingAt('RL007', 'qux.c', 2), findingAt('RL006', 'qux.c', 2),
    findingAt('RL006', 'qux.c', 5), findingAt('RL008', 'qux.c', 5), findingAt('RL002', 'qux.c', 5),
    findingAt('RL003', 'qux.c', 7, 8), findingAt('RL002', 'qux.c', 7, 8),
    findingAt('RL006', 'qux.c', 9), findingAt('RL006', 'qux.c', 10), findingAt('RL001', 'qux.c', 14),
    findingAt('RL008', 'qux.c', 14), findingAt('RL006', 'qux.c', 15), findingAt('RL006', 'qux.c', 16),
    findingAt('RL007', 'other.c', 2),
  ];
  const applied = applySuppressions(findings, new Map([['qux.c', C_SOURCE]]));
  assert.deepEqual(applied.map((f) => [f.code, f.loc.file, f.loc.line + 1, f.suppressed?.reason ?? null, f.suppressed ? f.suppressed.loc.line + 1 : null]), [
    ['RL007', 'qux.c', 3, 'only called with IRQs off, from qux_irq_off()', 3],
    ['RL006', 'qux.c', 3, null, null],
    ['RL006', 'qux.c', 6, 'sleeps only when qux->lock was dropped', 4],
    ['RL008', 'qux.c', 6, 'released by qux_done()', 5],
    ['RL002', 'qux.c', 6, null, null],
    ['RL003', 'qux.c', 8, 'order documented in qux.rst', 7],
    ['RL002', 'qux.c', 8, 'order documented in qux.rst', 7],
    ['RL006', 'qux.c', 10, null, null],
    ['RL006', 'qux.c', 11, null, null],
    ['RL001', 'qux.c', 15, 'the read side rechecks under the lock', 13],
    ['RL008', 'qux.c', 15, 'pairs with qux_begin()', 15],
    ['RL006', 'qux.c', 16, 'only from process context', 16],
    ['RL006', 'qux.c', 17, null, null],
    ['RL007', 'other.c', 3, null, null],
  ]);
  // The input array is not changed; suppressed findings stay in the list.
  assert.equal(findings.every((f) => f.suppressed === undefined), true);
  assert.equal(applied.length, findings.length);
});

test('a suppression without a reason is not applied and is reported, as is an unknown code', () => {
  const problems = suppressionProblems(new Map([['qux.c', C_SOURCE]]));
  assert.deepEqual(problems.map((p) => [p.severity, p.loc.file, p.loc.line + 1, p.loc.col, p.message]), [
    ['warning', 'qux.c', 10, 15,
      'racelens-ignore RL006 has no reason, so it is not applied: write `racelens-ignore RL006: why this is safe`'],
    ['warning', 'qux.c', 11, 15, 'racelens-ignore names RL042, which is not a RaceLens check code (RL001 to RL009)'],
  ]);
  const bare = readSuppressions('x.c', 'f(); // racelens-ignore because I say so\n');
  assert.deepEqual(bare.suppressions, []);
  assert.deepEqual(bare.problems.map((p) => p.message), ['racelens-ignore names no check code: write `racelens-ignore RL006: why this is safe`']);
});

test('in a patch, a suppression on a + line silences the finding mapped to that patch line', async () => {
  const name = 'suppressed.patch';
  const input = await inputFrom(['check', 'context', name]);
  assert.deepEqual(input.files.flatMap((f) => f.problems), []);
  const findings = atomicContext(input);
  const applied = applySuppressions(findings, new Map([[name, fixture('check', 'context', name)]]));
  assert.deepEqual(applied.map((f) => [f.code, f.loc.file, f.loc.line + 1, f.suppressed?.reason ?? null]), [
    ['RL006', name, 23, null],
    ['RL006', name, 31, 'the ring is empty whenever ring_lock is held here'],
  ]);
  assert.deepEqual(suppressionProblems(new Map([[name, fixture('check', 'context', name)]])).map((p) => [p.loc.line + 1, p.message]), [
    [23, 'racelens-ignore RL006 has no reason, so it is not applied: write `racelens-ignore RL006: why this is safe`'],
  ]);
});

test('quoted patches in review mails and stacked comment lines', () => {
  const mail = [
    '> +	spin_lock(&qux->lock);',
    '> +	/* racelens-ignore RL006: the flush does not sleep with the lock held */',
    '> +	// racelens-ignore RL008: qux_unlock() releases it',
    '> +	qux_flush(qux);',
  ].join('\n');
  const { suppressions } = readSuppressions('review.eml', mail);
  assert.deepEqual(suppressions.map((s) => [s.codes, s.line + 1, s.loc.line + 1]), [[['RL006'], 4, 2], [['RL008'], 4, 3]]);
});
