// The notes grammar, its Markdown injection, the language configuration and
// their package.json contributions. VS Code runs the grammars on Oniguruma;
// here every regex must also compile as a JavaScript RegExp once the few
// Oniguruma-only escapes are mapped, which keeps the patterns portable and
// lets the tests run them on lines from seed 000.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fixture } from '../helpers';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const NOTES_GRAMMAR = 'syntaxes/racelens-notes.tmLanguage.json';
const INJECTION_GRAMMAR = 'syntaxes/racelens-notes.markdown-injection.tmLanguage.json';
const LANGUAGE_CONFIGURATION = 'language-configuration/racelens-notes.json';
const EXAMPLE = 'examples/seed000-race.rlnotes';
const REGEX_KEYS = ['match', 'begin', 'end', 'while'];

function readJson(path: string): JsonObject {
  const value = JSON.parse(readFileSync(resolve(path), 'utf8')) as Json;
  assert.ok(isObject(value), `${path} is not a JSON object`);
  return value;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(value: Json | undefined, what: string): JsonObject {
  assert.ok(isObject(value), `${what} is not an object`);
  return value;
}

function stringAt(value: Json | undefined, what: string): string {
  assert.equal(typeof value, 'string', `${what} is not a string`);
  return value as string;
}

/** Oniguruma escapes with a JavaScript equivalent (`\G`, the position the scan resumed at, becomes empty). */
function toJavaScript(source: string): string {
  return source
    .replace(/(?<!\\)\\G/g, '')
    .replace(/(?<!\\)\\A/g, '^')
    .replace(/(?<!\\)\\[zZ]/g, '$')
    .replace(/(?<!\\)\\h/g, '[0-9A-Fa-f]')
    .replace(/\(\?>/g, '(?:');
}

function compile(source: string): RegExp {
  return new RegExp(toJavaScript(source));
}

/** Every regex of a grammar, with the JSON path it sits at. */
function regexesOf(node: Json, path = '$'): { path: string; source: string }[] {
  if (Array.isArray(node)) return node.flatMap((child, i) => regexesOf(child, `${path}[${i}]`));
  if (!isObject(node)) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    REGEX_KEYS.includes(key) && typeof value === 'string' ? [{ path: `${path}.${key}`, source: value }] : regexesOf(value, `${path}.${key}`));
}

function includesOf(node: Json): string[] {
  if (Array.isArray(node)) return node.flatMap((child) => includesOf(child));
  if (!isObject(node)) return [];
  return Object.entries(node).flatMap(([key, value]) => (key === 'include' && typeof value === 'string' ? [value] : includesOf(value)));
}

const notes = readJson(NOTES_GRAMMAR);
const notesRepository = objectAt(notes.repository, 'notes repository');

/** A regex of the notes grammar's repository rule, as JavaScript. */
function notesRegex(rule: string, key = 'match'): RegExp {
  return compile(stringAt(objectAt(notesRepository[rule], rule)[key], `${rule}.${key}`));
}

/** The `match` regexes of a repository rule's sub-patterns, in order. */
function subPatterns(rule: string): RegExp[] {
  const patterns = objectAt(notesRepository[rule], rule).patterns;
  assert.ok(Array.isArray(patterns), `${rule} has no patterns`);
  return patterns.map((p, i) => compile(stringAt(objectAt(p, `${rule}[${i}]`).match, `${rule}[${i}].match`)));
}

/** The `match` of the sub-pattern of `rule` whose scope name starts with `scope`. */
function subPattern(rule: string, scope: string): RegExp {
  const patterns = objectAt(notesRepository[rule], rule).patterns;
  assert.ok(Array.isArray(patterns), `${rule} has no patterns`);
  const found = patterns.find((p) => isObject(p) && typeof p.name === 'string' && p.name.startsWith(scope))
    ?? patterns.find((p) => isObject(p) && JSON.stringify(p.captures ?? {}).includes(`"${scope}`));
  assert.ok(isObject(found), `${rule} has no pattern for ${scope}`);
  return compile(stringAt(found.match, `${rule} ${scope}`));
}

test('the grammars, the language configuration and package.json are valid JSON', () => {
  for (const path of [NOTES_GRAMMAR, INJECTION_GRAMMAR, LANGUAGE_CONFIGURATION, 'package.json']) readJson(path);
  assert.equal(notes.scopeName, 'source.racelens-notes');
  assert.equal(readJson(INJECTION_GRAMMAR).scopeName, 'markdown.racelens-notes.injection');
});

test('every grammar regex compiles as a JavaScript RegExp; lookbehinds have a fixed length, as Oniguruma requires', () => {
  for (const file of [NOTES_GRAMMAR, INJECTION_GRAMMAR]) {
    const regexes = regexesOf(readJson(file));
    assert.ok(regexes.length >= 4, `${file}: too few regexes found`);
    for (const { path, source } of regexes) {
      assert.doesNotThrow(() => compile(source), `${file} ${path}: ${source}`);
      assert.doesNotMatch(source, /\(\?[imx]*-?[imx]+[:)]/, `${file} ${path}: inline flags are Oniguruma-only`);
      for (const lookbehind of source.matchAll(/\(\?<[=!]((?:\\.|[^()\\])*)\)/g)) {
        assert.doesNotMatch(lookbehind[1] ?? '', /(?<!\\)[*+?{]/, `${file} ${path}: variable-length lookbehind`);
      }
    }
  }
  const rules = objectAt(readJson(LANGUAGE_CONFIGURATION).indentationRules, 'indentationRules');
  for (const key of ['increaseIndentPattern', 'decreaseIndentPattern']) assert.doesNotThrow(() => new RegExp(stringAt(rules[key], key)));
});

test('every include resolves, across the two grammars', () => {
  const injection = readJson(INJECTION_GRAMMAR);
  const injectionRepository = objectAt(injection.repository, 'injection repository');
  const resolves = (include: string, ownRepository: JsonObject): boolean => {
    if (include === '$self' || include === '$base' || include === 'source.racelens-notes') return true;
    if (include.startsWith('#')) return include.slice(1) in ownRepository;
    if (include.startsWith('source.racelens-notes#')) return include.slice('source.racelens-notes#'.length) in notesRepository;
    return false;
  };
  for (const include of includesOf(notes)) assert.ok(resolves(include, notesRepository), `notes grammar: ${include}`);
  for (const include of includesOf(injection)) assert.ok(resolves(include, injectionRepository), `injection grammar: ${include}`);
});

test('package.json contributes the language and both grammars, pointing at files that exist', () => {
  const contributes = objectAt(readJson('package.json').contributes, 'contributes');
  const languages = contributes.languages;
  const grammars = contributes.grammars;
  assert.ok(Array.isArray(languages) && Array.isArray(grammars));
  const language = objectAt(languages.find((l) => isObject(l) && l.id === 'racelens-notes'), 'racelens-notes language');
  assert.deepEqual(language.extensions, ['.rlnotes']);
  assert.ok(Array.isArray(language.aliases) && language.aliases.includes('RaceLens Notes'));
  assert.ok(existsSync(resolve(stringAt(language.configuration, 'configuration'))));

  const paths = new Map<string, JsonObject>();
  for (const entry of grammars) {
    const grammar = objectAt(entry, 'grammar contribution');
    const path = stringAt(grammar.path, 'grammar path');
    assert.ok(existsSync(resolve(path)), `${path} is missing`);
    assert.equal(readJson(path).scopeName, grammar.scopeName, `${path}: scopeName differs from the contribution`);
    paths.set(path.replace(/^\.\//, ''), grammar);
  }
  assert.equal(paths.get(NOTES_GRAMMAR)?.language, 'racelens-notes');
  const injection = paths.get(INJECTION_GRAMMAR);
  assert.ok(injection);
  assert.deepEqual(injection.injectTo, ['text.html.markdown']);
  const embedded = objectAt(injection.embeddedLanguages, 'embeddedLanguages');
  assert.deepEqual(embedded, { 'meta.embedded.block.racelens-notes': 'racelens-notes' });
  assert.match(readFileSync(resolve(INJECTION_GRAMMAR), 'utf8'), /"contentName": "meta\.embedded\.block\.racelens-notes"/);
});

test('the Markdown injection claims rlnotes/racelens fences and reaches into c and cpp fences', () => {
  const injection = readJson(INJECTION_GRAMMAR);
  const selector = stringAt(injection.injectionSelector, 'injectionSelector');
  for (const scope of ['L:text.html.markdown', 'L:meta.embedded.block.c', 'L:meta.embedded.block.cpp']) assert.ok(selector.includes(scope), scope);
  const fence = objectAt(objectAt(injection.repository, 'repository')['notes-fence'], 'notes-fence');
  const begin = compile(stringAt(fence.begin, 'fence begin'));
  for (const line of ['```rlnotes', '```racelens', '~~~racelens-notes', '  ```rlnotes {title}']) assert.match(line, begin);
  for (const line of ['```c', '```cpp', '```', '```rlnotesx', 'rlnotes']) assert.doesNotMatch(line, begin);
  // Only the notes lines C has no reading for are injected into c fences.
  const notesLines = objectAt(objectAt(injection.repository, 'repository')['notes-lines'], 'notes-lines');
  assert.deepEqual(includesOf(notesLines).sort(), [
    'source.racelens-notes#arrow-line', 'source.racelens-notes#comment', 'source.racelens-notes#directive',
    'source.racelens-notes#entry', 'source.racelens-notes#timeline-header', 'source.racelens-notes#timeline-rule',
  ]);
});

test('arrow lines: the arrow and the callee, with an optional assignment', () => {
  const arrow = notesRegex('arrow-line', 'begin');
  const call = arrow.exec('   -> wait_for_completion(&kvm->fw->completion)');
  assert.equal(call?.[1], '->');
  assert.equal(call?.[5], 'wait_for_completion');
  const dispatch = arrow.exec('         => vt_mem_enc_ioctl()');
  assert.equal(dispatch?.[2], '=>');
  assert.equal(dispatch?.[5], 'vt_mem_enc_ioctl');
  const assigned = arrow.exec('-> fw_idx = kvm_get_fw(kvm)');
  assert.deepEqual([assigned?.[3], assigned?.[4], assigned?.[5]], ['fw_idx', '=', 'kvm_get_fw']);
  assert.equal(arrow.exec('               -> nb->notifier_call(nb, val, v)')?.[5], 'nb->notifier_call');
  assert.equal(arrow.exec('                                                 -> complete_all(&fw->completion)')?.[5], 'complete_all');
  for (const line of ['kvm_vm_ioctl()', 'fw->update = true;', '-------------------------']) assert.doesNotMatch(line, arrow);
});

test('entry lines: an unprefixed call, never an arrow line, a control line or a statement', () => {
  const entry = notesRegex('entry');
  for (const line of ['kvm_vm_ioctl()', 'reload_store()', 'kvm_destroy_vm()', '                                                 kvm_start_update_fw(tdx_module)',
    'kvm_vm_ioctl() // entry', 'static_call(kvm_x86_mem_enc_ioctl)(kvm, argp)']) {
    assert.match(line, entry, line);
  }
  assert.equal(entry.exec('kvm_vm_ioctl()')?.[1], 'kvm_vm_ioctl');
  for (const line of ['   -> kvm_arch_vm_ioctl()', '=> tdx_update_notifier()', 'if (end_update) {', 'fw->update = true;',
    '  lock(&kvm->lock);', 'ret = atomic_inc_unless_negative(&nr_running_td) ? 0 : -EBUSY;', 'while (x)', 'case KVM_TDX_INIT_VM:']) {
    assert.doesNotMatch(line, entry, line);
  }
});

test('comments in any language, and the RaceLens directives', () => {
  const comment = notesRegex('comment');
  const line = '   -> wait_for_completion(&kvm->fw->completion) //检查更新是否完成的 completion，如果没完成则等待';
  assert.equal(comment.exec(line)?.[0], '//检查更新是否完成的 completion，如果没完成则等待');
  assert.doesNotMatch('see https://lore.kernel.org/kvm/ for the thread', comment);

  const directive = notesRegex('directive');
  const racelens = directive.exec('-> mutex_lock(&kvm->lock) // racelens: object kvm.lock');
  assert.deepEqual([racelens?.[2], racelens?.[3], racelens?.[4]], ['racelens', ':', ' object kvm.lock']);
  assert.equal(directive.exec('// racelens-ignore sleep-in-atomic')?.[2], 'racelens-ignore');
  assert.doesNotMatch('// racelensx: no', directive);
  assert.doesNotMatch('// CPU 0 进入临界区', directive);
});

test('control lines', () => {
  const caseLine = subPattern('control', 'keyword.control.case');
  const matched = caseLine.exec('         case KVM_MEMORY_ENCRYPT_OP:');
  assert.deepEqual([matched?.[1], matched?.[2]], ['case', 'KVM_MEMORY_ENCRYPT_OP']);
  assert.match('   default:', subPattern('control', 'keyword.control.default'));
  const keyword = subPattern('control', 'keyword.control.racelens-notes');
  for (const line of ['if (end_update) {', '   break;', 'return ret;', 'goto out;']) assert.match(line, keyword, line);
  assert.doesNotMatch('ifdef_helper()', keyword);
  assert.match('}', subPattern('control', 'punctuation.section.block.end'));
});

test('synchronization primitives are support.function, whole names only', () => {
  const primitive = new RegExp(`^(?:${notesRegex('sync-primitive').source})$`);
  for (const name of ['wait_for_completion', 'init_completion', 'complete_all', 'srcu_read_lock', 'srcu_read_unlock', 'synchronize_srcu',
    'synchronize_rcu_expedited', 'rcu_read_lock', 'call_rcu', 'mutex_lock', 'mutex_lock_nested', 'mutex_unlock', 'spin_lock_irqsave',
    'raw_spin_unlock_irqrestore', 'read_lock', 'write_unlock_irq', 'down_read', 'up_write', 'percpu_down_write', 'atomic_inc_unless_negative',
    'atomic_add_return', 'atomic64_read', 'cpus_read_lock', 'cpus_read_unlock', 'stop_machine', 'stop_machine_cpuslocked',
    'local_irq_disable', 'local_irq_restore', 'preempt_disable', 'lockdep_assert_held']) {
    assert.match(name, primitive, name);
  }
  for (const name of ['kvm_get_fw', 'completion', 'tdx_td_init', 'kvm_start_update_fw', 'notifier_call_chain', 'update']) {
    assert.doesNotMatch(name, primitive, name);
  }
  const inLine = notesRegex('sync-primitive');
  assert.equal(inLine.exec('   -> idx = srcu_read_lock(&kvm->fw->srcu)')?.[0], 'srcu_read_lock');
  assert.doesNotMatch('&kvm->fw->completion', inLine);
});

test('object access paths are variables', () => {
  const [path, global] = subPatterns('object-path');
  assert.ok(path && global);
  const srcu = path.exec('-> synchronize_srcu(&kvm->fw->srcu)');
  assert.deepEqual([srcu?.[1], srcu?.[2]], ['&', 'kvm->fw->srcu']);
  assert.equal(path.exec('   fw->update = true;')?.[2], 'fw->update');
  assert.equal(path.exec('nh.head')?.[2], 'nh.head');
  assert.equal(path.exec('-> nb->notifier_call(nb, val, v)'), null, 'a called member is a call, not an object');
  const address = global.exec('(bias, &nr_running_td)');
  assert.deepEqual([address?.[1], address?.[2]], ['&', 'nr_running_td']);
});

test('timeline headers and dashed rules', () => {
  const header = notesRegex('timeline-header', 'begin');
  for (const line of ['CPU 0                                            CPU 1', '       CPU0                    CPU1', 'CPU 0   CPU 1   CPU 2', '\tCPU0\t\t\t\tCPU1']) {
    assert.match(line, header, line);
  }
  for (const line of ['CPU 0 and CPU 1 race here.', 'CPU 0 CPU 1 x', '-> cpus_read_lock()']) assert.doesNotMatch(line, header, line);
  const [label] = subPatterns('timeline-header');
  assert.ok(label);
  assert.deepEqual([...'CPU 0     CPU1:'.matchAll(new RegExp(label.source, 'g'))].map((m) => m[0]), ['CPU 0', 'CPU1:']);

  const rule = notesRegex('timeline-rule');
  for (const line of ['-------------------------                        -------------------------', '       ----                    ----', '=====']) {
    assert.match(line, rule, line);
  }
  for (const line of ['-> fw_idx = kvm_get_fw(kvm)', '--', '---- text ----']) assert.doesNotMatch(line, rule, line);
});

test('the bundled example holds seed 000\'s notes: every fenced line, in order, comments kept', () => {
  const example = readFileSync(resolve(EXAMPLE), 'utf8').split('\n');
  const fenced: string[] = [];
  let inFence = false;
  for (const line of fixture('seeds', '000_ae3e64e89a0db923.txt').split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    else if (inFence && line.trim() !== '') fenced.push(line);
  }
  const notesLines = example.filter((line) => line.trim() !== '' && !line.startsWith('// '));
  assert.deepEqual(notesLines, fenced);
  assert.ok(!example.some((line) => line.startsWith('```')), 'no Markdown fences in a plain notes file');
  const entry = notesRegex('entry');
  assert.deepEqual(example.filter((line) => /^\S/.test(line) && entry.test(line)), ['reload_store()', 'kvm_vm_ioctl()', 'kvm_destroy_vm()', 'kvm_vm_ioctl()']);
});
