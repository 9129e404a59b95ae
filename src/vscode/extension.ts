// The editor layer: it only presents what the layers below compute. The
// analysis runs on a worker thread (analysis/); each feature is one file
// with one register(), and this function is their table of contents.

import * as vscode from 'vscode';
import { join } from 'node:path';
import { EngineClient } from './analysis/client';
import { FileKeys } from './locations';
import { TimelinePanel } from './panel/timelinePanel';
import type { Services } from './services';
import { Settings } from './settings';
import { TimelineStore } from './timelineStore';
import { VirtualDocuments } from './virtualDocuments';
import { WorkspaceAnalysis } from './workspaceAnalysis';
import * as diagnostics from './features/diagnostics';
import * as statusBar from './features/statusBar';
import * as hover from './features/hover';
import * as codeLens from './features/codeLens';
import * as simulateRace from './features/simulateRace';
import * as timelineCommands from './features/timelineCommands';
import * as verifyTimeline from './features/verifyTimeline';
import * as lockGraph from './features/lockGraph';
import * as explainObject from './features/explainObject';
import * as showModel from './features/showModel';
import * as restart from './features/restart';
import * as testHooks from './features/testHooks';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('RaceLens');
  context.subscriptions.push(output);
  try {
    const distDir = join(context.extensionPath, 'dist');
    const keys = new FileKeys();
    const settings = await Settings.create(output);
    const client = EngineClient.start(distDir);
    if (client.mode === 'in-process') output.appendLine(`analysis runs on the extension host's thread: ${client.why ?? ''}`);
    const analysis = new WorkspaceAnalysis(client, settings, keys, output, distDir);
    const panel = TimelinePanel.register(context, keys, output);
    const pages = VirtualDocuments.register(context);
    const services: Services = { context, analysis, settings, keys, timelines: new TimelineStore(analysis), panel, output };
    context.subscriptions.push(settings, analysis);

    diagnostics.register(services);       // findings, input problems, broken assertions
    statusBar.register(services);         // indexing / N findings / error; the findings list
    hover.register(services);             // witness timelines, assertion verdicts, objects
    codeLens.register(services);          // Simulate Race, Verify Timeline
    simulateRace.register(services);
    timelineCommands.register(services);  // Show Timeline, Copy Timeline as Text
    verifyTimeline.register(services);
    lockGraph.register(services, pages);
    explainObject.register(services, pages);
    showModel.register(services, pages);
    restart.register(services);
    testHooks.register(services);         // racelens.waitForIdle (tests only)

    analysis.start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    output.appendLine(`RaceLens could not start: ${error instanceof Error ? error.stack : message}`);
    void vscode.window.showErrorMessage(`RaceLens could not start: ${message}`, 'Show Output').then((choice) => choice && output.show());
  }
}

export function deactivate(): void {}
