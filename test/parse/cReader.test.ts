// Each C fixture has a sibling `.expected` file: the exact model, rendered.
// RACELENS_UPDATE_EXPECTED=1 rewrites them (review the diff before committing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readC } from '../../src/parse/cReader';
import { primitiveTable } from '../../src/model/primitives';
import { renderFunction } from '../../src/model/render';
import type { FileModel } from '../../src/model/types';
import { FIXTURES, loadParser } from '../helpers';

const { table } = primitiveTable();

function renderModel(model: FileModel): string {
  const lines = [
    ...model.functions.map(renderFunction),
    ...model.opsBindings.map((b) => `ops ${b.structType} ${b.table}.${b.member} = ${b.target} @${b.loc.line + 1}`),
    ...model.objects.map((o) => `object ${o.id}: ${o.type} @${o.loc.line + 1}`),
    ...model.problems.map((p) => `${p.severity} @${p.loc.line + 1}: ${p.message}`),
  ];
  return lines.join('\n') + '\n';
}

const dir = join(FIXTURES, 'c');
for (const name of readdirSync(dir).filter((n) => n.endsWith('.c'))) {
  test(`C model of ${name} matches ${name}.expected`, async () => {
    const parser = await loadParser();
    const actual = renderModel(readC(parser, readFileSync(join(dir, name), 'utf8'), name, { table }));
    const expectedPath = join(dir, `${name}.expected`);
    if (process.env.RACELENS_UPDATE_EXPECTED) writeFileSync(expectedPath, actual);
    assert.equal(actual, readFileSync(expectedPath, 'utf8'));
  });
}

test('binary junk and oversized files are reported, not parsed', async () => {
  const parser = await loadParser();
  const junk = readC(parser, 'int x;\0\x01\x02garbage', 'junk.c', { table });
  assert.deepEqual(junk.problems.map((p) => [p.severity, p.loc.line, p.message]),
    [['error', 0, 'file holds binary data (NUL bytes); not analysed']]);
  const huge = readC(parser, 'x'.repeat(5 * 1024 * 1024), 'huge.c', { table });
  assert.match(huge.problems[0]?.message ?? '', /over the 4 MB limit/);
  assert.equal(huge.functions.length, 0);
});

test('a file that is not C yields no functions and no exception', async () => {
  const parser = await loadParser();
  const model = readC(parser, 'This is prose, not C. It has (parentheses) and {braces.', 'prose.c', { table });
  assert.equal(model.functions.length, 0);
});

test('locations can be mapped into another file (patches, mails)', async () => {
  const parser = await loadParser();
  const model = readC(parser, 'void f(void)\n{\n\tmutex_lock(&a->lock);\n}\n', 'x.c', {
    table,
    mapLoc: (line, col) => ({ file: 'mail.txt', line: line + 40, col: col + 2 }),
  });
  const call = model.functions[0]?.body[0];
  assert.equal(call?.kind, 'call');
  assert.deepEqual(call?.loc, { file: 'mail.txt', line: 42, col: 3, endLine: 42, endCol: 23 });
  assert.equal(model.functions[0]?.file, 'mail.txt');
});

test('call arguments are split at C commas, whether read from the text or from the tree', async () => {
  const parser = await loadParser();
  const text = [
    'void f(struct timer_list *t)',
    '{',
    '\tstruct baz_dev *baz = container_of(t, struct baz_dev, poll_timer);',
    '\tspin_lock_irqsave(&baz->lock, flags);',
    '\tcall_rcu(&baz->rcu, baz_free /* after readers */);',
    '\tpr_info("a, b", READ_ONCE(baz->state), arr[i, j]);',
    '\tkick();',
    '\twake_up /* every waiter */ (&baz->wq);',
    '}',
  ].join('\n');
  const calls = readC(parser, text, 'x.c', { table }).functions[0]!.body.flatMap((s) => (s.kind === 'call' ? [[s.callee, s.args]] : []));
  assert.deepEqual(calls, [
    ['container_of', ['t', 'struct baz_dev', 'poll_timer']],
    ['spin_lock_irqsave', ['&baz->lock', 'flags']],
    ['call_rcu', ['&baz->rcu', 'baz_free']],
    ['READ_ONCE', ['baz->state']],
    ['pr_info', ['"a, b"', 'READ_ONCE(baz->state)', 'arr[i, j]']],
    ['kick', []],
    ['wake_up', ['&baz->wq']],
  ]);
});

test('parameter names, read from plain text or from the tree when the text leaves doubt', async () => {
  const parser = await loadParser();
  const names = (signature: string): string[] => readC(parser, `${signature}\n{\n}\n`, 'p.c', { table }).functions[0]?.params ?? ['(no function)'];
  assert.deepEqual(names('static int f(struct kvm *kvm, unsigned long arg, void __user *argp)'), ['kvm', 'arg', 'argp']);
  assert.deepEqual(names('int f(const struct kvm *const kvm, u64 **out)'), ['kvm', 'out']);
  assert.deepEqual(names('void f(void)'), []);
  assert.deepEqual(names('void f(struct kvm, const u64, unsigned long)'), []);
  assert.deepEqual(names('void f(int a, void (*cb)(struct rcu_head *head), int b[4])'), ['a', 'cb', 'b']);
  assert.deepEqual(names('void f(int a /* flags */, int b)'), ['a', 'b']);
});

test('sparse annotations are read past: `void __user *argp` declares argp, not __user', async () => {
  const parser = await loadParser();
  const model = readC(parser, 'long f(unsigned long arg)\n{\n\tvoid __user *argp = (void __user *)arg;\n\tu32 __iomem *reg = base;\n\n\treturn copy(argp, reg);\n}\n', 'u.c', { table });
  const fn = model.functions[0];
  assert.deepEqual(Object.keys(fn?.locals ?? {}).sort(), ['argp', 'reg']);
  assert.deepEqual(model.problems, []);
});
