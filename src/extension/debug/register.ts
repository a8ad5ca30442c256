// Wires the debugger into VS Code: the `nlm` debug type with an inline adapter that drives the
// extension's shared run (so the dashboard and views follow the debugger), its launch
// configurations, the iteration document with hovers, and NLM: Open Iteration. A session shows
// Run and Debug (Variables, Watch, Call Stack); the NLM view stays one click away.
import * as vscode from 'vscode';
import type { RunController } from '../session/runController';
import { lastDataset } from '../commands/datasetPicker';
import { NlmConfigurationProvider } from './configurationProvider';
import { ITERATION_LANGUAGE, ITERATION_SCHEME } from './iterationDocument';
import { IterationHoverProvider } from './iterationHover';
import { IterationContentProvider, openIteration } from './iterationProvider';
import { NlmDebugSession } from './nlmDebugSession';

export function registerDebugging(context: vscode.ExtensionContext, run: RunController): void {
  const content = new IterationContentProvider(run);
  const hovers = new IterationHoverProvider(run);
  const selector: vscode.DocumentSelector = { language: ITERATION_LANGUAGE };
  context.subscriptions.push(
    content,
    vscode.workspace.registerTextDocumentContentProvider(ITERATION_SCHEME, content),
    vscode.languages.registerHoverProvider(selector, hovers),
    vscode.languages.registerEvaluatableExpressionProvider(selector, hovers),
    vscode.commands.registerCommand('nlm.openIteration', openIteration),
    vscode.debug.registerDebugConfigurationProvider('nlm', new NlmConfigurationProvider(run, () => lastDataset(context))),
    vscode.debug.onDidStartDebugSession((session) => {
      if (session.type === 'nlm') void vscode.commands.executeCommand('workbench.view.debug');
    }),
    vscode.debug.registerDebugAdapterDescriptorFactory('nlm', {
      createDebugAdapterDescriptor: () => new vscode.DebugAdapterInlineImplementation(new NlmDebugSession(run, { ownsRun: false, referencedSource: false })),
    }),
  );
}
