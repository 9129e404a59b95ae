// Bundles the command line and the extension into dist/, and the tests and
// benchmark into out/. Bundling does not type-check: `npm run typecheck` does.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/** Tests that need a running editor or browser (test/editor, test/e2e) have their own runner. */
const OUTSIDE_UNIT_TESTS = new Set([join('test', 'editor'), join('test', 'e2e')]);

function filesUnder(dir, suffix) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (OUTSIDE_UNIT_TESTS.has(path)) continue;
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
} else if (args.has('--editor-tests')) {
  // The extension-host tests (scripts/test-editor.mjs): one bundle that VS Code
  // loads as extensionTestsPath; it imports every test/editor/**/*.test.ts and
  // exports the harness's run(). `vscode` is provided by the extension host.
  const files = filesUnder('test/editor', '.test.ts').sort();
  const contents = [...files.map((f) => `import './${f.split('\\').join('/')}';`), "export { run } from './test/editor/harness/index';"].join('\n');
  rmSync('out/editor', { recursive: true, force: true });
  await esbuild.build({ ...common, stdin: { contents, resolveDir: '.', sourcefile: 'editor-tests.ts', loader: 'ts' }, outfile: 'out/editor/tests.js', external: ['vscode'] });
  // The entry turns on source maps before loading the tests, so failures point at the .ts lines.
  writeFileSync('out/editor/index.js', "process.setSourceMapsEnabled(true);\nmodule.exports = require('./tests.js');\n");
} else if (args.has('--e2e')) {
  // The browser tests (scripts/test-e2e.mjs runs them with node --test). Playwright stays
  // a run-time dependency: it loads its own files by path.
  rmSync('out/e2e', { recursive: true, force: true });
  await esbuild.build({ ...common, entryPoints: filesUnder('test/e2e', '.test.ts'), outdir: 'out/e2e', outbase: 'test/e2e', external: ['playwright-core'] });
} else if (args.has('--editor-bench')) {
  // The editor benchmark (bench/editor.mjs): its extension-host half, loaded as extensionTestsPath,
  // and the C generator the script itself calls.
  rmSync('out/bench/editor', { recursive: true, force: true });
  await esbuild.build({ ...common, entryPoints: ['bench/editorHost.ts'], outfile: 'out/bench/editor/host.js', external: ['vscode'] });
  writeFileSync('out/bench/editor/index.js', "process.setSourceMapsEnabled(true);\nmodule.exports = require('./host.js');\n");
  await esbuild.build({ ...common, entryPoints: ['bench/generate.ts'], outfile: 'out/bench/editor/generate.js' });
} else if (args.has('--bench')) {
  await esbuild.build({ ...common, entryPoints: ['bench/bench.ts', 'bench/coldRead.ts', 'src/cli/readWorker.ts'], outdir: 'out/bench', entryNames: '[name]' });
  copyWasm('out');
} else {
  await esbuild.build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } });
  await esbuild.build({ ...common, entryPoints: ['src/cli/readWorker.ts'], outfile: 'dist/readWorker.js' });
  await esbuild.build({ ...common, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] });
  // The extension's analysis runs on this worker thread; it loads the WASM from dist/.
  await esbuild.build({ ...common, entryPoints: ['src/vscode/analysis/worker.ts'], outfile: 'dist/analysisWorker.js' });
  // The timeline webview's script runs in the browser page (type-checked by `tsc -p media`).
  await esbuild.build({ ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: ['media/timeline/main.ts'], outfile: 'dist/webview/timeline.js' });
  copyWasm('dist');
}
