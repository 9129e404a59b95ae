import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aliasesOf, explainObjectMarkdown, objectHover, siteAt, syncSites } from '../../src/report/objectReport';
import { seed000 } from './reportHelpers';

const plain = (_loc: unknown, text: string): string => text;

async function seedSites() {
  const input = await seed000();
  return syncSites(input.files[0]!);
}

test('every sync operation and shared access of the notes, in line order, with its function', async () => {
  const sites = await seedSites();
  const wait = sites.find((s) => s.loc.line === 42)!;
  assert.equal(wait.primitive, 'wait_for_completion');
  assert.equal(wait.object.id, 'fw.completion');
  assert.equal(wait.fn, 'kvm_get_fw');
  assert.ok(sites.some((s) => s.primitive === 'store' && s.object.id === 'fw.update'));
  assert.ok(sites.some((s) => s.fn === 'timeline' && s.primitive === 'synchronize_srcu'), 'timeline rows count as uses');
  assert.deepEqual(sites.map((s) => s.loc.line), [...sites.map((s) => s.loc.line)].sort((a, b) => a - b));
});

test('the site under the cursor: inside the call, not outside it', async () => {
  const sites = await seedSites();
  const wait = sites.find((s) => s.loc.line === 42)!;
  assert.equal(siteAt(sites, 42, wait.loc.col + 3), wait);
  assert.equal(siteAt(sites, 42, 0), undefined);
});

test('the hover: the object, how this use was identified, where else it is used', async () => {
  const sites = await seedSites();
  const wait = sites.find((s) => s.loc.line === 42)!;
  const text = objectHover(wait, sites.filter((s) => s.object.id === 'fw.completion'), plain, 3);
  assert.match(text, /^\*\*fw\.completion\*\* — acted on by `wait_for_completion`\n\nIdentified by member `completion` of `fw` in `&kvm->fw->completion`\./);
  assert.match(text, /Also used at \(\d+\):\n\n- seed000-race\.rlnotes:16 `init_completion` in kvm_start_update_fw\(\)/);
  assert.match(text, /… \d+ more \(RaceLens: Explain Object\)/);
});

test('aliases: a whole class, or an owner that gives the member', () => {
  const aliases = new Map([['kvm_fw', 'fw'], ['old_srcu', 'fw.srcu'], ['other', 'x']]);
  assert.deepEqual(aliasesOf('fw.srcu', aliases), ['kvm_fw.srcu', 'old_srcu']);
  assert.deepEqual(aliasesOf('nr_running_td', aliases), []);
});

test('Explain Object: ways of identifying it, aliases, every use grouped by primitive', async () => {
  const sites = await seedSites();
  const text = explainObjectMarkdown('fw.srcu', sites, new Map([['kvm_fw', 'fw']]), plain);
  assert.match(text, /^# fw\.srcu\n/);
  assert.match(text, /## How it was identified\n\n- member `srcu` of `fw` in `&fw->srcu` \(\d+ uses, first at seed000-race\.rlnotes:20\)\n- member `srcu` of `fw` in `&kvm->fw->srcu` \(\d+ uses/);
  assert.match(text, /## Aliases\n\n- `kvm_fw\.srcu` → `fw\.srcu`/);
  assert.match(text, /### srcu_read_lock\n\n- seed000-race\.rlnotes:44 `srcu_read_lock` in kvm_get_fw\(\): `idx = srcu_read_lock\(&kvm->fw->srcu\)`/);
  assert.match(explainObjectMarkdown('nothing.here', sites, new Map(), plain), /Nothing in the open workspace acts on `nothing\.here`\./);
});
