// Every hyper-parameter of a training run, with its default and bounds. The CLI, the extension's
// settings and the debugger's launch configuration are all validated here.
import { ACTIVATIONS, ActivationName } from './activations';
import { ScheduleName, SCHEDULES } from './schedules';

export const INITS = ['normal', 'xavier', 'he'] as const;
export type InitName = (typeof INITS)[number];
export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
/** The kinds of model (models/index.ts registers a definition for each; a test keeps them equal). */
export const MODEL_KINDS = ['mlp', 'rnn', 'lstm'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export interface TrainConfig {
  embeddingDim: number;
  hiddenUnits: number;
  activation: ActivationName;
  init: InitName;
  /** Standard deviation of the "normal" init (the course's N(0, 0.01) means σ = 0.01). */
  initStd: number;
  optimizer: OptimizerName;
  lr: number;
  momentum: number;
  beta1: number;
  beta2: number;
  /** The schedule's factor: after every epoch (exponential), every lrStep epochs (step), on a
   *  plateau (plateau); 1 = no decay. */
  lrDecay: number;
  /** How the learning rate changes over the run (schedules.ts). */
  schedule: ScheduleName;
  /** Epochs between two decays of the step schedule. */
  lrStep: number;
  /** The floor no schedule goes below; where cosine ends. */
  lrMin: number;
  /** Reduce on plateau: epochs without a lower validation CE before the rate is multiplied. */
  lrPatience: number;
  /** Iterations over which the rate ramps up linearly from lr/warmupSteps (0 = none). */
  warmupSteps: number;
  /** L2 penalty λ on W1, W2, W3 (biases are not decayed). */
  weightDecay: number;
  batchSize: number;
  epochs: number;
  seed: number;
  /** Stop when validation cross-entropy has not improved for this many epochs (0 = off). */
  patience: number;
  /** Threads a whole iteration runs on (2: a helper thread takes half of each mini-batch). The
   *  weights do not depend on it. */
  threads: number;
  /** The model trained: the next-word MLP or a recurrent model reading the context in order. */
  model: ModelKind;
  /** Recurrent models: backpropagate through the last this many time steps (0 = all of them). */
  bptt: number;
  /** Scale the gradients down to this total L2 norm before the update when it is larger (0 = off). */
  clip: number;
}

export const DEFAULT_CONFIG: Readonly<TrainConfig> = {
  embeddingDim: 16,
  hiddenUnits: 128,
  activation: 'sigmoid',
  init: 'normal',
  initStd: 0.01,
  optimizer: 'adam',
  lr: 0.005,
  momentum: 0.9,
  beta1: 0.9,
  beta2: 0.999,
  lrDecay: 0.75,
  // From the sweep in the README ("Quality on the course data"): cosine over 20 epochs beats the
  // old ×0.75 per epoch, which stalled the learning rate after ~20 epochs.
  schedule: 'cosine',
  lrStep: 5,
  lrMin: 0,
  lrPatience: 1,
  warmupSteps: 0,
  weightDecay: 0,
  batchSize: 100,
  epochs: 20,
  seed: 1,
  patience: 0,
  threads: 2,
  model: 'mlp',
  bptt: 0,
  clip: 0,
};

interface NumberRule {
  min: number;
  max: number;
  integer: boolean;
  description: string;
}

/** Bounds for each numeric setting; also the source of the extension's settings schema. */
export const NUMBER_RULES: Record<Exclude<keyof TrainConfig, 'activation' | 'init' | 'optimizer' | 'schedule' | 'model'>, NumberRule> = {
  embeddingDim: { min: 1, max: 1024, integer: true, description: 'Embedding size D: columns of W1.' },
  hiddenUnits: { min: 1, max: 4096, integer: true, description: 'Hidden units P: columns of W2, rows of W3.' },
  initStd: { min: 0, max: 10, integer: false, description: 'σ of the "normal" initialisation N(0, σ²).' },
  lr: { min: 0, max: 1000, integer: false, description: 'Learning rate.' },
  momentum: { min: 0, max: 0.9999, integer: false, description: 'Momentum coefficient (optimizer "momentum").' },
  beta1: { min: 0, max: 0.9999, integer: false, description: 'Adam β1.' },
  beta2: { min: 0, max: 0.999999, integer: false, description: 'Adam β2.' },
  lrDecay: { min: 0.01, max: 1, integer: false, description: 'Learning rate multiplier of the schedule: after each epoch (exponential), every lrStep epochs (step), on a plateau (plateau); 1 = constant.' },
  lrStep: { min: 1, max: 1000, integer: true, description: 'Step schedule: epochs between two multiplications by lrDecay.' },
  lrMin: { min: 0, max: 1000, integer: false, description: 'Floor of the learning rate under every schedule; where cosine ends.' },
  lrPatience: { min: 1, max: 1000, integer: true, description: 'Plateau schedule: epochs without a lower validation cross-entropy before the learning rate is multiplied by lrDecay.' },
  warmupSteps: { min: 0, max: 1000000, integer: true, description: 'Linear warm-up: iterations over which the learning rate ramps up to its scheduled value (0 = none).' },
  weightDecay: { min: 0, max: 1, integer: false, description: 'L2 weight decay λ on W1, W2, W3.' },
  batchSize: { min: 1, max: 100000, integer: true, description: 'Mini-batch size.' },
  epochs: { min: 1, max: 1000, integer: true, description: 'Number of epochs.' },
  seed: { min: 0, max: 4294967295, integer: true, description: 'Random seed for initialisation and shuffling.' },
  patience: { min: 0, max: 1000, integer: true, description: 'Early stopping: epochs without validation improvement (0 = off).' },
  threads: { min: 1, max: 2, integer: true, description: 'Threads a training iteration runs on (2: half of each mini-batch on a helper thread; same weights either way).' },
  bptt: { min: 0, max: 1000, integer: true, description: 'Recurrent models: backpropagate through the last K time steps only (truncated BPTT; 0 = all of them).' },
  clip: { min: 0, max: 1e6, integer: false, description: 'Gradient clipping: scale all gradients down to this total L2 norm when it is larger (0 = off).' },
};

/** Merges user values over the defaults; throws a message naming the setting on a bad value. */
export function resolveConfig(partial: Partial<Record<keyof TrainConfig, unknown>>): TrainConfig {
  const cfg: TrainConfig = { ...DEFAULT_CONFIG };
  for (const [key, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    if (key === 'activation') cfg.activation = oneOf(key, value, ACTIVATIONS);
    else if (key === 'init') cfg.init = oneOf(key, value, INITS);
    else if (key === 'optimizer') cfg.optimizer = oneOf(key, value, OPTIMIZERS);
    else if (key === 'schedule') cfg.schedule = oneOf(key, value, SCHEDULES);
    else if (key === 'model') cfg.model = oneOf(key, value, MODEL_KINDS);
    else if (key in NUMBER_RULES) {
      const k = key as keyof typeof NUMBER_RULES;
      cfg[k] = checkNumber(k, value, NUMBER_RULES[k]);
    } else throw new Error(`unknown setting "${key}"`);
  }
  return cfg;
}

function oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`${key} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
}

function checkNumber(key: string, value: unknown, rule: NumberRule): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new Error(`${key} must be a number (got ${JSON.stringify(value)})`);
  if (rule.integer && !Number.isInteger(n)) throw new Error(`${key} must be a whole number (got ${n})`);
  if (n < rule.min || n > rule.max) throw new Error(`${key} must be between ${rule.min} and ${rule.max} (got ${n})`);
  return n;
}
