// Run by bench.ts in a fresh process: reads a folder of C files as `racelens` does
// (CLI main.ts load(): this thread and one worker per other core, all cold), and
// prints the time from the process starting to the last model, as JSON.
// `node out/bench/coldRead.js DIR COUNT`

import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { CParser } from '../src/parse/treeSitter';
import { readSource } from '../src/parse/workspace';
import { primitiveTable } from '../src/model/primitives';
import { readWithWorkers } from '../src/cli/readPool';

async function main(): Promise<void> {
  const [dir = '', count = '0'] = process.argv.slice(2);
  const { table } = primitiveTable();
  const inputs = Array.from({ length: Number(count) }, (_, i) => ({ path: join(dir, `file${i}.c`), file: `tree/file${i}.c` }));
  const models = await readWithWorkers(resolve('out/bench/readWorker.js'), { wasmDir: resolve('out'), table, aliases: new Map() }, inputs, undefined,
    async () => {
      const parser = await CParser.load(resolve('out'));
      return (input) => readSource(parser, input.file, readFileSync(input.path, 'utf8'), { table });
    });
  // performance.now() counts from the process's start: Node's own start-up and loading this bundle are in.
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ ms: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000, functions: models.reduce((n, m) => n + m.functions.length, 0) }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
