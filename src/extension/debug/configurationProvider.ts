// Launch configurations for the `nlm` debugger: F5 without a launch.json debugs the demo corpus
// and stops on entry; relative dataset and model paths resolve against the workspace folder.
import * as path from 'path';
import * as vscode from 'vscode';

export const DEFAULT_LAUNCH: vscode.DebugConfiguration = {
  type: 'nlm',
  request: 'launch',
  name: 'NLM: debug training on the demo corpus',
  dataset: 'demo',
  stopOnEntry: true,
};

export class NlmConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [DEFAULT_LAUNCH];
  }

  resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration {
    // F5 with no launch.json arrives as an empty configuration.
    if (!config.type && !config.request && !config.name) return { ...DEFAULT_LAUNCH };
    const base = folder?.uri.fsPath;
    const resolved = { ...config };
    for (const key of ['dataset', 'modelFile'] as const) {
      const value: unknown = resolved[key];
      if (base && typeof value === 'string' && value && value !== 'demo' && !path.isAbsolute(value)) resolved[key] = path.join(base, value);
    }
    return resolved;
  }
}
