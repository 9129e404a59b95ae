import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SIMULATION, validateSettings, workspaceConfig } from '../../src/report/editorSettings';
import { parseConfig } from '../../src/model/config';

test('no settings: the defaults, and no problem', () => {
  const { settings, problems } = validateSettings({});
  assert.deepEqual(problems, []);
  assert.deepEqual(settings.simulation, DEFAULT_SIMULATION);
  assert.deepEqual(settings.severity, {});
  assert.deepEqual(settings.disabled, []);
  assert.deepEqual(settings.index, { enabled: true, maxFiles: 5000 });
  assert.equal(settings.debounceMs, 100);
});

test('good settings are taken as given', () => {
  const { settings, problems } = validateSettings({
    primitives: { kvm_lock_all_vcpus: 'mutex_lock' },
    aliases: { kvm_fw: 'fw' },
    entries: ['kvm_vm_ioctl'],
    severity: { RL008: 'information' },
    checks: { RL006: false, RL001: true },
    simulation: { maxThreads: 3, loopUnroll: 3, timeBudgetSeconds: 20 },
    lockingDocs: ['Documentation/virt/kvm/locking.rst'],
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(settings.severity, { RL008: 'information' });
  assert.deepEqual(settings.disabled, ['RL006']);
  assert.deepEqual(settings.simulation, { ...DEFAULT_SIMULATION, maxThreads: 3, loopUnroll: 3, timeBudgetMs: 20_000 });
  assert.deepEqual(settings.lockingDocs, ['Documentation/virt/kvm/locking.rst']);
});

test('each wrong value is reported with its setting path and what is wrong; the rest still applies', () => {
  const { settings, problems } = validateSettings({
    primitives: { my_lock: 'no_such_primitive', bad: 42 },
    aliases: { kvm_fw: 3 },
    entries: 'kvm_vm_ioctl',
    severity: { RL001: 'fatal', RL010: 'error', RL002: 'hint' },
    checks: { RL003: 'off' },
    simulation: { loopUnroll: 0, maxThreads: 2.5 },
    index: { enabled: 'yes' },
    debounceMs: -1,
  });
  const paths = problems.map((p) => p.path);
  assert.deepEqual(paths.sort(), [
    'racelens.aliases.kvm_fw', 'racelens.checks.RL003', 'racelens.debounceMs', 'racelens.entries', 'racelens.index.enabled',
    'racelens.primitives.bad', 'racelens.primitives.my_lock', 'racelens.severity.RL001', 'racelens.severity.RL010',
    'racelens.simulation.loopUnroll', 'racelens.simulation.maxThreads',
  ]);
  assert.match(problems.find((p) => p.path === 'racelens.severity.RL001')!.message, /expected one of error, warning, information, hint, got "fatal"/);
  assert.match(problems.find((p) => p.path === 'racelens.severity.RL010')!.message, /RL010 is not a RaceLens check code \(RL001 to RL009\)/);
  assert.match(problems.find((p) => p.path === 'racelens.simulation.loopUnroll')!.message, /from 1 to 16, got 0; using 2/);
  assert.deepEqual(settings.severity, { RL002: 'hint' }, 'the good entry next to bad ones applies');
  assert.equal(settings.simulation.loopUnroll, 2);
  assert.equal(settings.debounceMs, 100);
  assert.deepEqual(settings.config.entries, []);
});

test('.racelens.json and the settings join; the settings win for a name in both; the file\'s problems keep their paths', () => {
  const { settings } = validateSettings({ primitives: { my_lock: 'spin_lock' }, entries: ['b'] });
  const file = { primitives: { my_lock: 'mutex_lock', my_srcu: { as: 'srcu_read_lock', object: 1 } }, aliases: { a: 'b', bad: 1 }, entries: ['a', 'b'] };
  const { raw, fileProblems } = workspaceConfig(file, settings);
  assert.deepEqual(raw.primitives, { my_lock: 'spin_lock', my_srcu: { as: 'srcu_read_lock', object: 1 } });
  assert.deepEqual(raw.entries, ['a', 'b']);
  assert.deepEqual(fileProblems.map((p) => p.path), ['aliases.bad']);
  const { config } = parseConfig(raw);
  assert.equal(config.table.get('my_lock')?.family, 'spinlock');
  assert.equal(config.aliases.get('a'), 'b');
});

test('no .racelens.json: only the settings', () => {
  const { settings } = validateSettings({ aliases: { x: 'y' } });
  assert.deepEqual(workspaceConfig(undefined, settings), { raw: { primitives: {}, aliases: { x: 'y' }, entries: [] }, fileProblems: [] });
});
