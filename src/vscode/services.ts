// What every feature's register() receives: the services activate() made.

import type * as vscode from 'vscode';
import type { FileKeys } from './locations';
import type { TimelinePanel } from './panel/timelinePanel';
import type { Settings } from './settings';
import type { TimelineStore } from './timelineStore';
import type { WorkspaceAnalysis } from './workspaceAnalysis';

export interface Services {
  context: vscode.ExtensionContext;
  analysis: WorkspaceAnalysis;
  settings: Settings;
  keys: FileKeys;
  timelines: TimelineStore;
  panel: TimelinePanel;
  output: vscode.OutputChannel;
}
