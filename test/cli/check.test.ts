// `racelens check` end to end on the bundled command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { readSource } from '../../src/parse/workspace';
import { primitiveTable } from '../../src/model/primitives';
import { checkInput } from '../../src/check/input';
import { runChecks } from '../../src/check/registry';
import { fixturePath, loadParser } from '../helpers';

function racelens(...args: string[]) {
  const run = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const SEED000 = fixturePath('seeds', '000_ae3e64e89a0db923.txt');

test('check on seed 000: compiler-style RL001 lines with the chain indented, exit status 1', () => {
  const { code, stdout } = racelens('check', SEED000);
  assert.equal(code, 1);
  const heads = stdout.split('\n').filter((l) => / \[RL\d{3}\]$/.test(l)).map((l) => l.replace(/^.*000_ae3e64e89a0db923\.txt:/, '').replace(/: kvm_.*\[/, ' ['));
  assert.deepEqual(heads, ['42:7: error [RL001]', '61:7: error [RL001]']);
  assert.match(stdout, /^ {4}\S+000_ae3e64e89a0db923\.txt:14:25: reload_store\(\) publishes the update guard here \(init_completion on fw\.completion\)$/m);
  assert.match(stdout, /^ {4}evidence: witnessed \(schedule [0-9 x?]+\)$/m);
  assert.match(stdout, /^2 findings \(2 errors\), 0 input problems$/m);
});

test('--timeline prints the witness as the email-ready CPU table', () => {
  const { stdout } = racelens('check', SEED000, '--timeline');
  assert.match(stdout, /^ {4}CPU 0 +CPU 1$/m);
  assert.match(stdout, /^ {4}-{25} +-{25}$/m);
  assert.match(stdout, /-> synchronize_srcu\(&fw->srcu\) \/\/no fw\.srcu read-side section is open: returns at once/);
});

test('--sarif is SARIF 2.1.0 with rules, levels and related locations', () => {
  const { stdout } = racelens('check', SEED000, '--sarif');
  const sarif = JSON.parse(stdout) as { version: string; runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: { region: { startLine: number } } }[]; relatedLocations: unknown[] }[] }[] };
  assert.equal(sarif.version, '2.1.0');
  const run = sarif.runs[0]!;
  assert.equal(run.tool.driver.name, 'RaceLens');
  assert.deepEqual(run.tool.driver.rules.map((r) => r.id), ['RL001', 'RL002', 'RL003', 'RL004', 'RL005', 'RL006', 'RL007', 'RL008', 'RL009']);
  assert.deepEqual(run.results.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.region.startLine, r.relatedLocations.length]),
    [['RL001', 'error', 42, 3], ['RL001', 'error', 61, 3]]);
});

test('a racelens-ignore comment with a reason silences the finding in text and keeps it in --json', () => {
  const path = fixturePath('check', 'cli', 'suppressed.rlnotes');
  const text = racelens('check', path);
  assert.match(text.stdout, /^1 finding \(1 error\), 1 suppressed, 0 input problems$/m);
  const json = JSON.parse(racelens('check', path, '--json').stdout) as { findings: { code: string; suppressed?: { reason: string } }[] };
  assert.deepEqual(json.findings.map((f) => [f.code, f.suppressed?.reason]), [
    ['RL001', undefined],
    ['RL001', 'destroy runs after every ioctl has returned (refcount), reviewed'],
  ]);
});

test('clean code: no findings, exit status 0', () => {
  const { code, stdout } = racelens('check', fixturePath('check', 'completion', 'fw_wait.fixed.c'));
  assert.equal(code, 0);
  assert.match(stdout, /^0 findings \(0 errors\), 0 input problems$/m);
});

test('a patch with its tree: the finding it introduces, said as the edge it adds, at the patch line; exit 1', () => {
  const { code, stdout } = racelens('check', fixturePath('check', 'patch'));
  assert.equal(code, 1);
  const lines = stdout.split('\n');
  assert.equal(lines[0], 'Patch review: 1 introduced, 0 removed, 0 already there');
  assert.match(lines[1] ?? '', /vcpu-reset\.patch:23:3: error: this patch adds the edge vcpu\.mutex → kvm\.lock, which closes the lock-order cycle: kvm\.lock → vcpu\.mutex → kvm\.lock \[RL002\]$/);
  assert.match(stdout, /^1 finding \(1 error\), 0 input problems$/m);
});

test('a tree big enough for worker threads: the same findings, in the same order, as reading it on one thread', async () => {
  // 30 files (the command line reads 24 or more on this thread and worker threads):
  // a spinlock holder in one file, the sleeping helper it calls in another.
  const dir = mkdtempSync(join(tmpdir(), 'racelens-tree-'));
  const sources: Record<string, string> = {};
  for (let i = 0; i < 30; i++) {
    sources[`dev${String(i).padStart(2, '0')}.c`] = i % 2 === 0
      ? `void dev${i}_kick(struct dev${i} *d)\n{\n\tspin_lock(&d->lock);\n\tdev${i + 1}_wait(d);\n\tspin_unlock(&d->lock);\n}\n`
      : `void dev${i}_wait(struct dev${i - 1} *d)\n{\n\tmutex_lock(&d->cfg);\n\tmutex_unlock(&d->cfg);\n}\n`;
  }
  for (const [name, text] of Object.entries(sources)) writeFileSync(join(dir, name), text);
  const { code, stdout } = racelens('check', dir, '--json');
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 1);
  const parser = await loadParser();
  const { table } = primitiveTable();
  const expected = runChecks(checkInput(Object.entries(sources).map(([name, text]) => readSource(parser, name, text, { table }))));
  const found = (JSON.parse(stdout) as { findings: { code: string; loc: { file: string; line: number }; message: string }[] }).findings;
  assert.equal(found.length, 15);
  assert.deepEqual(found.map((f) => `${f.code} ${basename(f.loc.file)}:${f.loc.line} ${f.message}`),
    expected.map((f) => `${f.code} ${f.loc.file}:${f.loc.line} ${f.message}`));
});
