#!/usr/bin/env node
// `npm run test:editor [-- --grep TEXT]`: runs test/editor/**/*.test.ts inside
// a real VS Code extension host (code-server's VS Code 1.99.3), with this
// repository loaded as the extension under development.
//
// The mechanism (see docs/editor-testing.md): VS Code's web workbench reads a
// `payload` URL parameter; `extensionDevelopmentPath` and `extensionTestsPath`
// in it, given as vscode-remote:// URIs, make the *remote* (Node) extension
// host load the extension from the repository and then call run() of the test
// bundle. The extension host only starts when a workbench connects, so a
// headless Chromium opens that URL. When run() settles, the workbench calls
// window.codeAutomationExit(code), which the runner provides; the extension
// host's console reaches window.codeAutomationLog.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { VIEWPORT, launchBrowser } from './lib/browser.mjs';
import { freePort, startCodeServer, writeSettings } from './lib/codeServer.mjs';
import { RESULTS, ROOT } from './lib/paths.mjs';
import { run } from './lib/run.mjs';
import { setupEditor } from './setup-editor.mjs';

const LOG_PREFIX = '[racelens-test] ';
const { values: options } = parseArgs({ options: { grep: { type: 'string' } } });
const TIMEOUT_MS = Number(process.env.RACELENS_EDITOR_TIMEOUT ?? 10 * 60_000);
const started = Date.now();

setupEditor({ browser: true });
// dist/ is the extension under development; out/editor/index.js is the test bundle.
run(process.execPath, ['esbuild.mjs'], { cwd: ROOT });
run(process.execPath, ['esbuild.mjs', '--editor-tests'], { cwd: ROOT });

// Everything the run writes goes to a temporary folder: the workspace is a
// copy of examples/, so tests may edit files without touching the user's.
const temp = mkdtempSync(join(tmpdir(), 'racelens-editor-'));
const workspace = join(temp, 'examples');
cpSync(join(ROOT, 'examples'), workspace, { recursive: true });
const userDataDir = join(temp, 'user-data');
const extensionsDir = join(temp, 'extensions');
mkdirSync(extensionsDir);
writeSettings(userDataDir);
const resultsFile = join(temp, 'results.json');

const logDir = join(RESULTS, 'editor');
rmSync(logDir, { recursive: true, force: true });
mkdirSync(logDir, { recursive: true });
const serverLog = join(logDir, 'server.log');
const workbenchLog = join(logDir, 'workbench.log');
writeFileSync(serverLog, '');
writeFileSync(workbenchLog, '');

let server;
let browser;
let exitCode = 1;
try {
  server = await startCodeServer({
    folder: workspace,
    userDataDir,
    extensionsDir,
    port: await freePort(),
    // Inherited by the extension host, where the harness reads them.
    env: { RACELENS_EDITOR_RESULTS: resultsFile, ...(options.grep ? { RACELENS_EDITOR_GREP: options.grep } : {}) },
    log: (text) => appendFileSync(serverLog, text),
  });
  console.log(`code-server at ${server.url} (logs in ${logDir})`);

  browser = await launchBrowser();
  const page = await browser.newPage({ viewport: VIEWPORT });
  let reportExit;
  const exited = new Promise((resolve) => { reportExit = resolve; });
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
    appendFileSync(workbenchLog, `${type}: ${text}\n`);
    if (text.startsWith(LOG_PREFIX)) console.log(text.slice(LOG_PREFIX.length));
  });
  await page.exposeFunction('codeAutomationExit', (code) => reportExit(code));
  page.on('pageerror', (error) => appendFileSync(workbenchLog, `page error: ${error}\n`));
  page.on('requestfailed', (request) => appendFileSync(workbenchLog, `request failed: ${request.url()} ${request.failure()?.errorText}\n`));

  const authority = new URL(server.url).host;
  const remote = (path) => `vscode-remote://${authority}${path}`;
  const payload = [
    ['extensionDevelopmentPath', remote(ROOT)],
    ['extensionTestsPath', remote(join(ROOT, 'out/editor/index.js'))],
  ];
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });

  let timer;
  const outcome = await Promise.race([
    exited.then((code) => ({ code })),
    server.exited.then((code) => ({ error: `code-server exited (${code}) during the tests` })),
    new Promise((resolve) => page.once('crash', () => resolve({ error: 'the browser page crashed' }))),
    new Promise((resolve) => { timer = setTimeout(() => resolve({ error: `no result after ${TIMEOUT_MS / 1000} s` }), TIMEOUT_MS); }),
  ]);
  clearTimeout(timer);
  await page.screenshot({ path: join(logDir, 'workbench.png') }).catch(() => {});

  // The results file is what counts: when the extension host dies mid-run the
  // workbench still reports exit code 0 (observed), but no results were written.
  const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : undefined;
  if (outcome.error) console.log(`error: ${outcome.error}`);
  if (!results) console.log(`error: the test session ended (exit ${outcome.code}) without results; see ${workbenchLog}`);
  const passed = results?.passed ?? 0;
  const failed = results?.failed ?? 0;
  console.log(`editor tests took ${Math.round((Date.now() - started) / 1000)} s`);
  // The closing line CI reads.
  console.log(`editor: ${passed} passed, ${failed} failed`);
  exitCode = outcome.code === 0 && results && failed === 0 && passed > 0 ? 0 : 1;
} finally {
  await browser?.close().catch(() => {});
  await server?.stop();
  rmSync(temp, { recursive: true, force: true });
}
process.exit(exitCode);
