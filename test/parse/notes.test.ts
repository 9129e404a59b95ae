// Notes fixtures: each `.rlnotes` file (and seed 000's fences) has a sibling
// `.expected` file holding the exact model, rendered. RACELENS_UPDATE_EXPECTED=1 rewrites them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyLine, readNotes } from '../../src/parse/notes';
import { findFences } from '../../src/parse/markdown';
import { primitiveTable } from '../../src/model/primitives';
import { renderFunction } from '../../src/model/render';
import type { FunctionSummary, InputProblem } from '../../src/model/types';
import { FIXTURES, fixture, loadParser } from '../helpers';

const { table } = primitiveTable();

function render(functions: FunctionSummary[], problems: InputProblem[]): string {
  return [...functions.map(renderFunction), ...problems.map((p) => `${p.severity} @${p.loc.line + 1}: ${p.message}`)].join('\n') + '\n';
}

function expect(actual: string, expectedPath: string): void {
  if (process.env.RACELENS_UPDATE_EXPECTED) writeFileSync(expectedPath, actual);
  assert.equal(actual, readFileSync(expectedPath, 'utf8'));
}

test("seed 000's three call chains, read from its Markdown fences", async () => {
  const parser = await loadParser();
  const { fences, problems } = findFences(fixture('seeds', '000_ae3e64e89a0db923.txt'), 'seed000.txt');
  assert.deepEqual(fences.map((f) => [f.lang, f.firstLine]), [['c', 3], ['cpp', 39], ['c', 58], ['c', 74]]);
  assert.deepEqual(problems, []);
  const chains = fences.slice(0, 3).flatMap((f) => readNotes(parser, f.lines, 'seed000.txt', f.firstLine, { table }).functions);
  assert.deepEqual(chains.map((f) => f.name), ['reload_store', 'kvm_vm_ioctl', 'kvm_destroy_vm']);
  expect(render(chains, []), join(FIXTURES, 'notes', 'seed000.expected'));
});

const dir = join(FIXTURES, 'notes');
for (const name of readdirSync(dir).filter((n) => n.endsWith('.rlnotes'))) {
  test(`notes model of ${name} matches ${name}.expected`, async () => {
    const parser = await loadParser();
    const lines = readFileSync(join(dir, name), 'utf8').split('\n');
    const { functions, problems } = readNotes(parser, lines, name, 0, { table });
    expect(render(functions, problems), join(dir, `${name}.expected`));
  });
}

test('line kinds: entry, call, dispatch, path, close, statement, comments in any language', () => {
  const kinds = ['kvm_vm_ioctl()', '-> fw_idx = kvm_get_fw(kvm)', '   => vt_vm_free()', '   default:', '   case KVM_TDX_INIT_VM:',
    '}', 'fw->update = true;', '   -> srcu_read_unlock(&kvm->fw->srcu, idx) //退出临界区', 'if (x) {']
    .map((text, i) => { const l = classifyLine(text, i); return [l?.kind, l?.contentCol, l?.comment]; });
  assert.deepEqual(kinds, [
    ['entry', 0, undefined], ['call', 3, undefined], ['dispatch', 6, undefined], ['path', 3, undefined], ['path', 3, undefined],
    ['close', 0, undefined], ['statement', 0, undefined], ['call', 6, '退出临界区'], ['statement', 0, undefined],
  ]);
});
