// System packages the editor tooling needs, installed from Debian's archive.
// Nothing here downloads a binary from anywhere else: code-server's own
// postinstall would fetch ripgrep from GitHub, so Debian's ripgrep stands in,
// and Playwright's browser download is replaced by Debian's chromium.
import { capture, hasCommand, run } from './run.mjs';

/** Debian packages, and why each is needed. */
export const SERVER_PACKAGES = {
  // Headers for the `kerberos` native module VS Code's server loads.
  'libkrb5-dev': 'kerberos native module (VS Code server)',
  // VS Code's search (Quick Open, Find in Files) runs `rg`.
  ripgrep: 'search in the editor',
  // node-gyp builds the server's native modules (kerberos, node-pty, spdlog, ...).
  python3: 'node-gyp',
  make: 'node-gyp',
  'g++': 'node-gyp',
};
export const BROWSER_PACKAGES = {
  // Playwright drives Debian's Chromium (Playwright's own browser download is not reachable).
  chromium: 'headless browser for the editor tests',
  // Seed 000's notes carry Chinese comments: without a CJK font the screenshots show boxes.
  'fonts-wqy-microhei': 'CJK glyphs in the screenshots',
};

/** Packages only the full test suite needs (installed by .ci/run through setup-editor.mjs --ci). */
export const TEST_PACKAGES = {
  // The model checker test/sim/promela.test.ts compares the simulator with.
  spin: 'Spin model checker (simulator cross-check)',
  // Spin's verifiers are C programs compiled by gcc.
  gcc: 'compiles the Spin verifiers',
};

function installed(pkg) {
  return capture('dpkg-query', ['-W', '-f=${Status}', pkg])?.includes('install ok installed') ?? false;
}

/**
 * Installs the Debian packages that are missing. Runs `apt-get update` once,
 * and only when something is missing, so a second run costs a few dpkg-query calls.
 */
export function ensurePackages(packages) {
  if (!hasCommand('dpkg-query')) {
    // Not Debian/Ubuntu: say what is needed rather than guess a package manager.
    console.log(`Not a Debian-based system: make sure these are installed: ${Object.keys(packages).join(', ')}`);
    return;
  }
  const missing = Object.keys(packages).filter((pkg) => !installed(pkg));
  if (missing.length === 0) return;
  console.log(`Installing Debian packages: ${missing.map((p) => `${p} (${packages[p]})`).join(', ')}`);
  const asRoot = process.getuid?.() === 0 ? [] : hasCommand('sudo') ? ['sudo'] : null;
  if (asRoot === null) {
    throw new Error(`Missing packages and no root: run  sudo apt-get install -y ${missing.join(' ')}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => asRoot.length ? run('sudo', ['apt-get', ...args], { env }) : run('apt-get', args, { env });
  apt(['update', '-q']);
  // With recommends, as verified on this machine kind (chromium recommends its fonts).
  apt(['install', '-y', '-q', ...missing]);
}
