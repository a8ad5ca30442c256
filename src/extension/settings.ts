// The training hyper-parameters from the user's `nlm.*` settings (declared in package.json from
// the engine's NUMBER_RULES, so bounds and defaults come from one place).
import * as vscode from 'vscode';
import { DEFAULT_CONFIG, TrainConfig } from '../engine/config';

export function configuredHyperParameters(): Partial<TrainConfig> {
  const settings = vscode.workspace.getConfiguration('nlm');
  const out: Partial<Record<keyof TrainConfig, unknown>> = {};
  for (const key of Object.keys(DEFAULT_CONFIG) as (keyof TrainConfig)[]) {
    const value = settings.get(key);
    if (value !== undefined) out[key] = value;
  }
  return out as Partial<TrainConfig>;
}
