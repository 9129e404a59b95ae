#!/usr/bin/env node
// Installs what the editor flow needs on a fresh machine, skipping whatever is
// already there: Debian packages (apt-get) and code-server in .code-server/.
//   node scripts/setup-editor.mjs            server only (npm start)
//   node scripts/setup-editor.mjs --browser  also Chromium (editor and e2e tests)
//   node scripts/setup-editor.mjs --ci       everything `npm test` needs (.ci/run), in one apt-get run
import { pathToFileURL } from 'node:url';
import { ensureCodeServer } from './lib/codeServer.mjs';
import { BROWSER_PACKAGES, SERVER_PACKAGES, TEST_PACKAGES, ensurePackages } from './lib/system.mjs';

export function setupEditor({ browser = false, ci = false } = {}) {
  ensurePackages({
    ...SERVER_PACKAGES,
    ...(browser || ci ? BROWSER_PACKAGES : {}),
    ...(ci ? TEST_PACKAGES : {}),
  });
  ensureCodeServer();
}

// Run as a script (not imported by start.mjs or the test runners).
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  setupEditor({ browser: process.argv.includes('--browser'), ci: process.argv.includes('--ci') });
}
