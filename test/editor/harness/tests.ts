// The extension-host test API: `suite` and `test`, registered when a test
// file is imported and run later, in order, by run() (index.ts). Deliberately
// small — no mocha — so the whole bundle is one file VS Code loads as
// `extensionTestsPath`, and nothing here depends on how tests are found.
//
//   import * as assert from 'node:assert/strict';
//   import { suite, test } from './harness';
//
//   suite('hover', () => {
//     test('shows the object', async () => { ... assert.match(text, /fw\.srcu/); });
//   });

export interface TestOptions {
  /** Milliseconds before the test fails as timed out (default 30 000). */
  timeout?: number;
}

export interface RegisteredTest {
  suite: string;
  name: string;
  body: () => unknown;
  timeout: number;
}

interface Hooks {
  before: Array<() => unknown>;
  after: Array<() => unknown>;
}

export const DEFAULT_TIMEOUT = 30_000;

const registered: RegisteredTest[] = [];
const hooksBySuite = new Map<string, Hooks>();
let currentSuite: string | undefined;

/** Groups tests; `before`/`after` inside it run once around the group. */
export function suite(name: string, body: () => void): void {
  if (currentSuite !== undefined) throw new Error(`suite('${name}') inside suite('${currentSuite}'): suites do not nest`);
  currentSuite = name;
  hooksBySuite.set(name, { before: [], after: [] });
  try {
    body();
  } finally {
    currentSuite = undefined;
  }
}

export function test(name: string, body: () => unknown, options: TestOptions = {}): void {
  registered.push({ suite: currentSuite ?? '', name, body, timeout: options.timeout ?? DEFAULT_TIMEOUT });
}

/** Runs once before the first test of the enclosing suite. */
export function before(body: () => unknown): void {
  hooksFor('before').before.push(body);
}

/** Runs once after the last test of the enclosing suite, even when tests failed. */
export function after(body: () => unknown): void {
  hooksFor('after').after.push(body);
}

function hooksFor(kind: string): Hooks {
  const hooks = currentSuite === undefined ? undefined : hooksBySuite.get(currentSuite);
  if (!hooks) throw new Error(`${kind}() belongs inside a suite()`);
  return hooks;
}

export function registeredTests(): readonly RegisteredTest[] {
  return registered;
}

export function suiteHooks(name: string): Hooks {
  return hooksBySuite.get(name) ?? { before: [], after: [] };
}
