import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lockGraph } from '../../src/check/lockGraph';
import { lockCycles, renderLockGraphMarkdown } from '../../src/report/lockGraphReport';
import { inputFrom } from '../check/checkHelpers';

const plain = (_loc: unknown, text: string): string => text;

test('AB-BA: the cycle first, with each site; both dependencies marked as on the cycle', async () => {
  const graph = lockGraph(await inputFrom(['check', 'order', 'abba.c']));
  const text = renderLockGraphMarkdown(graph, plain);
  assert.match(text, /^# Lock order graph\n\n2 lock classes, 2 dependencies, 1 cycle\./);
  assert.match(text, /## Cycles\n\n1\. ⚠ \*\*kvm\.lock → vcpu\.mutex → kvm\.lock\*\* — lock-order cycle \[RL002\]\n {3}- abba\.c:6: kvm\.lock taken here \(held: none\)/);
  assert.match(text, /### kvm\.lock\n\n- ⚠ \*\*kvm\.lock → vcpu\.mutex\*\*: held at abba\.c:6; vcpu\.mutex taken at abba\.c:7/);
  assert.match(text, /### vcpu\.mutex\n\n- ⚠ \*\*vcpu\.mutex → kvm\.lock\*\*: held at abba\.c:16; kvm\.lock taken at abba\.c:17/);
});

test('the fixed order: dependencies, no cycle, nothing marked', async () => {
  const graph = lockGraph(await inputFrom(['check', 'order', 'abba.fixed.c']));
  const text = renderLockGraphMarkdown(graph, plain);
  assert.equal(lockCycles(graph).length, 0);
  assert.match(text, /No cycle: every lock class is always taken in the same order\./);
  assert.doesNotMatch(text, /^(?:\d+\.|-) ⚠/m);
});

test('a cycle through an SRCU domain is a grace-period deadlock (RL004)', async () => {
  const graph = lockGraph(await inputFrom(['check', 'order', 'srcu_lock_inversion.c']));
  const cycles = lockCycles(graph);
  assert.deepEqual(cycles.map((c) => c.kind), ['RL004']);
  assert.match(renderLockGraphMarkdown(graph, plain), /grace-period deadlock \(through an SRCU\/RCU domain\) \[RL004\]/);
});

test('locations go through the link function', async () => {
  const graph = lockGraph(await inputFrom(['check', 'order', 'abba.c']));
  const text = renderLockGraphMarkdown(graph, (loc, label) => `[${label}](file:///x#L${loc.line + 1})`);
  assert.match(text, /held at \[abba\.c:6\]\(file:\/\/\/x#L6\)/);
});

test('nothing held while taking another lock: says so', async () => {
  const text = renderLockGraphMarkdown({ dependencies: [] }, plain);
  assert.match(text, /0 lock classes, 0 dependencies, 0 cycles/);
  assert.match(text, /No lock is taken while another is held\./);
});
