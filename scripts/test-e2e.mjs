#!/usr/bin/env node
// `npm run test:e2e [-- out/e2e/some.test.js ...]`: the extension as a user
// gets it. Packages the .vsix (checking its contents), installs it into a
// fresh code-server profile, serves a temporary copy of examples/, and runs
// test/e2e/**/*.test.ts with Node's test runner; the tests drive headless
// Chromium through test/e2e/workbench.ts. Screenshots go to test-results/e2e/.
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, installVsix, startCodeServer, writeSettings } from './lib/codeServer.mjs';
import { RESULTS, ROOT } from './lib/paths.mjs';
import { run } from './lib/run.mjs';
import { packageVsix } from './lib/vsix.mjs';
import { setupEditor } from './setup-editor.mjs';

setupEditor({ browser: true });
const vsix = packageVsix();
run(process.execPath, ['esbuild.mjs', '--e2e'], { cwd: ROOT });

// A profile of its own and a copy of examples/: the tests never touch the user's files or settings.
const temp = mkdtempSync(join(tmpdir(), 'racelens-e2e-'));
const workspace = join(temp, 'examples');
cpSync(join(ROOT, 'examples'), workspace, { recursive: true });
const userDataDir = join(temp, 'user-data');
const extensionsDir = join(temp, 'extensions');
writeSettings(userDataDir);
installVsix(vsix, { userDataDir, extensionsDir });

const results = join(RESULTS, 'e2e');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });
const serverLog = join(results, 'server.log');
writeFileSync(serverLog, '');

let server;
let status = 1;
try {
  server = await startCodeServer({
    folder: workspace,
    userDataDir,
    extensionsDir,
    port: await freePort(),
    log: (text) => appendFileSync(serverLog, text),
  });
  console.log(`code-server at ${server.url} serving ${workspace}; screenshots and logs go to ${results}`);
  const chosen = process.argv.slice(2);
  // One file at a time: the files share this server and its workspace.
  status = run(process.execPath, [
    '--test', '--test-reporter=spec', '--test-concurrency=1',
    ...(chosen.length > 0 ? chosen : ['out/e2e/']),
  ], {
    cwd: ROOT,
    allowFailure: true,
    env: { ...process.env, RACELENS_E2E_URL: server.url, RACELENS_E2E_WORKSPACE: workspace, RACELENS_E2E_RESULTS: results },
  });
} finally {
  await server?.stop();
  rmSync(temp, { recursive: true, force: true });
}
// Nothing printed after the test runner's summary, which CI reads as the closing lines.
process.exit(status === 0 ? 0 : 1);
