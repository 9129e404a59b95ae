// The one function a VS Code webview gets from its host, typed with the
// panel's own protocol (what @types/vscode-webview declares, narrowed).

import type { PanelState, WebviewMessage } from '../../src/report/timelineProtocol';

export interface WebviewApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: PanelState): PanelState;
}

declare function acquireVsCodeApi(): WebviewApi;

/** May be called once per page load. */
export const vscode: WebviewApi = acquireVsCodeApi();
