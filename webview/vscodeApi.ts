// Types for the handle VS Code gives a webview; acquireVsCodeApi() may be called only once.
import type { FromDashboard } from '../src/extension/protocol';

export interface VsCodeApi {
  postMessage(message: FromDashboard): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export function acquireApi(): VsCodeApi {
  return acquireVsCodeApi();
}
