// `racelens simulate` end to end: the bundled command line (dist/cli.js,
// built by `npm run build` before the tests) on seed 000 and the fixed design.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fixturePath } from '../helpers';

function racelens(...args: string[]) {
  const run = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const SEED000 = fixturePath('seeds', '000_ae3e64e89a0db923.txt');

/** The lines of one section: from its heading to the next blank-line-separated heading. */
function section(stdout: string, heading: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  assert.ok(start >= 0, `no ${heading} in\n${stdout}`);
  const end = lines.findIndex((l, i) => i > start && /^[A-Z]/.test(l) && !l.startsWith('CPU'));
  return lines.slice(start, end < 0 ? undefined : end);
}

test('seed 000 with data = 0: the -EBUSY outcome, and the seed\'s own timeline replays as feasible', () => {
  const { code, stdout } = racelens('simulate', SEED000, '--param', 'data=0');
  assert.equal(code, 1, 'the update-phase exclusion is broken, so the exit status says so');
  const lines = stdout.split('\n');
  assert.equal(lines[0], 'Simulating CPU 0 reload_store, CPU 1 kvm_vm_ioctl, CPU 2 kvm_destroy_vm with data = 0');
  assert.match(lines[1]!, /^Verdict: .*2 violations \(update-phase-exclusion\)/);
  assert.match(lines[2]!, /^Bounds: loops unrolled 2 times, at most 2000 steps per execution, 200000 states, 10 s; every interleaving explored$/);
  assert.match(lines[3]!, /^Explored: \d+ executions, \d+ states, \d+ transitions in \d+ ms; pruned \d+ \(cached \d+, sleeping \d+, persistent \d+\)$/);
  const outcomes = section(stdout, 'Outcomes');
  assert.ok(outcomes.some((l) => /^ {2}reload_store: ret = -EBUSY \| kvm_vm_ioctl: ret = 0 \|/.test(l)), outcomes.join('\n'));
  assert.ok(outcomes.slice(1).filter((l) => l !== '').every((l) => /^ {2}\S/.test(l) || /^ {4}schedule: \d/.test(l)), outcomes.join('\n'));
  assert.deepEqual(section(stdout, 'Timelines'), [
    'Timelines',
    `  ${SEED000.replace(`${process.cwd()}/`, '')}:75:1 (CPU 0: kvm_vm_ioctl, CPU 1: reload_store): feasible`,
    '    schedule: 0 1x4 0x2 1x4 0 1x2',
    '',
  ]);
});

test('seed 000 with data = 1: the update-phase violation as a CPU 0 | CPU 1 table; the timeline cannot take the -EBUSY branch', () => {
  const { code, stdout } = racelens('simulate', SEED000, '--param', 'data=1');
  assert.equal(code, 1);
  const violation = section(stdout, 'Violation 1 (update-phase-exclusion)');
  assert.match(violation[0]!, /^Violation 1 \(update-phase-exclusion\) at \S*000_ae3e64e89a0db923\.txt:43:13$/);
  assert.match(violation[1]!, /^ {2}CPU 1 \(kvm_vm_ioctl\) is inside the fw\.srcu read side \(entered at line 43\) past its guard/);
  assert.equal(violation[2], '  schedule: 1 0x4 1');
  assert.match(violation[4]!, /^CPU 0 +CPU 1$/);
  assert.match(violation[5]!, /^-{25} +-{25}$/);
  assert.ok(violation.some((l) => /^ +-> idx = srcu_read_lock\(&kvm->fw->srcu\) \/\/enters the fw\.srcu read side$/.test(l)));
  const timelines = section(stdout, 'Timelines');
  assert.match(timelines[1]!, /: impossible$/);
  assert.match(timelines[2]!, /first impossible row: \S+:102:56: end_update = true;$/);
  assert.equal(timelines[3], '    CPU 1 cannot reach `end_update = true;` here: `if ((unsigned long)data == 0)` (line 20) is false here (data = 1, as fixed)');
});

test('the fixed design: no violation, no deadlock, exit 0', () => {
  const { code, stdout } = racelens('simulate', fixturePath('sim', 'fixed.rlnotes'));
  assert.equal(code, 0, stdout);
  assert.match(stdout, /^Simulating CPU 0 fw_update, CPU 1 kvm_vm_ioctl\nVerdict: no deadlock, no violation\n/);
  assert.deepEqual(section(stdout, 'Outcomes').slice(0, 2), ['Outcomes (1)', '  fw_update: ret = none | kvm_vm_ioctl: ret = none | fw.update = 0 | nr_running_td = 1']);
});

test('--entry NAMExN runs N copies; --json gives the same as data; --timeline draws the replay', () => {
  const { code, stdout } = racelens('simulate', fixturePath('sim', 'fixed.rlnotes'), '--entry', 'kvm_vm_ioctlx2', '--entry', 'fw_update', '--json');
  assert.equal(code, 0);
  const data = JSON.parse(stdout) as { threads: { label: string }[]; verdict: string; violations: unknown[]; stats: { executions: number } };
  assert.deepEqual(data.threads.map((t) => t.label), ['kvm_vm_ioctl#1', 'kvm_vm_ioctl#2', 'fw_update']);
  assert.equal(data.verdict, 'no deadlock, no violation');
  assert.deepEqual(data.violations, []);
  const drawn = racelens('simulate', SEED000, '--param', 'data=0', '--timeline', '--entry', 'kvm_vm_ioctl', '--entry', 'reload_store');
  const timelines = section(drawn.stdout, 'Timelines');
  assert.ok(timelines.some((l) => /^CPU 0 +CPU 1$/.test(l)), timelines.join('\n'));
  assert.ok(timelines.some((l) => /^ +-> complete_all\(&fw->completion\) \/\/completed for all/.test(l)));
});

test('assertions in notes: violations exit 1 with a witness; a holding one says why', () => {
  const broken = racelens('simulate', fixturePath('sim', 'assert-broken.rlnotes'));
  assert.equal(broken.code, 1);
  assert.match(broken.stdout, /\nAssertion violated at \S+assert-broken\.rlnotes:20:14: never td_init && update\n {2}CPU 1 \(kvm_vm_ioctl\) is at td_init while CPU 0 \(fw_update\) is at update\n {2}schedule: 1 0x3 1\n/);
  assert.match(broken.stdout, /\nInput problems\n.*assert-broken\.rlnotes:22:14: warning: cannot read this assertion/);
  const fixed = racelens('simulate', fixturePath('sim', 'assert-fixed.rlnotes'));
  assert.equal(fixed.code, 0);
  const assertions = section(fixed.stdout, 'Assertions');
  assert.match(assertions[1]!, /assert-fixed\.rlnotes:27:14: never td_init && update: holds$/);
  assert.match(assertions[3]!, /^ {4}td_init on CPU 1 \(kvm_vm_ioctl\) ends before update on CPU 0 \(fw_update\) begins: .* which waits for CPU 1's srcu_read_unlock/);
});

test('usage errors: a --param without a value, an entry nobody defines', () => {
  assert.equal(racelens('simulate', SEED000, '--param', 'data').code, 2);
  const unknown = racelens('simulate', SEED000, '--entry', 'nope');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /entry point nope is not defined in the inputs/);
});

test('--promela prints the scenario as a Promela model for Spin, one proctype per CPU', () => {
  const run = spawnSync(process.execPath, ['dist/cli.js', 'simulate', fixturePath('seeds', '000_ae3e64e89a0db923.txt'),
    '--entry', 'reload_store', '--entry', 'kvm_vm_ioctl', '--param', 'data=0', '--promela'], { encoding: 'utf8' });
  assert.equal(run.status, 0);
  assert.match(run.stdout, /^\/\* RaceLens scenario: CPU 0 reload_store, CPU 1 kvm_vm_ioctl$/m);
  assert.equal(run.stdout.match(/^active proctype /gm)?.length, 2);
  assert.match(run.stdout, /assert\(never_exclusion_broken_fw_srcu_cpu1_cpu0/);
});
