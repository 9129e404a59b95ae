import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simpleShape } from '../../src/parse/simpleStatements';
import { readC } from '../../src/parse/cReader';
import { primitiveTable } from '../../src/model/primitives';
import { loadParser } from '../helpers';

const { table } = primitiveTable();

test('calls, assignments, returns and gotos are read from their text when it says exactly what they are', () => {
  assert.deepEqual(simpleShape('expression_statement', 'mutex_lock(&kvm->lock);'),
    { kind: 'call', call: { callee: 'mutex_lock', start: 0, end: 22, args: ['&kvm->lock'] } });
  assert.deepEqual(simpleShape('expression_statement', 'ret = tdx_op(kvm,\n\t\t     arg[1]) ;'), {
    kind: 'assign', target: 'ret', value: 'tdx_op(kvm,\n\t\t     arg[1])', valueStart: 6, end: 32,
    call: { callee: 'tdx_op', start: 6, end: 32, args: ['kvm', 'arg[1]'] },
  });
  assert.deepEqual(simpleShape('expression_statement', 'kvm->fw->count += 1;'),
    { kind: 'assign', target: 'kvm->fw->count', value: '1', valueStart: 18, end: 19 });
  assert.deepEqual(simpleShape('return_statement', 'return -EINVAL;'), { kind: 'return', value: '-EINVAL', valueStart: 7, end: 14 });
  assert.deepEqual(simpleShape('return_statement', 'return ;'), { kind: 'return', valueStart: 6, end: 6 });
  assert.deepEqual(simpleShape('goto_statement', 'goto out_unlock;'), { kind: 'goto', label: 'out_unlock' });
});

test('anything the text does not say exactly is left to the tree', () => {
  for (const text of [
    'f(g(x));', 'x = (int)y;', 'pr_info("a, b");', 'f(a /* b */);', 'x == y;', 'x = y = z;', 'a[i] = b;', '*p = 1;',
    'sizeof(x);', 'while (x);', 'int(x);', 'size_t(x);', 'guard(mutex)(&lock);', 'f(a[1);', 'x = ({ 1; });', 'f(x)', 'x++;', 'return (x);',
  ]) {
    const type = text.startsWith('return') ? 'return_statement' : 'expression_statement';
    assert.equal(simpleShape(type, text), undefined, text);
  }
});

test('a statement read from its text builds what the tree walk builds', async () => {
  const parser = await loadParser();
  const body = [
    '\tmutex_lock(&kvm->lock);',
    '\tret = tdx_op(kvm, arg);',
    '\tkvm->count += 1;',
    '\tnr_updates = 0;',
    '\tWARN_ON(ret);',
    '\tif (ret)',
    '\t\tgoto out;',
    'out:',
    '\tmutex_unlock(&kvm->lock);',
    '\treturn ret;',
  ];
  const read = (text: string) => {
    const model = readC(parser, `static int nr_updates;\n\nint f(struct kvm *kvm, unsigned long arg)\n{\n\tint ret;\n${text}\n}\n`, 'f.c', { table });
    return JSON.stringify(model.functions);
  };
  // The same statements with a comment in each, which no text pattern takes: the tree reads them all.
  const commented = body.map((line) => (line.endsWith(';') ? `${line.slice(0, -1)} /**/;` : line));
  const fromText = JSON.parse(read(body.join('\n'))) as { body: { kind: string; text?: string; loc: unknown }[] }[];
  const fromTree = JSON.parse(read(commented.join('\n'))) as typeof fromText;
  assert.deepEqual(fromText[0]!.body.map((s) => s.kind), ['call', 'call', 'access', 'access', 'branch', 'label', 'call', 'return']);
  // Texts and end columns differ by the comment; everything else is the same.
  const strip = (value: unknown): unknown => JSON.parse(JSON.stringify(value).replaceAll(' /**/', '').replace(/"endCol":\d+/g, '"endCol":0'));
  assert.deepEqual(strip(fromText), strip(fromTree));
});

test('declarations read from their text give the types and calls the tree gives', async () => {
  const parser = await loadParser();
  const declarations = [
    'unsigned long flags, j;',
    'struct kvm_vcpu *vcpu = kvm_get_vcpu(kvm, 0);',
    'static const struct kvm_x86_ops *ops = NULL;',
    'int idx = srcu_read_lock(&kvm->srcu), r = 0;',
    'long long big[4];',
    'unsigned long int n = a * b;',
    'u32 v = WARN_ON(x);',
    'bool done;',
  ];
  const read = (lines: string[]) => {
    const model = readC(parser, `void f(struct kvm *kvm)\n{\n${lines.map((l) => `\t${l}`).join('\n')}\n}\n`, 'd.c', { table });
    const fn = model.functions[0]!;
    // The comment moves columns; lines, texts and everything else must agree.
    return { locals: fn.locals, calls: JSON.parse(JSON.stringify(fn.body).replace(/"(end)?[cC]ol":\d+/g, '"col":0')) as unknown };
  };
  // A comment after the type is no text pattern's: the tree reads those.
  const viaTree = declarations.map((d) => d.replace(/^((?:static const )?(?:struct \w+|unsigned long int|unsigned long|long long|\w+))/, '$1 /* c */'));
  assert.notDeepEqual(viaTree, declarations);
  const fromText = read(declarations);
  assert.deepEqual(fromText.locals, {
    flags: 'unsigned long', j: 'unsigned long', vcpu: 'struct kvm_vcpu *', ops: 'struct kvm_x86_ops *', idx: 'int', r: 'int',
    big: 'long long', n: 'unsigned long int', v: 'u32', done: 'bool',
  });
  assert.deepEqual(fromText, read(viaTree));
  assert.deepEqual(simpleShape('declaration', 'int x = f(g(y));'), undefined);
  assert.deepEqual(simpleShape('declaration', 'struct foo;'), undefined);
  assert.deepEqual(simpleShape('declaration', 'int const x;'), undefined);
});
