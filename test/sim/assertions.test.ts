// The reviewer's assertions written in notes: labels on lines, `never A && B`
// and `always-before A B` comment lines, read into the model and checked by
// the simulator with witnesses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallGraph } from '../../src/model/callGraph';
import type { CallStmt, FileModel, Stmt } from '../../src/model/types';
import { buildScenario, checkAssertions, labelTable, renderWitness } from '../../src/sim';
import { modelOf } from './simHelpers';

async function checked(name: string, copies = 1) {
  const model = await modelOf('sim', name);
  const graph = new CallGraph([model]);
  const scenario = buildScenario(graph, [{ name: 'fw_update' }, { name: 'kvm_vm_ioctl', copies }]);
  return { model, results: checkAssertions(scenario, model.assertions ?? [], { labels: labelTable(graph) }) };
}

function callsOf(model: FileModel): CallStmt[] {
  const found: CallStmt[] = [];
  const visit = (body: readonly Stmt[]): void => {
    for (const s of body) if (s.kind === 'call') { found.push(s); visit(s.body ?? []); }
  };
  for (const fn of model.functions) visit(fn.body);
  return found;
}

test('labels and assertions are read from notes comments; a malformed assertion is a warning with its line', async () => {
  const model = await modelOf('sim', 'assert-broken.rlnotes');
  assert.deepEqual(model.assertions?.map((a) => [a.kind, a.labels, a.loc.line + 1, a.loc.col + 1, a.text]), [
    ['never', ['td_init', 'update'], 20, 14, 'never td_init && update'],
    ['always-before', ['update', 'td_init'], 21, 14, 'always-before update td_init'],
  ]);
  assert.deepEqual(model.problems.map((p) => [p.loc.line + 1, p.severity, p.message]), [
    [22, 'warning', 'cannot read this assertion; expected `never NAME1 && NAME2`: never td_init & update'],
  ]);
  assert.deepEqual(callsOf(model).filter((c) => c.labels).map((c) => [c.callee, c.labels, c.loc.line + 1]),
    [['do_tdx_module_update', ['update'], 9], ['tdx_td_init', ['td_init'], 16]]);
  // A label on a statement line labels the statement.
  const fixed = await modelOf('sim', 'assert-fixed.rlnotes');
  assert.deepEqual([...labelTable(new CallGraph([fixed]))].map(([label, locs]) => [label, locs.map((l) => l.line + 1)]),
    [['publish', [8]], ['update', [10]], ['td_init', [23]]]);
  // The notes fixture of the parse tests already labels a line.
  const constructs = await modelOf('notes', 'constructs.rlnotes');
  assert.deepEqual(labelTable(new CallGraph([constructs])).get('destroy')?.map((l) => l.line + 1), [25]);
});

test('the fixed design keeps both assertions, and says why the first holds', async () => {
  const { results } = await checked('assert-fixed.rlnotes');
  assert.deepEqual(results.map((r) => [r.assertion.text, r.verdict, r.exhaustive]), [
    ['never td_init && update', 'holds', true],
    ['always-before publish update', 'holds', true],
  ]);
  assert.deepEqual(results[0]!.reasons?.map((r) => r.links), [
    ['CPU 1\'s if (fw->update) (line 18) reads fw.update = 0, written by CPU 0\'s fw->update = false (line 12)'],
    ['CPU 1\'s idx = srcu_read_lock(&fw->srcu) (line 17) precedes CPU 0\'s synchronize_srcu(&fw->srcu) (line 9), which waits for CPU 1\'s srcu_read_unlock(&fw->srcu, idx) (line 25)'],
  ]);
  assert.equal(results[1]!.summary, 'no CPU reaches update before some CPU has run publish to its end');
  // Two readers change nothing.
  const two = await checked('assert-fixed.rlnotes', 2);
  assert.deepEqual(two.results.map((r) => r.verdict), ['holds', 'holds']);
});

test('the broken design violates both, each with a witness', async () => {
  const { results } = await checked('assert-broken.rlnotes');
  const [never, before] = results;
  assert.equal(never?.verdict, 'violated');
  assert.equal(never?.summary, 'CPU 1 (kvm_vm_ioctl) is at td_init while CPU 0 (fw_update) is at update');
  assert.equal(never?.schedule, '1 0x3 1');
  const table = renderWitness(never!.witness!);
  assert.match(table, /^CPU 0 +CPU 1$/m);
  assert.match(table, /-> synchronize_srcu\(&fw->srcu\) \/\/no fw\.srcu read-side section is open: returns at once/);
  assert.equal(before?.verdict, 'violated');
  assert.equal(before?.summary, 'CPU 1 (kvm_vm_ioctl) is at td_init before any CPU has run update');
  assert.equal(before?.schedule, '1x2');
});

test('an assertion naming a label nobody wrote cannot be decided, and says so', async () => {
  const model = await modelOf('sim', 'assert-fixed.rlnotes');
  const graph = new CallGraph([model]);
  const scenario = buildScenario(graph, [{ name: 'fw_update' }, { name: 'kvm_vm_ioctl' }]);
  const [result] = checkAssertions(scenario, [{ kind: 'never', labels: ['td_init', 'nowhere'], text: 'never td_init && nowhere', loc: model.assertions![0]!.loc }], { labels: labelTable(graph) });
  assert.equal(result?.verdict, 'unknown');
  assert.equal(result?.summary, 'no line is labelled nowhere (write `// racelens: label nowhere` after it)');
});
