// Shared by the extension-host suites.
import * as vscode from 'vscode';
import type { NlmApi } from '../../src/extension/extension';

export const EXTENSION_ID = 'nlm-lab.nlm-lab';

export async function api(): Promise<NlmApi> {
  const ext = vscode.extensions.getExtension<NlmApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed`);
  return ext.activate();
}

export async function waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs = 60000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The harness bridge (screenshots, webview text); undefined outside the harness. */
export async function harness(route: string, body: unknown): Promise<unknown> {
  const base = process.env.VSCODE_HARNESS_URL;
  if (!base) return undefined;
  const res = await fetch(base + route, { method: 'POST', body: JSON.stringify(body) });
  return res.json();
}
