// A real VS Code for development and tests: code-server from the npm registry,
// installed into the project-local, git-ignored folder `.code-server/`.
//
// Why code-server: the usual test runners (@vscode/test-electron, @vscode/test-web)
// download VS Code builds at run time, which this project's machines cannot.
// code-server's npm package carries VS Code's server and web workbench.
//
// Why not a plain `npm install code-server`: its postinstall refuses to run as
// root, downloads ripgrep from GitHub, and installs VS Code's dependencies
// with every install script. We do its steps ourselves, minus the download.
// See docs/editor-testing.md for the facts behind each step.
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { ROOT } from './paths.mjs';
import { capture, run, startDetached } from './run.mjs';

/** The newest code-server whose install accepts Node 20 (4.100+ want Node 22). Carries VS Code 1.99.3. */
export const CODE_SERVER_VERSION = '4.99.4';

export const HOME = join(ROOT, '.code-server');
const PACKAGE = join(HOME, 'node_modules/code-server');
const VSCODE = join(PACKAGE, 'lib/vscode');
export const ENTRY = join(PACKAGE, 'out/node/entry.js');
/** Written last: its presence (with the right version) means the install is complete. */
const STAMP = join(HOME, 'installed.json');

/**
 * Native modules VS Code's server loads on Linux, each built from source
 * against this Node (kerberos needs libkrb5-dev). @parcel/watcher ships a
 * prebuilt linux-x64 binary as a package; the windows-* modules are unused here.
 */
const NATIVE_MODULES = ['kerberos', 'node-pty', '@vscode/spdlog', 'native-watchdog'];

function npm(args, cwd) {
  return run('npm', args, { cwd });
}

/**
 * Builds one native module from inside its own folder: there npm treats it as
 * the project, so its build scripts run even under npm 11, which skips
 * unapproved dependency install scripts. node-pty's post-install step fails
 * after the build on Linux (it wants `npx node-gyp`), so success is judged
 * by loading the module afterwards, not by npm's exit status. The compiler's
 * output is shown only when the module does not load.
 */
function buildNative(moduleDir) {
  console.log(`building ${moduleDir.slice(HOME.length + 1)}`);
  const build = spawnSync('npm', ['rebuild', '--foreground-scripts', '--no-audit', '--no-fund'], {
    cwd: moduleDir,
    encoding: 'utf8',
    // build_from_source: prebuild-install and node-pre-gyp would first try to
    // download a prebuilt binary from GitHub; JOBS: node-gyp uses every core.
    env: { ...process.env, npm_config_build_from_source: 'true', JOBS: 'max' },
  });
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(moduleDir)})`], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(`${moduleDir} does not load after building:\n${build.stdout}\n${build.stderr}\n${probe.stderr}`);
  }
}

function symlinkFresh(target, path) {
  rmSync(path, { force: true, recursive: true });
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
}

export function isInstalled() {
  if (!existsSync(STAMP)) return false;
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8')).version === CODE_SERVER_VERSION;
  } catch {
    return false;
  }
}

/** Installs code-server into .code-server/ unless that was already done. */
export function ensureCodeServer() {
  if (isInstalled()) {
    console.log(`code-server ${CODE_SERVER_VERSION} is installed in ${HOME}`);
    return;
  }
  const started = Date.now();
  console.log(`Installing code-server ${CODE_SERVER_VERSION} into ${HOME}`);
  // Start from nothing, but keep npm start's profile (.code-server/profile/).
  for (const stale of ['node_modules', 'package.json', 'package-lock.json', 'installed.json']) {
    rmSync(join(HOME, stale), { recursive: true, force: true });
  }
  mkdirSync(HOME, { recursive: true });
  writeFileSync(join(HOME, 'package.json'), JSON.stringify({
    name: 'racelens-code-server',
    private: true,
    description: 'A local VS Code for RaceLens development and tests; installed by scripts/setup-editor.mjs.',
    dependencies: { 'code-server': CODE_SERVER_VERSION },
  }, null, 2) + '\n');

  // 1. The package and its locked dependencies (code-server ships npm-shrinkwrap.json), no scripts.
  npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', '--omit=dev'], HOME);
  // argon2 hashes passwords; code-server loads it at start even with --auth none.
  buildNative(join(HOME, 'node_modules/argon2'));

  // 2. VS Code's own dependencies (locked by lib/vscode/npm-shrinkwrap.json), no scripts:
  //    this is what code-server's postinstall does, minus @vscode/ripgrep's download.
  npm(['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], VSCODE);
  for (const name of NATIVE_MODULES) {
    buildNative(join(VSCODE, 'node_modules', name));
  }

  // 3. The links code-server's postinstall makes. VS Code and extensions look
  //    for bundled modules (ripgrep, oniguruma's wasm) under node_modules.asar.
  symlinkFresh('node_modules', join(VSCODE, 'node_modules.asar'));
  symlinkFresh('code-linux.sh', join(VSCODE, 'bin/remote-cli/code-server'));
  symlinkFresh('browser-linux.sh', join(VSCODE, 'bin/helpers/browser.sh'));
  // Debian's ripgrep where @vscode/ripgrep would have downloaded its own.
  const rg = capture('sh', ['-c', 'command -v rg'])?.trim();
  if (!rg) throw new Error('ripgrep (rg) is not installed');
  symlinkFresh(rg, join(VSCODE, 'node_modules/@vscode/ripgrep/bin/rg'));

  writeFileSync(STAMP, JSON.stringify({ version: CODE_SERVER_VERSION, seconds: Math.round((Date.now() - started) / 1000) }) + '\n');
  console.log(`code-server installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * Settings for a fresh profile: no welcome page, no telemetry, no update or
 * marketplace checks (there is no network to check against), no trust prompt.
 */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
};

/** Writes User/settings.json into a user-data dir unless one exists. */
export function writeSettings(userDataDir, extra = {}) {
  const file = join(userDataDir, 'User/settings.json');
  if (existsSync(file)) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ ...QUIET_SETTINGS, ...extra }, null, 2) + '\n');
}

/**
 * The environment for code-server: no extension marketplace (code-server
 * would otherwise query open-vsx.org, unreachable here and not wanted in tests).
 */
function serverEnv(extra) {
  return { ...process.env, EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: '' }), ...extra };
}

function commonFlags({ userDataDir, extensionsDir }) {
  return [
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    // code-server otherwise writes ~/.config/code-server/config.yaml.
    '--config', join(userDataDir, 'config.yaml'),
  ];
}

/** Installs a packaged .vsix into an extensions dir (a copied folder would be ignored). */
export function installVsix(vsix, { userDataDir, extensionsDir }) {
  run(process.execPath, [ENTRY, ...commonFlags({ userDataDir, extensionsDir }), '--install-extension', vsix, '--force'], {
    env: serverEnv({}),
  });
}

/** True if 127.0.0.1:port can be bound now; resolves to the bound port (port 0: any free one). */
function tryPort(port) {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(null));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address();
      server.close(() => resolvePort(bound));
    });
  });
}

/** A free TCP port on 127.0.0.1: `preferred` or the next free one above it, or any (0). */
export async function freePort(preferred = 0) {
  if (preferred === 0) return tryPort(0);
  for (let port = preferred; port < preferred + 100; port++) {
    if (await tryPort(port) !== null) return port;
  }
  throw new Error(`no free port in ${preferred}..${preferred + 99}`);
}

/**
 * Starts code-server on 127.0.0.1 with `folder` open and resolves when it
 * listens (its own "HTTP server listening on" line, not a sleep).
 * `env` reaches the VS Code server and so the extension host it forks.
 */
export async function startCodeServer({ folder, userDataDir, extensionsDir, port, env = {}, log }) {
  const args = [
    ENTRY,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    ...commonFlags({ userDataDir, extensionsDir }),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    folder,
  ];
  const server = startDetached(process.execPath, args, { env: serverEnv(env) });
  let output = '';
  const url = await new Promise((resolveUrl, reject) => {
    const onData = (data) => {
      const text = data.toString();
      output += text;
      log?.(text);
      const match = /HTTP server listening on (http:\/\/\S+)/.exec(output);
      if (match) resolveUrl(match[1].replace(/\/$/, ''));
    };
    server.child.stdout.on('data', onData);
    server.child.stderr.on('data', onData);
    server.exited.then((code) => reject(new Error(`code-server exited (${code}) before listening:\n${output}`)));
  });
  return { ...server, url, output: () => output };
}
