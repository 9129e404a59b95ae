// `racelens graph` end to end: the bundled command line (dist/cli.js, built
// by `npm run build` before the tests) on seed 000.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fixturePath } from '../helpers';

function racelens(...args: string[]) {
  const run = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const SEED000 = fixturePath('seeds', '000_ae3e64e89a0db923.txt');

test('graph on seed 000 shows the three entry points sharing the completion, the SRCU domain and the TD counter', () => {
  const { code, stdout } = racelens('graph', SEED000);
  assert.equal(code, 0);
  const entries = stdout.split('\n').filter((l) => l.startsWith('Entry ')).map((l) => l.split(/\s+/)[1]);
  assert.deepEqual(entries, ['reload_store', 'kvm_vm_ioctl', 'kvm_destroy_vm']);
  const objects = stdout.slice(stdout.indexOf('\nObjects\n')).split('\n').filter((l) => l.startsWith('  '));
  assert.deepEqual(objects, [
    '  fw.completion: init_completion, complete_all, wait_for_completion  [reload_store, kvm_vm_ioctl, kvm_destroy_vm]',
    '  fw.srcu: synchronize_srcu, srcu_read_lock, srcu_read_unlock  [reload_store, kvm_vm_ioctl, kvm_destroy_vm]',
    '  fw.update: store  [reload_store]',
    '  kvm: kvm_make_all_cpus_request  [reload_store]',
    '  nr_running_td: atomic_add_return, atomic_sub, atomic_inc_unless_negative, atomic_dec  [reload_store, kvm_vm_ioctl, kvm_destroy_vm]',
  ]);
  assert.match(stdout, /^ {4}wait_for_completion\(&kvm->fw->completion\) {2}completion\.wait fw\.completion sleeps {2}\S*000_ae3e64e89a0db923\.txt:42:7$/m);
});

test('graph --json gives the same entries and objects as data', () => {
  const { code, stdout } = racelens('graph', '--json', SEED000);
  assert.equal(code, 0);
  const data = JSON.parse(stdout) as { entries: { entry: string }[]; objects: Record<string, { entry: string; primitive: string; loc: { line: number } }[]> };
  assert.deepEqual(data.entries.map((e) => e.entry), ['reload_store', 'kvm_vm_ioctl', 'kvm_destroy_vm']);
  assert.deepEqual(data.objects['fw.srcu']?.map((u) => `${u.entry}:${u.primitive}:${u.loc.line + 1}`), [
    'reload_store:synchronize_srcu:18', 'reload_store:synchronize_srcu:30',
    'kvm_vm_ioctl:srcu_read_lock:43', 'kvm_vm_ioctl:srcu_read_unlock:55',
    'kvm_destroy_vm:srcu_read_lock:62', 'kvm_destroy_vm:srcu_read_unlock:71',
  ]);
});

test('usage errors exit 2 with a message; a missing path is named', () => {
  assert.equal(racelens().code, 2);
  const missing = racelens('graph', 'no/such/dir');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file or folder: no\/such\/dir/);
});

test('--entry picks the entry points; an unknown one is an error', () => {
  const { stdout } = racelens('graph', SEED000, '--entry', 'kvm_destroy_vm');
  assert.deepEqual(stdout.split('\n').filter((l) => l.startsWith('Entry ')).map((l) => l.split(/\s+/)[1]), ['kvm_destroy_vm']);
  assert.match(racelens('graph', SEED000, '--entry', 'nope').stderr, /entry point nope is not defined/);
});
