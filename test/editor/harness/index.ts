// The entry VS Code calls as `extensionTestsPath`: its run() runs every
// registered test inside the extension host, where the `vscode` API is real.
// VS Code turns a rejected run() into a non-zero exit of the test session.
//
// How results leave the extension host (scripts/test-editor.mjs reads both):
// - each line is logged with the `[racelens-test]` prefix; the extension
//   host's console reaches the browser page, whose console the runner follows;
// - the full results are written as JSON to $RACELENS_EDITOR_RESULTS (the
//   extension host inherits the environment of the server the runner starts).

import { writeFileSync } from 'node:fs';
import { findSourceMap } from 'node:module';
import { relative } from 'node:path';
import { inspect } from 'node:util';
import { registeredTests, suiteHooks, type RegisteredTest } from './tests';

export { suite, test, before, after } from './tests';
export * from './vscodeHelpers';

export interface TestResult {
  suite: string;
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

export interface Results {
  passed: number;
  failed: number;
  tests: TestResult[];
}

export const LOG_PREFIX = '[racelens-test] ';

function log(line: string): void {
  for (const part of line.split('\n')) console.log(LOG_PREFIX + part);
}

function describe(error: unknown): string {
  return error instanceof Error ? toSource(error.stack ?? error.message) : inspect(error);
}

/**
 * Maps bundle locations in a stack to the TypeScript sources. The extension
 * host formats stacks itself (its own Error.prepareStackTrace), so Node's
 * source-map support does not apply; the map itself is loaded, because
 * out/editor/index.js enables source maps before it loads the bundle.
 */
function toSource(stack: string): string {
  return stack.replace(/(\/[^\s():]+\.js):(\d+):(\d+)/g, (whole, file: string, line: string, column: string) => {
    const entry = findSourceMap(file)?.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !('originalSource' in entry)) return whole;
    const source = entry.originalSource.replace(/^file:\/\//, '');
    return `${relative(process.cwd(), source) || source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

async function withTimeout(body: () => unknown, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([Promise.resolve().then(body), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function run(): Promise<void> {
  const grep = process.env.RACELENS_EDITOR_GREP;
  const chosen = registeredTests().filter((t) => !grep || `${t.suite} ${t.name}`.includes(grep));
  const results: TestResult[] = [];

  const suites = new Map<string, RegisteredTest[]>();
  for (const t of chosen) suites.set(t.suite, [...(suites.get(t.suite) ?? []), t]);

  for (const [suiteName, tests] of suites) {
    if (suiteName) log(suiteName);
    const hooks = suiteHooks(suiteName);
    let setupError: unknown;
    try {
      for (const hook of hooks.before) await withTimeout(hook, tests[0]?.timeout ?? 30_000, `before() of ${suiteName}`);
    } catch (error) {
      setupError = error;
    }
    for (const t of tests) {
      const started = Date.now();
      let error = setupError;
      if (error === undefined) {
        try {
          await withTimeout(t.body, t.timeout, `'${t.name}'`);
        } catch (caught) {
          error = caught ?? new Error('rejected with nothing');
        }
      }
      const ms = Date.now() - started;
      const result: TestResult = { suite: suiteName, name: t.name, ok: error === undefined, ms };
      if (error !== undefined) result.error = describe(error);
      results.push(result);
      log(`  ${result.ok ? 'ok  ' : 'FAIL'} ${t.name} (${ms} ms)`);
      if (result.error) log(result.error.replace(/^/gm, '       '));
    }
    for (const hook of hooks.after) {
      try {
        await withTimeout(hook, 30_000, `after() of ${suiteName}`);
      } catch (error) {
        log(`  after() of ${suiteName} failed: ${describe(error)}`);
      }
    }
  }

  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  const file = process.env.RACELENS_EDITOR_RESULTS;
  if (file) writeFileSync(file, JSON.stringify({ passed, failed, tests: results } satisfies Results, null, 2));
  if (results.length === 0) throw new Error(grep ? `no editor test matches '${grep}'` : 'no editor tests were registered');
  if (failed > 0) throw new Error(`${failed} editor test(s) failed`);
}
