// package.json's menus and activation events, against the languages and
// extensions the extension reads. The palette evaluates a `when` clause
// before the extension activates, so a clause may only use context keys VS
// Code itself sets (editorLangId, resourceExtname): a key the extension sets
// on activation would hide the commands until then.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { READ_LANGUAGES } from '../../src/vscode/languages';
import { SOURCE_EXTENSIONS } from '../../src/parse/workspace';
import { DEFAULT_DEBOUNCE_MS } from '../../src/report/editorSettings';

interface MenuItem { command: string; when?: string }

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  activationEvents: string[];
  contributes: { menus: Record<string, MenuItem[]>; configuration: { properties: Record<string, { default?: unknown }> } };
};
const items = Object.values(manifest.contributes.menus).flat();

/** The regular expression a clause tests `key` against: `key =~ /.../`. */
function regexFor(when: string, key: string): RegExp {
  const match = new RegExp(`${key} =~ /(.+?)/(?: |$)`).exec(when);
  assert.ok(match, `'${when}' does not test ${key} against a regular expression`);
  return new RegExp(match[1]!);
}

test('menu when clauses use only context keys VS Code sets before activation', () => {
  for (const item of items) {
    if (item.when === undefined || item.when === 'false') continue;
    // What is left once the regular expressions and operators are taken out: the context keys.
    const keys = item.when.replace(/\/(?:\\.|[^/])*\//g, ' ').split(/\s+|\|\||&&|=~|==|!=|!|\bin\b|\bnot\b/).filter(Boolean);
    assert.deepEqual(keys.filter((key) => key !== 'editorLangId' && key !== 'resourceExtname'), [], `${item.command}: ${item.when}`);
  }
});

test('menu when clauses accept every language and extension RaceLens reads, and nothing else', () => {
  const guarded = items.filter((item) => item.when !== undefined && item.when !== 'false');
  assert.ok(guarded.length > 0);
  for (const item of guarded) {
    const languages = regexFor(item.when!, 'editorLangId');
    const extensions = regexFor(item.when!, 'resourceExtname');
    for (const language of READ_LANGUAGES) assert.match(language, languages, `${item.command}: language ${language}`);
    for (const extension of SOURCE_EXTENSIONS) assert.match(extension, extensions, `${item.command}: ${extension}`);
    for (const other of ['javascript', 'cpp', 'json']) assert.doesNotMatch(other, languages, `${item.command}: language ${other}`);
    for (const other of ['.js', '.json', '.cc', '.xc']) assert.doesNotMatch(other, extensions, `${item.command}: ${other}`);
  }
});

test('opening a document of any language RaceLens reads activates it', () => {
  for (const language of READ_LANGUAGES) assert.ok(manifest.activationEvents.includes(`onLanguage:${language}`), `no onLanguage:${language}`);
});

test('the settings UI shows the defaults the extension applies', () => {
  assert.equal(manifest.contributes.configuration.properties['racelens.debounceMs']!.default, DEFAULT_DEBOUNCE_MS);
});
