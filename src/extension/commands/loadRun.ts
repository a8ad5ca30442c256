// Loads a dataset (and optionally a model file) into the worker with the configured
// hyper-parameters, under a cancellable progress notification.
import * as path from 'path';
import type { TrainConfig } from '../../engine/config';
import type { CorpusOptions } from '../../engine/data/text';
import type { RunInfo } from '../protocol';
import { configuredCorpusOptions, configuredHyperParameters } from '../settings';
import { CommandContext } from './context';
import { rememberDataset } from './datasetPicker';
import { withCancellableProgress } from './progress';

export interface LoadArgs {
  /** "demo" or a path to a dataset. */
  dataset: string;
  /** Overrides the `nlm.*` settings. */
  config?: Partial<TrainConfig>;
  /** How a .txt corpus is read; overrides the `nlm.*` corpus settings. */
  corpus?: CorpusOptions;
  modelFile?: string;
}

/** The loaded run, or undefined when the user stopped waiting. */
export async function loadRun(ctx: CommandContext, args: LoadArgs): Promise<RunInfo | undefined> {
  const configured = configuredHyperParameters();
  // A model file says which model it is: the nlm.model setting is for runs from scratch, so loading
  // an RNN file does not fail for a setting left at mlp. An explicit argument still asks.
  if (args.modelFile) delete configured.model;
  const config = { ...configured, ...args.config };
  const name = args.dataset === 'demo' ? 'the demo corpus' : path.basename(args.dataset);
  const info = await withCancellableProgress(`NLM: loading ${name}${args.modelFile ? ` with ${path.basename(args.modelFile)}` : ''}`, (onProgress, signal) =>
    ctx.run.load({ kind: 'load', dataset: { path: args.dataset, corpus: { ...configuredCorpusOptions(), ...args.corpus } }, config, modelFile: args.modelFile }, { onProgress, signal }),
  );
  if (!info) ctx.output.appendLine(`[run] stopped waiting for ${args.dataset} to load`);
  else await rememberDataset(ctx.extension, args.dataset);
  if (info && args.modelFile) ctx.output.appendLine(`[run] weights from ${args.modelFile}`);
  return info;
}
