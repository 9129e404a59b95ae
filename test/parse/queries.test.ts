import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Query } from 'web-tree-sitter';
import { QUERY_SOURCES } from '../../src/parse/treeSitter';
import { loadParser } from '../helpers';

test('every query file compiles against the C grammar', async () => {
  const parser = await loadParser();
  for (const [name, source] of Object.entries(QUERY_SOURCES)) {
    const query = new Query(parser.language, source);
    try {
      assert.ok(query.captureNames.length > 0, `${name}.scm captures nothing`);
    } finally {
      query.delete();
    }
  }
});

test('the declarations query finds ops-table bindings with their struct type', async () => {
  const parser = await loadParser();
  const found = parser.withTree('static struct kvm_x86_ops vt_x86_ops = {\n\t.vm_destroy = vt_vm_free,\n};\n', (tree) =>
    parser.queries.declarations.matches(tree.rootNode).filter((m) => m.captures.some((c) => c.name === 'binding')).map((m) =>
      m.captures.map((c) => `${c.name}=${c.node.text}`).filter((c) => !c.startsWith('binding')).join(' ')));
  assert.deepEqual(found, ['struct=kvm_x86_ops table=vt_x86_ops member=vm_destroy target=vt_vm_free']);
});

test('a disposed parser frees its queries and a fresh one loads', async () => {
  const first = await loadParser();
  first.dispose();
  const second = await loadParser();
  assert.notEqual(second, first);
  assert.equal(second.withTree('void f(void) {}', (tree) => tree.rootNode.firstChild?.type), 'function_definition');
});
