// The workspace router: every seed reaches the right readers, and bad input
// becomes problems with locations while the rest of the workspace is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSource } from '../../src/parse/workspace';
import { primitiveTable } from '../../src/model/primitives';
import { CallGraph } from '../../src/model/callGraph';
import { unknownLockLikeCalls } from '../../src/model/unknownPrimitives';
import type { FileModel } from '../../src/model/types';
import { fixture, loadParser } from '../helpers';

const { table } = primitiveTable();

async function read(name: string, ...path: string[]): Promise<FileModel> {
  const parser = await loadParser();
  return readSource(parser, name, fixture(...path), { table });
}

function summary(model: FileModel) {
  return {
    functions: model.functions.map((f) => `${f.name}:${f.origin}`),
    timelines: model.timelines.map((t) => `${t.cpus.join('|')}:${t.events.length}`),
    rules: model.rules.length,
    errors: model.problems.filter((p) => p.severity === 'error').map((p) => p.message),
  };
}

test('seed 000 (.txt with fences): three chains and the CPU 0 | CPU 1 timeline, each event read as C', async () => {
  const model = await read('seed000.txt', 'seeds', '000_ae3e64e89a0db923.txt');
  assert.deepEqual(summary(model), {
    functions: ['reload_store:notes', 'kvm_vm_ioctl:notes', 'kvm_destroy_vm:notes'],
    timelines: ['CPU 0|CPU 1:33'], rules: 0, errors: [],
  });
  const events = model.timelines[0]!.events;
  const described = events.slice(0, 5).map((e) => {
    const s = e.stmt;
    return `${e.cpuLabel} ${s?.kind === 'call' ? `${s.callee}${s.op ? ` ${s.op.family}.${s.op.action} ${s.op.object?.id ?? ''}` : ''}` : s?.kind}@${s?.loc.line}:${s?.loc.col}`;
  });
  assert.deepEqual(described, [
    'CPU 0 kvm_vm_ioctl@76:0',
    'CPU 0 kvm_get_fw@77:12',
    'CPU 0 wait_for_completion completion.wait fw.completion@78:6',
    'CPU 1 kvm_start_update_fw@80:49',
    'CPU 1 init_completion completion.init fw.completion@81:52',
  ]);
  const update = events[5]!.stmt;
  assert.equal(update?.kind === 'access' ? `${update.access} ${update.object.id} = ${update.value}` : update?.kind, 'store fw.update = true');
  assert.equal(update?.loc.col, 52);
});

test('seeds 001, 002 and 004 (review mails) are read as quoted patches', async () => {
  const seed002 = await read('seed002.txt', 'seeds', '002_d749ae0c8f641166.txt');
  assert.deepEqual(summary(seed002).functions, ['tdx_mmu_release_hkid:patch-post']);
  const loop = seed002.functions[0]!.body[0];
  assert.equal(loop?.kind, 'loop');
  assert.equal(loop?.kind === 'loop' ? loop.head[0]?.kind === 'call' && loop.head[0].callee : '', '__tdx_mmu_release_hkid');
  assert.equal(loop?.loc.line, 10, 'the loop maps to its line in the mail');

  const seed004 = await read('seed004.txt', 'seeds', '004_e8fd67d9f64c042f.txt');
  const init = seed004.functions.find((f) => f.name === '__tdx_init');
  const first = init?.body.find((s) => s.kind === 'call');
  assert.equal(first?.kind === 'call' ? `${first.callee} ${first.op?.family} ${first.op?.object?.id}` : '', 'cpus_read_lock cpu_hotplug cpu_hotplug_lock');

  const seed001 = await read('seed001.txt', 'seeds', '001_fe58d749afbb1e1c.txt');
  assert.deepEqual(summary(seed001).errors, []);
});

test('seed 003 (locking.rst diff page, saved as .txt) yields its lock-order rules', async () => {
  const model = await read('seed003.txt', 'seeds', '003_9c3a4e683cbf76c3.txt');
  assert.equal(model.rules.length, 12);
  assert.deepEqual(model.functions, []);
});

test('bad input: unclosed fence, binary junk, unknown lock-like wrapper — located problems, no exception', async () => {
  const unclosed = await read('unclosed.md', 'workspace', 'unclosed.md');
  assert.deepEqual(unclosed.problems.map((p) => [p.loc.line, p.severity, p.message]),
    [[2, 'warning', 'code fence opened here is never closed; read to the end of the file']]);
  assert.deepEqual(summary(unclosed).functions, ['broken_entry:notes'], 'the unclosed fence is still read');

  const junk = await read('junk.c', 'workspace', 'junk.c');
  assert.deepEqual(summary(junk).errors, ['file holds binary data (NUL bytes); not analysed']);

  const wrapper = await read('wrapper.c', 'workspace', 'wrapper.c');
  const problems = unknownLockLikeCalls([wrapper, junk, unclosed], new CallGraph([wrapper, junk, unclosed]));
  assert.deepEqual(problems.map((p) => [p.loc.file, p.loc.line, p.message.split(';')[0]]), [
    ['wrapper.c', 2, '`my_fancy_lock()` looks like a lock but is neither a known primitive nor defined in the inputs'],
    ['wrapper.c', 4, '`my_fancy_unlock()` looks like a lock but is neither a known primitive nor defined in the inputs'],
  ]);
});

test('a 10 MB file is refused with a message, not parsed', async () => {
  const parser = await loadParser();
  const model = readSource(parser, 'big.c', 'int x;\n'.repeat(1_500_000), { table });
  assert.match(model.problems[0]?.message ?? '', /^file is 10\.0 MB, over the 4 MB limit/);
});
