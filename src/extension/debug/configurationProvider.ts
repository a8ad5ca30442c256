// Debug configurations for the `nlm` debugger. F5 without a launch.json debugs the run the user
// has (attach: same model, data, settings and position) or, with none loaded, starts one from the
// `nlm.*` settings on the dataset last chosen in NLM: Train (else the demo corpus). A launch
// configuration takes its missing hyper-parameters from the settings; when it would replace a run
// with unsaved iterations, a modal question comes first. Relative paths resolve against the
// workspace folder.
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunController } from '../session/runController';
import { configuredCorpusOptions, configuredHyperParameters } from '../settings';
import { planDebugStart } from './debugStartPlan';

export const ATTACH_CURRENT_RUN: vscode.DebugConfiguration = {
  type: 'nlm',
  request: 'attach',
  name: 'NLM: debug the current run',
};

export const DEFAULT_LAUNCH: vscode.DebugConfiguration = {
  type: 'nlm',
  request: 'launch',
  name: 'NLM: debug training on the demo corpus',
  dataset: 'demo',
};

const REPLACE = 'Start a New Run';
const ATTACH = 'Debug the Current Run';

export class NlmConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(
    private readonly run: RunController,
    /** The dataset last chosen in NLM: Train or Load Model. */
    private readonly lastDataset: () => string | undefined,
  ) {}

  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [ATTACH_CURRENT_RUN, DEFAULT_LAUNCH];
  }

  async resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    // F5 with no launch.json arrives as an empty configuration.
    const empty = !config.type && !config.request && !config.name;
    const request = empty ? undefined : config.request === 'attach' ? 'attach' : 'launch';
    const plan = planDebugStart({ request, hasRun: this.run.info !== undefined, unsavedSteps: this.run.unsavedSteps });
    switch (plan.kind) {
      case 'attach':
        return empty ? { ...ATTACH_CURRENT_RUN } : config;
      case 'launch':
        return this.launch(folder, empty ? this.fromSettings() : config);
      case 'ask': {
        const info = this.run.info!;
        const choice = await vscode.window.showWarningMessage(
          `Start a new run? The current one (${info.dataset.name}) has ${plan.unsavedSteps} iterations trained since it was loaded or saved.`,
          { modal: true, detail: 'A new run replaces it: save it first (NLM: Save Model) to keep its weights, or debug it as it is.' },
          REPLACE,
          ATTACH,
        );
        if (choice === REPLACE) return this.launch(folder, config);
        if (choice === ATTACH) return { ...ATTACH_CURRENT_RUN, stopOnEntry: config.stopOnEntry };
        return undefined;
      }
    }
  }

  /** The `nlm.*` settings under the configuration's own keys; dataset and model paths made absolute. */
  private launch(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration {
    const base = folder?.uri.fsPath;
    const resolved: vscode.DebugConfiguration = { ...configuredHyperParameters(), ...configuredCorpusOptions(), ...config };
    for (const key of ['dataset', 'modelFile'] as const) {
      const value: unknown = resolved[key];
      if (base && typeof value === 'string' && value && value !== 'demo' && !path.isAbsolute(value)) resolved[key] = path.join(base, value);
    }
    return resolved;
  }

  private fromSettings(): vscode.DebugConfiguration {
    const dataset = this.lastDataset() ?? 'demo';
    const name = dataset === 'demo' ? 'the demo corpus' : path.basename(dataset);
    return { ...DEFAULT_LAUNCH, name: `NLM: debug training on ${name}`, dataset };
  }
}
