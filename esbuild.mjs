// Bundles the command line and the extension into dist/, and the tests and
// benchmark into out/. Bundling does not type-check: `npm run typecheck` does.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = new Set(process.argv.slice(2));
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: true,
  logLevel: 'warning',
  // Tree-sitter queries are data files, embedded in the bundle as text.
  loader: { '.scm': 'text' },
  // The package's ESM build finds its WASM through import.meta.url, which a
  // CommonJS bundle lacks; its CommonJS build takes our explicit locateFile.
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/tree-sitter.cjs' },
  define: { RACELENS_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
};

/** The WASM files are loaded at run time from dist/ by explicit path. */
function copyWasm(outdir) {
  mkdirSync(outdir, { recursive: true });
  cpSync('node_modules/web-tree-sitter/tree-sitter.wasm', join(outdir, 'tree-sitter.wasm'));
  cpSync('node_modules/tree-sitter-c/tree-sitter-c.wasm', join(outdir, 'tree-sitter-c.wasm'));
}

function filesUnder(dir, suffix) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...filesUnder(path, suffix));
    else if (name.endsWith(suffix)) found.push(path);
  }
  return found;
}

if (args.has('--tests')) {
  // `node esbuild.mjs --tests test/a.test.ts ...` builds just those files.
  const chosen = process.argv.slice(2).filter((a) => a.endsWith('.test.ts'));
  if (chosen.length === 0) rmSync('out/test', { recursive: true, force: true });
  await esbuild.build({
    ...common,
    entryPoints: chosen.length > 0 ? chosen : filesUnder('test', '.test.ts'),
    outdir: 'out/test',
    outbase: 'test',
  });
  copyWasm('out');
} else if (args.has('--bench')) {
  await esbuild.build({ ...common, entryPoints: ['bench/bench.ts', 'src/cli/readWorker.ts'], outdir: 'out/bench', entryNames: '[name]' });
  copyWasm('out');
} else {
  await esbuild.build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } });
  await esbuild.build({ ...common, entryPoints: ['src/cli/readWorker.ts'], outfile: 'dist/readWorker.js' });
  await esbuild.build({ ...common, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] });
  copyWasm('dist');
}
