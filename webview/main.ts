// Dashboard webview entry: restores the saved state, draws it at once, then asks the extension
// for the current run and follows its messages.
import type { ToDashboard } from '../src/extension/protocol';
import { Dashboard } from './dashboard';
import './elements';
import { fromPersisted } from './state';
import { acquireApi } from './vscodeApi';

const api = acquireApi();
const root = document.getElementById('dashboard') ?? document.body;
const dashboard = new Dashboard(root, fromPersisted(api.getState()), (m) => api.postMessage(m), (s) => api.setState(s));
window.addEventListener('message', (event: MessageEvent<ToDashboard>) => dashboard.handle(event.data));
api.postMessage({ type: 'ready' });
