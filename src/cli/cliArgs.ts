// Argument parsing shared by the CLI's commands: strict flags, usage errors, corpus options.
import { parseArgs } from 'util';
import { LoadOptions } from '../engine/data/load';

/** A mistake on the command line: the CLI prints the message and the usage. */
export class UsageError extends Error {}

type Options = Record<string, { type: 'string' | 'boolean'; short?: string }>;

export function args<const T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The options of a text corpus, on every command that reads a dataset. */
export const CORPUS_OPTIONS = {
  vocab: { type: 'string' },
  'min-count': { type: 'string' },
  context: { type: 'string' },
  'keep-case': { type: 'boolean' },
  'keep-punctuation': { type: 'boolean' },
  task: { type: 'string' },
} as const;

export function corpusOptions(values: { vocab?: string; 'min-count'?: string; context?: string; 'keep-case'?: boolean; 'keep-punctuation'?: boolean; task?: string }): LoadOptions {
  const whole = (flag: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (text.trim() === '' || !Number.isInteger(n)) throw new UsageError(`--${flag} must be a whole number (got "${text}")`);
    return n;
  };
  const task = values.task;
  if (task !== undefined && task !== 'ngram' && task !== 'stream') throw new UsageError(`--task must be ngram or stream (got "${task}")`);
  return {
    task,
    vocabSize: whole('vocab', values.vocab),
    minCount: whole('min-count', values['min-count']),
    context: whole('context', values.context),
    lowercase: !values['keep-case'],
    splitPunctuation: !values['keep-punctuation'],
  };
}

/** The training settings' flags, each with the TrainConfig key it sets (train and sweep). */
export const TRAIN_FLAGS = {
  embed: 'embeddingDim',
  hidden: 'hiddenUnits',
  activation: 'activation',
  optimizer: 'optimizer',
  lr: 'lr',
  momentum: 'momentum',
  batch: 'batchSize',
  epochs: 'epochs',
  seed: 'seed',
  init: 'init',
  l2: 'weightDecay',
  'lr-decay': 'lrDecay',
  schedule: 'schedule',
  'lr-step': 'lrStep',
  'lr-min': 'lrMin',
  'lr-patience': 'lrPatience',
  warmup: 'warmupSteps',
  patience: 'patience',
  threads: 'threads',
  model: 'model',
  bptt: 'bptt',
  clip: 'clip',
} as const;

export const TRAIN_OPTIONS = Object.fromEntries(Object.keys(TRAIN_FLAGS).map((f) => [f, { type: 'string' }])) as Record<keyof typeof TRAIN_FLAGS, { type: 'string' }>;

/** Where runs are recorded, on every command that trains or reads runs. */
export const RUNS_OPTIONS = { 'runs-dir': { type: 'string' } } as const;
export const DEFAULT_RUNS_DIR = '.nlm/runs';

/** The training settings given as flags, keyed as TrainConfig (unset flags left out). */
export function trainSettings(values: Partial<Record<keyof typeof TRAIN_FLAGS, string>>): Partial<Record<(typeof TRAIN_FLAGS)[keyof typeof TRAIN_FLAGS], string>> {
  const out: Partial<Record<(typeof TRAIN_FLAGS)[keyof typeof TRAIN_FLAGS], string>> = {};
  for (const [flag, key] of Object.entries(TRAIN_FLAGS)) {
    const v = values[flag as keyof typeof TRAIN_FLAGS];
    if (v !== undefined) out[key] = v;
  }
  return out;
}
