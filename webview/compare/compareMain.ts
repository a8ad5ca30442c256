// Compare Runs webview entry: draws what the extension sends, asks for it once ready.
import type { FromCompare, ToCompare } from '../../src/extension/protocol';
import { ComparePage } from './comparePage';

declare function acquireVsCodeApi(): { postMessage(message: FromCompare): void };

const api = acquireVsCodeApi();
const page = new ComparePage(document.getElementById('compare') ?? document.body, (m) => api.postMessage(m));
window.addEventListener('message', (event: MessageEvent<ToCompare>) => {
  if (event.data.type === 'comparison') page.show(event.data.comparison);
});
api.postMessage({ type: 'ready' });
