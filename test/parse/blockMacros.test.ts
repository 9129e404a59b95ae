import { test } from 'node:test';
import assert from 'node:assert/strict';
import { whileForBlockMacros } from '../../src/parse/blockMacros';
import { grammarText } from '../../src/parse/grammarText';
import { SourceText } from '../../src/parse/syntaxNode';
import { readC } from '../../src/parse/cReader';
import { primitiveTable } from '../../src/model/primitives';
import { renderFunction } from '../../src/model/render';
import { loadParser } from '../helpers';

const { table } = primitiveTable();

/** The names the rewrite turned into `while`, read back by position. */
function rewritten(text: string): string[] {
  const out = whileForBlockMacros(text);
  assert.equal(out.length, text.length);
  const names: string[] = [];
  for (const match of out.matchAll(/\bwhile {3,}/g)) names.push(/^\w+/.exec(text.slice(match.index))![0]);
  return names;
}

test('a block macro in statement position heading a block or a statement is read as a while', () => {
  assert.deepEqual(rewritten('{\n\tlist_for_each_entry(p, &head, node) {\n\t\tf(p);\n\t}\n}\n'), ['list_for_each_entry']);
  assert.deepEqual(rewritten('{\n\tkvm_for_each_vcpu(i, vcpu, kvm)\n\t\tkick(vcpu);\n}\n'), ['kvm_for_each_vcpu']);
  assert.deepEqual(rewritten('{\n\tscoped_guard(mutex, &kvm->lock) {\n\t}\n}\n'), ['scoped_guard']);
  assert.deepEqual(rewritten('{\nout:\n\txa_for_each(&xa, i, e) /* all */ {\n\t}\n}\n'), ['xa_for_each']);
  assert.deepEqual(rewritten('{\n\tif (x)\n\t\tfor_each_cpu(cpu, mask)\n\t\t\tf(cpu);\n}\n'), ['for_each_cpu']);
  assert.deepEqual(rewritten('{\n#ifdef CONFIG_X\n\thash_for_each(t, b, o, node) {\n\t}\n#endif\n}\n'), ['hash_for_each']);
});

test('anything else keeps its name: calls, arguments, definitions, #define bodies, type arguments', () => {
  assert.deepEqual(rewritten('{\n\tlist_for_each_thing(a, b);\n}\n'), []);
  assert.deepEqual(rewritten('{\n\tret = f(a,\n\t\tlist_for_each_thing(b));\n}\n'), []);
  assert.deepEqual(rewritten('{\n\tn = count_for_each(a) + 1;\n}\n'), []);
  assert.deepEqual(rewritten('static void\nfoo_for_each(cb_t cb)\n{\n}\n'), []);
  assert.deepEqual(rewritten('#define for_each_foo(f) \\\n\tlist_for_each_entry(f, &foos, node) \\\n\t\tif (f->on)\n'), []);
  assert.deepEqual(rewritten('{\n\tfor_each_member(struct foo, m) {\n\t}\n}\n'), []);
  assert.deepEqual(rewritten('{\n\tscoped_cond_guard(mutex_intr, return -EINTR, &lock) {\n\t}\n}\n'), []);
  assert.deepEqual(rewritten('{\n\tlist_for_each_entry(p, &h, node'), []);
});

test('rewritten headers read as the loop or guard they are, lone statements and labels included', async () => {
  const parser = await loadParser();
  const text = [
    'static int lock_all(struct kvm *kvm, struct baz *baz)',
    '{',
    '\tkvm_for_each_vcpu(i, vcpu, kvm)',
    '\t\tif (mutex_lock_killable(&vcpu->mutex))',
    '\t\t\tgoto out_unlock;',
    '\tscoped_guard(spinlock_bh, &baz->poll_lock)',
    '\t\tbaz->polls = 0;',
    '\treturn 0;',
    'out_unlock:',
    '\tkvm_for_each_vcpu(j, vcpu, kvm) {',
    '\t\tmutex_unlock(&vcpu->mutex);',
    '\t}',
    '\treturn -EINTR;',
    '}',
    '',
  ].join('\n');
  const model = readC(parser, text, 'm.c', { table });
  assert.deepEqual(model.problems, []);
  assert.equal(renderFunction(model.functions[0]!), [
    'fn lock_all(kvm, baz) [c] @1',
    '  loop kvm_for_each_vcpu kvm_for_each_vcpu(i, vcpu, kvm) @3',
    '    call mutex_lock_killable(&vcpu->mutex) [mutex.acquire exclusive vcpu.mutex sleeps] @4',
    '    if mutex_lock_killable(&vcpu->mutex) {result:mutex_lock_killable} @4',
    '      goto out_unlock @5',
    '  call spin_lock_bh(&baz->poll_lock) [spinlock.acquire exclusive baz.poll_lock bh scoped] @6',
    '  store baz.polls = 0 @7',
    '  call spin_unlock_bh(&baz->poll_lock) [spinlock.release exclusive baz.poll_lock bh scoped implicit] @7',
    '  return 0 @8',
    '  label out_unlock @9',
    '  loop kvm_for_each_vcpu kvm_for_each_vcpu(j, vcpu, kvm) @10',
    '    call mutex_unlock(&vcpu->mutex) [mutex.release exclusive vcpu.mutex] @11',
    '  return -EINTR @13',
  ].join('\n'));
});

test('the source knows which stretches the grammar saw other than as written', () => {
  const text = 'void f(void __user *p)\n{\n\tlist_for_each_entry(a, b, c) {\n\t\tg(a);\n\t}\n}\n';
  const { parsed, changed } = grammarText(text);
  assert.equal(parsed.length, text.length);
  const source = new SourceText(text, changed);
  const at = (word: string): [number, number] => [text.indexOf(word), text.indexOf(word) + word.length];
  assert.equal(source.parsedAsWritten(...at('void f(void')), true);
  assert.equal(source.parsedAsWritten(...at('__user')), false);
  assert.equal(source.parsedAsWritten(text.indexOf('(void __'), text.indexOf('*p')), false);
  assert.equal(source.parsedAsWritten(...at('list_for_each_entry(a, b, c)')), false);
  assert.equal(source.parsedAsWritten(...at('(a, b, c)')), true);
  assert.equal(source.parsedAsWritten(...at('g(a);')), true);
  assert.equal(new SourceText(text).parsedAsWritten(0, text.length), true);
});
