// Shared by the extension-host suites.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { NlmApi } from '../../src/extension/extension';
import type { RunInfo } from '../../src/extension/protocol';
import type { TrainArgs } from '../../src/extension/commands/trainingCommands';

export const EXTENSION_ID = 'nlm-lab.nlm-lab';
/** The repository (out/test/extension → ../../..). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
/** A small network: quick to train, same code paths. */
export const SMALL = { hiddenUnits: 32, batchSize: 50, epochs: 2 };

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
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** NLM: Train with arguments instead of the pickers; resolves once the run is loaded. */
export async function train(args: TrainArgs): Promise<RunInfo> {
  const info = await vscode.commands.executeCommand<RunInfo | undefined>('nlm.train', { noDashboard: true, ...args });
  if (!info) throw new Error(`NLM: Train did not load ${args.dataset}`);
  return info;
}

/** The message of the next error notification the extension shows. */
export async function nextProblem(): Promise<string> {
  const { onDidReportProblem } = await api();
  return new Promise((resolve) => {
    const subscription = onDidReportProblem((message) => {
      subscription.dispose();
      resolve(message);
    });
  });
}

/** The message of the error notification that `action` causes; listening starts before it runs,
 *  so a command that fails at once (before any await) is caught too. */
export async function problemOf(action: () => Thenable<unknown>): Promise<string> {
  const { onDidReportProblem } = await api();
  let subscription: vscode.Disposable | undefined;
  const reported = new Promise<string>((resolve) => (subscription = onDidReportProblem(resolve)));
  try {
    await action();
    return await reported;
  } finally {
    subscription?.dispose();
  }
}

/** `node dist/cli.js …`, parsed from JSON. */
export function cli(args: string[]): unknown {
  // In desktop VS Code (test-electron) execPath is Electron, which runs as plain Node with this.
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  return JSON.parse(execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8', env }));
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-ext-'));
}

/** The harness bridge (screenshots, webview text, the UI script); undefined outside the harness. */
export async function harness(route: string, body: unknown): Promise<unknown> {
  const base = process.env.VSCODE_HARNESS_URL;
  if (!base) return undefined;
  const res = await fetch(base + route, { method: 'POST', body: JSON.stringify(body) });
  return res.json();
}

/** Runs NLM: Open Iteration. Its result may arrive serialised (when the call activates the extension), so look the document up. */
export async function openIteration(): Promise<vscode.TextDocument> {
  await vscode.commands.executeCommand('nlm.openIteration');
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === 'nlm-iteration:/iteration.nlm');
  assert.ok(doc, 'the iteration document is open');
  return doc;
}

/** The 0-based line of a phase in the iteration document. */
export function lineOf(doc: vscode.TextDocument, phase: string): number {
  for (let i = 0; i < doc.lineCount; i++) if (new RegExp(`#\\s${phase}\\b`).test(doc.lineAt(i).text)) return i;
  throw new Error(`no line for phase ${phase} in\n${doc.getText()}`);
}

/** Ends a debug session and resolves once VS Code says it has terminated. */
export async function stopSession(session: vscode.DebugSession): Promise<void> {
  const ended = new Promise<void>((resolve) => {
    const d = vscode.debug.onDidTerminateDebugSession((s) => {
      if (s.id !== session.id) return;
      d.dispose();
      resolve();
    });
  });
  await vscode.debug.stopDebugging(session);
  await ended;
}
