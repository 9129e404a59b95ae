// The editor's analysis engine, without the editor: it runs on a worker
// thread in the extension, and is plain Node code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AnalysisEngine } from '../../src/vscode/analysis/engine';
import { EngineClient } from '../../src/vscode/analysis/client';
import { DEFAULT_SIMULATION } from '../../src/report/editorSettings';
import { fixturePath, loadParser } from '../helpers';

const SEED = resolve('examples/seed000-race.rlnotes');
const TEXT = readFileSync(SEED, 'utf8');
const NO_CONFIG = { primitives: {}, aliases: {}, entries: [] };
const simulation = DEFAULT_SIMULATION;

async function engine(): Promise<AnalysisEngine> {
  const e = new AnalysisEngine(await loadParser());
  e.configure({ config: NO_CONFIG, disabled: [] });
  return e;
}

test('reading a file returns what the host keeps: its sync sites and typed timelines', async () => {
  const e = await engine();
  const [facts] = e.read({ inputs: [{ file: SEED, path: SEED }] });
  assert.equal(facts!.file, SEED);
  assert.ok(facts!.sites.some((s) => s.primitive === 'wait_for_completion' && s.loc.line === 42));
  assert.deepEqual(facts!.timelines, [{ line: 74, endLine: 115, cpus: ['CPU 0', 'CPU 1'] }]);
});

test('a check: seed 000\'s two RL001 findings, each with its witness rebuilt as a timeline, and the roots', async () => {
  const e = await engine();
  e.read({ inputs: [{ file: SEED, text: TEXT }] });
  const out = e.check({ simulation });
  assert.deepEqual(out.findings.map((f) => [f.code, f.loc.line]), [['RL001', 42], ['RL001', 60]]);
  assert.deepEqual(out.timelines.map((t) => t.id), [`RL001@${SEED}:42:6`, `RL001@${SEED}:60:6`]);
  const first = out.timelines[0]!;
  assert.deepEqual(first.witness.threads.map((t) => t.label), ['kvm_vm_ioctl', 'reload_store']);
  assert.equal(first.breakStep, first.witness.steps.length - 1);
  assert.deepEqual(first.rerun, { entries: [{ name: 'kvm_vm_ioctl' }, { name: 'reload_store' }], params: {} });
  assert.match(first.evidence!, /^witnessed \(schedule /);
  assert.deepEqual(out.roots.map((r) => r.name), ['reload_store', 'kvm_vm_ioctl', 'kvm_destroy_vm']);
  assert.deepEqual(out.problems, []);
});

test('an edit re-reads that file only: a suppression silences its finding, a malformed one is an input problem', async () => {
  const e = await engine();
  e.read({ inputs: [{ file: SEED, text: TEXT }] });
  const lines = TEXT.split('\n');
  lines[42] += ' // racelens-ignore RL001: the reader re-checks fw->update inside';
  lines[60] += ' // racelens-ignore RL001';
  e.read({ inputs: [{ file: SEED, text: lines.join('\n') }] });
  const out = e.check({ simulation });
  assert.deepEqual(out.findings.map((f) => [f.loc.line, f.suppressed?.reason]), [[42, 'the reader re-checks fw->update inside'], [60, undefined]]);
  assert.deepEqual(out.timelines.map((t) => t.id), [`RL001@${SEED}:60:6`], 'no timeline for a suppressed finding');
  assert.match(out.problems[0]!.message, /has no reason, so it is not applied/);
});

test('an edited C file is read again from its last read: the same findings as a fresh engine, edit after edit', async () => {
  const file = fixturePath('check/order/abba.c');
  const original = readFileSync(file, 'utf8');
  const edited = await engine();
  const versions = [
    original,
    original.replace('mutex_lock(&kvm->lock);', 'mutex_lockx(&kvm->lock);'),
    `\n${original}`,
    original.replace(/\}\s*$/, '}\n\nstatic void half_typed(struct kvm *kvm)\n{\n\tmutex_lock(&kvm->lock'),
    original,
  ];
  for (const text of versions) {
    edited.read({ inputs: [{ file, text }] });
    const fresh = await engine();
    fresh.read({ inputs: [{ file, text }] });
    assert.deepEqual(edited.check({ simulation }).findings, fresh.check({ simulation }).findings);
  }
  // Closed: read from disk again, afresh.
  edited.read({ inputs: [{ file, path: file }] });
  assert.equal(edited.check({ simulation }).findings.length, 1);
});

test('the notes\' assertions: a broken one with its witness as a timeline, a `never` that holds with the orderings why', async () => {
  const e = await engine();
  const broken = fixturePath('sim', 'assert-broken.rlnotes');
  e.read({ inputs: [{ file: broken, path: broken }] });
  const out = e.check({ simulation });
  const never = out.assertions.find((a) => a.text === 'never td_init && update')!;
  assert.equal(never.verdict, 'violated');
  assert.match(never.summary, /CPU 1 \(kvm_vm_ioctl\) is at td_init while CPU 0 \(fw_update\) is at update/);
  assert.ok(out.timelines.some((t) => t.id === never.timeline && t.title === 'Assertion violated: never td_init && update'));

  const fixed = fixturePath('sim', 'assert-fixed.rlnotes');
  e.remove({ files: [broken] });
  e.read({ inputs: [{ file: fixed, path: fixed }] });
  const holds = e.check({ simulation }).assertions.find((a) => a.text === 'never td_init && update')!;
  assert.equal(holds.verdict, 'holds');
  assert.equal(holds.timeline, undefined);
  assert.match(holds.reasons.join('\n'), /precedes CPU 0's synchronize_srcu\(&fw->srcu\) \(line 9\), which waits for CPU 1's srcu_read_unlock/);
});

test('checks turned off do not run; a removed file takes its findings with it', async () => {
  const e = await engine();
  e.read({ inputs: [{ file: SEED, text: TEXT }] });
  e.configure({ config: NO_CONFIG, disabled: ['RL001'] });
  assert.deepEqual(e.check({ simulation }).findings, []);
  e.configure({ config: NO_CONFIG, disabled: [] });
  e.remove({ files: [SEED] });
  assert.deepEqual(e.check({ simulation }).findings, []);
});

test('new primitives or aliases read every file again', async () => {
  const e = await engine();
  e.read({ inputs: [{ file: 'wrap.c', text: 'void f(struct s *s)\n{\n\tmy_lock(&s->lock);\n}\n' }] });
  assert.doesNotMatch(e.model({ file: 'wrap.c' })!, /mutex\.acquire/);
  e.configure({ config: { primitives: { my_lock: 'mutex_lock' }, aliases: {}, entries: [] }, disabled: [] });
  assert.match(e.model({ file: 'wrap.c' })!, /my_lock\(&s->lock\)\s+mutex\.acquire exclusive s\.lock/);
  assert.equal(e.model({ file: 'other.c' }), undefined);
});

test('Simulate Race: choices from the cursor, the open parameter, then the run with its timelines', async () => {
  const e = await engine();
  e.read({ inputs: [{ file: SEED, text: TEXT }] });
  const choices = e.choices({ file: SEED, line: 42 });
  assert.deepEqual(choices.here, ['kvm_vm_ioctl']);
  assert.deepEqual(choices.others.filter((c) => c.picked).map((c) => c.name), ['reload_store', 'kvm_destroy_vm']);
  const entries = [{ name: 'kvm_vm_ioctl' }, { name: 'reload_store' }];
  assert.deepEqual(e.params({ entries }), ['data']);
  const run = e.simulate({ entries, params: { data: 1 }, simulation });
  assert.match(run.verdict, /violation/);
  assert.match(run.report, /^Simulating CPU 0 kvm_vm_ioctl, CPU 1 reload_store with data = 1/);
  assert.match(run.timelines[0]!.title, /^Violation \(update-phase-exclusion\)/);
  assert.deepEqual(run.timelines[0]!.rerun, { entries, params: { data: 1 } });
});

test('a simulation of an entry point nobody defines, or of more CPUs than the setting allows, fails with the reason', async () => {
  const e = await engine();
  e.read({ inputs: [{ file: SEED, text: TEXT }] });
  assert.throws(() => e.simulate({ entries: [{ name: 'kvm_vm_ioctl' }, { name: 'no_such_entry' }], params: {}, simulation }),
    /^Error: entry point no_such_entry\(\) is not defined in the open files$/);
  assert.throws(() => e.simulate({ entries: [{ name: 'kvm_vm_ioctl', copies: 1e9 }], params: {}, simulation }),
    new RegExp(`^Error: 1000000000 CPUs asked for; at most ${simulation.maxThreads} \\(setting racelens\\.simulation\\.maxThreads\\)$`));
});

test('a cancelled simulation stops and says so', async () => {
  const e = await engine();
  e.read({ inputs: [{ file: SEED, text: TEXT }] });
  const run = e.simulate({ entries: [{ name: 'kvm_vm_ioctl' }, { name: 'reload_store' }, { name: 'kvm_destroy_vm' }], params: {}, simulation }, { signal: { aborted: true } });
  assert.equal(run.stats.stopped, 'cancelled');
});

test('Verify Timeline: seed 000\'s table is feasible; its witness comes back as a timeline', async () => {
  const e = await engine();
  e.read({ inputs: [{ file: SEED, text: TEXT }] });
  const verified = e.verifyTimeline({ file: SEED, line: 80, params: {}, simulation })!;
  assert.equal(verified.feasible, true);
  assert.deepEqual(verified.columns, ['CPU 0 runs kvm_vm_ioctl()', 'CPU 1 runs reload_store()']);
  assert.equal(verified.timeline?.id, `timeline@${SEED}:74`);
  assert.equal(e.verifyTimeline({ file: SEED, line: 10, params: {}, simulation }), undefined, 'no table at line 11');
  const impossible = e.verifyTimeline({ file: SEED, line: 74, params: { data: 1 }, simulation })!;
  assert.equal(impossible.feasible, false);
  assert.equal(impossible.row?.loc.line, 101);
});

test('Show Model names files relative to the workspace folder that holds them', async () => {
  const e = await engine();
  e.read({ inputs: [{ file: SEED, path: SEED }] });
  const text = e.model({ file: SEED, folders: [resolve('test'), resolve('.')] })!;
  assert.match(text, /^Entry kvm_vm_ioctl {2}examples\/seed000-race\.rlnotes:41:1$/m);
  assert.ok(!text.includes(resolve('.')), 'no absolute path');
  // Outside every folder (or with none), the path is kept as it is.
  assert.match(e.model({ file: SEED, folders: [resolve('test')] })!, new RegExp(`^Entry kvm_vm_ioctl  ${SEED.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:41:1$`, 'm'));
});

test('the worker thread (dist/analysisWorker.js, built by npm run build) answers the same, in order', async () => {
  const client = EngineClient.start(resolve('dist'));
  try {
    assert.equal(client.mode, 'worker');
    await client.call('configure', { config: NO_CONFIG, disabled: [] });
    await client.call('read', { inputs: [{ file: SEED, path: SEED }] });
    const out = await client.call('check', { simulation });
    assert.equal(out.findings.length, 2);
    assert.equal(out.timelines.length, 2);
    assert.equal(await client.call('model', { file: 'nothing' }), undefined);
    if (process.platform === 'linux') {
      // The analysis thread runs at a lower priority than the rest of the process (a nice value per thread on Linux).
      const nice = readdirSync('/proc/self/task').map((task) => Number(readFileSync(`/proc/self/task/${task}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]));
      assert.equal(nice.filter((n) => n === 10).length, 1, `nice values of the threads: ${nice.join(' ')}`);
      assert.ok(nice.includes(0), 'the main thread keeps its priority');
    }
  } finally {
    client.dispose();
  }
});
