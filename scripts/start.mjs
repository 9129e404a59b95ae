#!/usr/bin/env node
// `npm start [-- --port N]`: RaceLens in a real VS Code, in the browser.
// Installs what is missing (Debian packages, code-server in .code-server/),
// builds and packages the .vsix, installs it into a local profile and serves
// VS Code on 127.0.0.1 with examples/ open. Ctrl+C stops the server.
//
// The profile (settings, installed extensions, open editors) is kept in
// .code-server/profile/ between runs; delete that folder to start afresh.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { HOME, freePort, installVsix, startCodeServer, writeSettings } from './lib/codeServer.mjs';
import { ROOT } from './lib/paths.mjs';
import { packageVsix } from './lib/vsix.mjs';
import { setupEditor } from './setup-editor.mjs';

const { values: options } = parseArgs({ options: { port: { type: 'string' } } });
const wanted = Number(options.port ?? process.env.PORT ?? 8080);

setupEditor({ browser: false });
const vsix = packageVsix();

const profile = join(HOME, 'profile');
const userDataDir = join(profile, 'user-data');
const extensionsDir = join(profile, 'extensions');
mkdirSync(profile, { recursive: true });
writeSettings(userDataDir);
// --force replaces the installed copy with this build, even at the same version.
installVsix(vsix, { userDataDir, extensionsDir });

const folder = join(ROOT, 'examples');
const port = await freePort(wanted);
if (port !== wanted) console.log(`port ${wanted} is taken; using ${port}`);
const serverLog = join(profile, 'server.log');
const server = await startCodeServer({
  folder,
  userDataDir,
  extensionsDir,
  port,
  log: (text) => appendFileSync(serverLog, text),
});

console.log(`
RaceLens in VS Code (code-server), with ${folder} open:

    ${server.url}/?folder=${folder}

Server log: ${serverLog}. Press Ctrl+C to stop.`);

let stopping = false;
const stop = async () => {
  stopping = true;
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.exited.then((code) => {
  if (stopping) return;
  console.log(`code-server stopped by itself (${code}); see ${serverLog}`);
  process.exit(1);
});
