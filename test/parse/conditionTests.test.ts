import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readC } from '../../src/parse/cReader';
import { primitiveTable } from '../../src/model/primitives';
import type { ConditionTest } from '../../src/model/types';
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
