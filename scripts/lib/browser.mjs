// Headless Chromium for the editor and e2e tests: Debian's chromium driven by
// playwright-core (Playwright's own browser download is not reachable here).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.RACELENS_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags: no sandbox (tests run as root), no GPU (none here), and none of
 * Chromium's background connections (QUIC, component updates, sync, ...),
 * which this machine's closed network refuses.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The viewport the tests and screenshots use. */
export const VIEWPORT = { width: 1400, height: 900 };

/**
 * Launches Chromium with a throw-away config home: Chromium writes crash
 * report settings under $XDG_CONFIG_HOME even with a temporary profile.
 */
export async function launchBrowser() {
  const home = mkdtempSync(join(tmpdir(), 'racelens-chromium-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    env: { ...process.env, XDG_CONFIG_HOME: home },
  });
  browser.once('disconnected', () => rmSync(home, { recursive: true, force: true }));
  return browser;
}
