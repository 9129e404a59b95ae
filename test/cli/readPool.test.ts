// The read pool: workers kept between reads give the models one thread would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ReadPool } from '../../src/cli/readPool';
import { readSource } from '../../src/parse/workspace';
import { primitiveTable } from '../../src/model/primitives';
import { loadParser } from '../helpers';

const { table } = primitiveTable();

test('a pool read twice, with this thread reading its share, gives each file the model one thread gives, in the order asked', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'racelens-pool-'));
  const inputs = Array.from({ length: 12 }, (_, i) => {
    const path = join(dir, `drv${i}.c`);
    writeFileSync(path, `static DEFINE_MUTEX(drv${i}_lock);\n\nint drv${i}_probe(struct drv *d)\n{\n\tmutex_lock(&drv${i}_lock);\n\tif (d->ready)\n\t\tmsleep(${i});\n\tmutex_unlock(&drv${i}_lock);\n\treturn 0;\n}\n`);
    return { path, file: `drv/drv${i}.c` };
  });
  const parser = await loadParser();
  const alone = inputs.map((input) => readSource(parser, input.file, readFileSync(input.path, 'utf8'), { table }));
  // dist/readWorker.js: built by `node esbuild.mjs`, as `npm run test:unit` does first.
  const pool = new ReadPool(resolve('dist/readWorker.js'), { wasmDir: resolve('dist'), table, aliases: new Map() }, 1);
  try {
    const first = await pool.read(inputs);
    let hereRead = 0;
    const second = await pool.read(inputs, undefined, (input) => {
      hereRead++;
      // A slow reader here: the worker, taking files from the same counter, reads the others.
      const until = Date.now() + 25;
      while (Date.now() < until);
      return readSource(parser, input.file, readFileSync(input.path, 'utf8'), { table });
    });
    assert.deepEqual(first, alone);
    assert.deepEqual(second, alone);
    assert.ok(hereRead > 0 && hereRead < inputs.length, `this thread read ${hereRead} of ${inputs.length}`);
    await assert.rejects(Promise.all([pool.read(inputs), pool.read(inputs)]), /a read is already under way/);
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
