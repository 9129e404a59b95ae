// Settings: a wrong one is reported with its path and the rest keeps
// working; severity and checks per code; .racelens.json problems as
// diagnostics on the file.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { after, suite, test, waitFor, waitForDiagnostics, workspaceUri } from '../harness';
import { idle, openSeed, raceLensDiagnostics } from './featureHelpers';

const racelens = () => vscode.workspace.getConfiguration('racelens');

async function set(key: string, value: unknown): Promise<void> {
  await racelens().update(key, value, vscode.ConfigurationTarget.Workspace);
}

/** The workspace's own .racelens.json (examples/ has one), put back after the test that replaces it. */
let original: Uint8Array | undefined;

suite('settings', () => {
  after(async () => {
    for (const key of ['severity', 'checks', 'simulation.loopUnroll']) await set(key, undefined);
    if (original) await vscode.workspace.fs.writeFile(workspaceUri('.racelens.json'), original);
    await idle();
  });

  test('a wrong severity is reported with its setting path; the diagnostics still appear', async () => {
    const editor = await openSeed();
    await set('severity', { RL001: 'fatal', RL002: 'hint' });
    await set('simulation.loopUnroll', 0);
    const state = await waitFor('the wrong settings to be reported', async () => {
      const s = await idle();
      return s.settingsProblems.length >= 2 ? s : undefined;
    });
    assert.ok(state.settingsProblems.some((p) => /^racelens\.severity\.RL001: expected one of error, warning, information, hint, got "fatal"$/.test(p)), state.settingsProblems.join('\n'));
    assert.ok(state.settingsProblems.some((p) => p.startsWith('racelens.simulation.loopUnroll: expected a whole number from 1 to 16')));
    const rl001 = raceLensDiagnostics(editor.document.uri, 'RL001');
    assert.equal(rl001.length, 2);
    assert.equal(rl001[0]!.severity, vscode.DiagnosticSeverity.Error, 'the wrong value falls back to the check\'s own severity');
  });

  test('a severity per code applies; a check turned off shows nothing', async () => {
    const editor = await openSeed();
    await set('severity', { RL001: 'warning' });
    await waitForDiagnostics(editor.document.uri, (ds) => ds.some((d) => d.code === 'RL001' && d.severity === vscode.DiagnosticSeverity.Warning));
    await set('checks', { RL001: false });
    await waitForDiagnostics(editor.document.uri, (ds) => !ds.some((d) => d.code === 'RL001'));
    await set('checks', undefined);
    await waitForDiagnostics(editor.document.uri, (ds) => ds.filter((d) => d.code === 'RL001').length === 2);
  });

  test('a wrong entry in .racelens.json is a diagnostic on its line; the findings still appear', async () => {
    const editor = await openSeed();
    const file = workspaceUri('.racelens.json');
    original ??= await vscode.workspace.fs.readFile(file).then((bytes) => bytes, () => undefined);
    const text = '{\n  "aliases": {\n    "kvm_fw": 3\n  },\n  "entries": ["kvm_vm_ioctl", "reload_store"]\n}\n';
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(text));
    const [problem] = await waitForDiagnostics(file, (ds) => ds.some((d) => d.source === 'RaceLens'));
    assert.equal(problem!.code, 'input');
    assert.equal(problem!.range.start.line, 2);
    assert.match(problem!.message, /^aliases\.kvm_fw: expected the class this name stands for/);
    const state = await idle();
    assert.ok(state.settingsProblems.some((p) => p.startsWith('.racelens.json aliases.kvm_fw:')));
    assert.equal(raceLensDiagnostics(editor.document.uri, 'RL001').length, 1, 'entries from the file apply: kvm_destroy_vm is no longer an entry point');
    if (original) await vscode.workspace.fs.writeFile(file, original);
    else await vscode.workspace.fs.delete(file);
    await waitForDiagnostics(file, (ds) => ds.length === 0);
    await waitForDiagnostics(editor.document.uri, (ds) => ds.filter((d) => d.code === 'RL001').length === 2);
  });
});
