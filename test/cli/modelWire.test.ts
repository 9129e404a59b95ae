// The wire form of a model: what a worker sends decodes to the model it read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModel, encodeModel } from '../../src/cli/modelWire';
import { readSource } from '../../src/parse/workspace';
import { readC } from '../../src/parse/cReader';
import type { Stmt, SyncOp } from '../../src/model/types';
import { primitiveTable } from '../../src/model/primitives';
import { FIXTURES, fixture, loadParser } from '../helpers';

const { table } = primitiveTable();

test('every C fixture, seed, patch and check fixture decodes to the model that was encoded; shared ops are equal ones', async () => {
  const parser = await loadParser();
  const files = [
    ...readdirSync(join(FIXTURES, 'c')).filter((n) => n.endsWith('.c')).map((n) => join('c', n)),
    ...readdirSync(join(FIXTURES, 'seeds')).map((n) => join('seeds', n)),
    ...readdirSync(join(FIXTURES, 'patches')).map((n) => join('patches', n)),
    ...readdirSync(join(FIXTURES, 'check'), { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.c')).map((n) => join('check', n)),
  ];
  let calls = 0;
  let shared = 0;
  for (const name of files) {
    const read = () => readSource(parser, name, fixture(name), { table });
    const decoded = decodeModel(encodeModel(read()));
    assert.deepEqual(decoded, read(), name);
    const ops = decoded.functions.flatMap((f) => opsIn(f.body));
    calls += ops.length;
    // Ops are shared after decoding only when equal (equal ones with objects read apart may stay apart).
    for (const a of ops) for (const b of ops) if (a === b) assert.equal(JSON.stringify(a), JSON.stringify(b), name);
    shared += ops.length - new Set(ops).size;
  }
  assert.ok(calls > 100, `only ${calls} sync operations in the fixtures`);
  assert.ok(shared > calls / 4, `only ${shared} of ${calls} sync operations shared`);
});

function opsIn(stmts: readonly Stmt[]): SyncOp[] {
  return stmts.flatMap((s): SyncOp[] => {
    if (s.kind === 'call') return s.op ? [s.op] : [];
    if (s.kind === 'branch') return [...opsIn(s.then), ...opsIn(s.else)];
    if (s.kind === 'loop') return [...opsIn(s.head), ...opsIn(s.body)];
    if (s.kind === 'switch') return s.cases.flatMap((c) => opsIn(c.body));
    return [];
  });
}

test('ops that differ in one field only (a guard\'s scoped acquire, a plain one) stay apart', async () => {
  const parser = await loadParser();
  const text = 'void f(struct a *a)\n{\n\tmutex_lock(&a->lock);\n\tmutex_unlock(&a->lock);\n}\n' +
    'void g(struct a *a)\n{\n\tguard(mutex)(&a->lock);\n\tif (a->x)\n\t\treturn;\n}\n';
  const read = () => readC(parser, text, 'a.c', { table });
  assert.deepEqual(decodeModel(encodeModel(read())), read());
});

test('locations in another file than the model\'s (a patch mapped to its mail) keep their file', async () => {
  const parser = await loadParser();
  const read = () => readC(parser, 'void f(void)\n{\n\tmutex_lock(&a->lock);\n\tif (a->x)\n\t\tmsleep(1);\n}\n', 'fs/x.c', {
    table,
    mapLoc: (line, col) => ({ file: line === 2 ? 'mail.eml' : 'fs/x.c', line, col }),
  });
  const decoded = decodeModel(encodeModel(read()));
  assert.deepEqual(decoded, read());
  assert.equal(decoded.functions[0]?.body[0]?.loc.file, 'mail.eml');
});
