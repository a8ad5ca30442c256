// Which settings tell runs apart: against the defaults (a run on its own) or against each other
// (a sweep, a selection of runs). Labels are the CLI's flag names, short enough for table headers.
import { DEFAULT_CONFIG, TrainConfig } from '../config';

export type SettingKey = keyof TrainConfig;

export const SETTING_LABELS: Record<SettingKey, string> = {
  embeddingDim: 'embed',
  hiddenUnits: 'hidden',
  activation: 'activation',
  init: 'init',
  initStd: 'init-std',
  optimizer: 'optimizer',
  lr: 'lr',
  momentum: 'momentum',
  beta1: 'beta1',
  beta2: 'beta2',
  lrDecay: 'lr-decay',
  schedule: 'schedule',
  lrStep: 'lr-step',
  lrMin: 'lr-min',
  lrPatience: 'lr-patience',
  warmupSteps: 'warmup',
  weightDecay: 'l2',
  batchSize: 'batch',
  epochs: 'epochs',
  seed: 'seed',
  patience: 'patience',
  threads: 'threads',
  model: 'model',
  bptt: 'bptt',
  clip: 'clip',
};

const KEYS = Object.keys(DEFAULT_CONFIG) as SettingKey[];

/** The settings of `config` that are not the default, in the order of DEFAULT_CONFIG. */
export function settingsNotDefault(config: TrainConfig): SettingKey[] {
  return KEYS.filter((k) => config[k] !== DEFAULT_CONFIG[k]);
}

/** The settings in which some of `configs` differ; with fewer than two, those not at the default. */
export function settingsThatDiffer(configs: readonly TrainConfig[]): SettingKey[] {
  if (configs.length < 2) return configs.length ? settingsNotDefault(configs[0]) : [];
  return KEYS.filter((k) => configs.some((c) => c[k] !== configs[0][k]));
}

/** "embed=8 hidden=64" (the defaults: "defaults"). */
export function describeSettings(config: TrainConfig, keys: readonly SettingKey[]): string {
  return keys.length ? keys.map((k) => `${SETTING_LABELS[k]}=${config[k]}`).join(' ') : 'defaults';
}
