import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readC } from '../../src/parse/cReader';
import { primitiveTable } from '../../src/model/primitives';
import type { ConditionTest } from '../../src/model/types';
import { simpleCondition } from '../../src/parse/simpleConditions';
import { loadParser } from '../helpers';

const { table } = primitiveTable();

function render(test: ConditionTest): string {
  switch (test.kind) {
    case 'object': return `object ${test.object.id}`;
    case 'result': return `result ${test.of}`;
    case 'local': return `local ${test.name}`;
    case 'param': return `param ${test.name}`;
    case 'config': return `config ${test.symbol}`;
  }
}

/** What `if (condition)` tests, in a function with a parameter `kvm`, a local `ret` and a global `nr_td`. */
async function testsOf(condition: string): Promise<string[]> {
  const parser = await loadParser();
  const text = `static int nr_td;\n\nint f(struct kvm *kvm)\n{\n\tint ret = 0;\n\n\tif (${condition})\n\t\treturn 1;\n\treturn ret;\n}\n`;
  const branch = readC(parser, text, 't.c', { table }).functions[0]?.body.find((s) => s.kind === 'branch');
  assert.ok(branch?.kind === 'branch', condition);
  return branch.tests.map(render);
}

test('a condition tests call results, shared objects, parameters, locals and globals, each once', async () => {
  assert.deepEqual(await testsOf('ret'), ['local ret']);
  assert.deepEqual(await testsOf('!kvm->created && kvm->created'), ['object kvm.created']);
  assert.deepEqual(await testsOf('READ_ONCE(kvm->mode) == IN_GUEST_MODE'), ['result READ_ONCE']);
  assert.deepEqual(await testsOf('mutex_lock_killable(&kvm->lock) || nr_td > 2'), ['result mutex_lock_killable', 'object nr_td']);
  assert.deepEqual(await testsOf('kvm == NULL || sizeof(struct kvm) > 4'), ['param kvm']);
});

test('a transparent macro tests what its argument tests, not a variable of its name', async () => {
  assert.deepEqual(await testsOf('unlikely(kvm->dying)'), ['object kvm.dying']);
  assert.deepEqual(await testsOf('likely(!ret) && data_race(nr_td)'), ['local ret', 'object nr_td']);
});

test('conditions read from their text test and call what the tree walk finds', async () => {
  const parser = await loadParser();
  const read = (condition: string) => {
    const text = `static int nr_td;\n\nint f(struct kvm *kvm)\n{\n\tint ret = 0;\n\n\tif (${condition})\n\t\treturn 1;\n\tswitch (${condition}) {\n\tdefault:\n\t\tbreak;\n\t}\n\twhile (${condition})\n\t\tkick(kvm);\n\treturn ret;\n}\n`;
    const body = readC(parser, text, 'c.c', { table }).functions[0]?.body ?? [];
    // A comment moves the columns, and stays in the condition's text: both left out of the comparison.
    return JSON.parse(JSON.stringify(body).replace(/"(end)?[cC]ol":\d+/g, '"col":0').replaceAll(' /* c */', '')) as unknown;
  };
  for (const condition of [
    'ret', '!kvm->created', 'READ_ONCE(vcpu->mode) == IN_GUEST_MODE', 'mutex_lock_killable(&kvm->lock)',
    'unlikely(kvm->dying) && nr_td >= 2', 'a->b.c != -1 || (x & 0x10UL)', 'atomic_add_return(bias, &nr_running_td) != bias',
    'likely(!ret)', 'kvm ? kvm->x : 0', 'f()', 'WARN_ON_ONCE(a, b)',
  ]) {
    // The comment is no simple condition's: the tree reads that one.
    assert.deepEqual(read(condition), read(`${condition} /* c */`), condition);
  }
});

test('a condition is read from its text only when names, paths, operators and plain calls make it up', () => {
  const items = (text: string) => simpleCondition(text, 0)?.items.map((i) => (i.kind === 'result' ? `result ${i.of}` : i.kind === 'path' ? `path ${i.text}` : `name ${i.name}`));
  assert.deepEqual(items('(!kvm->created && kvm->fw . update)'), ['path kvm->created', 'path kvm->fw . update']);
  assert.deepEqual(items('(READ_ONCE(vcpu->mode) == IN_GUEST_MODE)'), ['result READ_ONCE', 'name IN_GUEST_MODE']);
  assert.deepEqual(items('(unlikely(ret < 0))'), ['name ret']);
  assert.deepEqual(simpleCondition('(x = f(a))', 0), undefined);
  assert.deepEqual(simpleCondition('((u32)x)', 0), undefined);
  assert.deepEqual(simpleCondition('(a[i])', 0), undefined);
  assert.deepEqual(simpleCondition('(f(g(x)))', 0), undefined);
  assert.deepEqual(simpleCondition('(ops->cb(x))', 0), undefined);
  assert.deepEqual(simpleCondition('(sizeof(x) > 4)', 0), undefined);
  assert.deepEqual(simpleCondition('(a <<= 1)', 0), undefined);
  assert.deepEqual(simpleCondition('(a, b)', 0), undefined);
  assert.deepEqual(simpleCondition('(strcmp(s, "x"))', 0), undefined);
  assert.deepEqual(simpleCondition('(mutex_lock_killable(&m))', 4)?.calls, [{ callee: 'mutex_lock_killable', start: 5, end: 28, args: ['&m'] }]);
});
