// The training hyper-parameters and the text-corpus options from the user's `nlm.*` settings
// (declared in package.json from the engine's NUMBER_RULES and CORPUS_SETTINGS, so bounds and
// defaults come from one place).
import * as vscode from 'vscode';
import { DEFAULT_CONFIG, TrainConfig } from '../engine/config';
import { CORPUS_SETTINGS, CorpusOptions } from '../engine/data/text';
import { TIME_TRAVEL_SETTINGS } from '../engine/timeTravel/settings';

export const CORPUS_KEYS = Object.keys(CORPUS_SETTINGS) as (keyof typeof CORPUS_SETTINGS)[];

export function configuredHyperParameters(): Partial<TrainConfig> {
  const settings = vscode.workspace.getConfiguration('nlm');
  const out: Partial<Record<keyof TrainConfig, unknown>> = {};
  for (const key of Object.keys(DEFAULT_CONFIG) as (keyof TrainConfig)[]) {
    const value = settings.get(key);
    if (value !== undefined) out[key] = value;
  }
  return out as Partial<TrainConfig>;
}

/** How a .txt corpus is read, as the settings say (the engine validates the values). */
export function configuredCorpusOptions(): CorpusOptions {
  const settings = vscode.workspace.getConfiguration('nlm');
  // nlm.task has no default, and VS Code reads an unset string setting as "": both mean "the
  // dataset decides".
  return Object.fromEntries(CORPUS_KEYS.map((key) => [key, settings.get(key)]).filter(([, v]) => v !== undefined && v !== ''));
}

/** The memory time travel may hold per run, in MiB (nlm.timeTravel.memoryMiB). */
export function configuredTimeTravelMiB(): number {
  const key = 'timeTravel.memoryMiB';
  return vscode.workspace.getConfiguration('nlm').get<number>(key) ?? TIME_TRAVEL_SETTINGS[key].default;
}
