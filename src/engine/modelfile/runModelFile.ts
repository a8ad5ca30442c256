// A training run's model file, built in one place for every saver (the CLI's `train --out/--npz`
// and the worker's save request), so files carry the same provenance whoever wrote them.
import type { Trainer } from '../trainer';
import { modelMeta, saveModel, SavedModel } from './modelFile';
import { exportNpz } from './npz';

/** The run's parameters with its metadata; `startedFrom`: the model file the run was loaded from. */
export function runModelFile(t: Trainer, startedFrom?: string): SavedModel {
  return {
    meta: modelMeta(t.shape, t.dataset.vocab, t.config.init, {
      dataset: t.dataset.source,
      epochs: t.epoch,
      seed: t.config.seed,
      optimizer: t.config.optimizer,
      steps: t.steps,
      lr: t.config.lr,
      batchSize: t.config.batchSize,
      ...(startedFrom !== undefined && { startedFrom }),
    }),
    params: t.params,
  };
}

/** Writes the model as safetensors (atomically) or as a NumPy .npz export. */
export function writeModelFile(path: string, format: 'safetensors' | 'npz', model: SavedModel): void {
  if (format === 'npz') exportNpz(path, model);
  else saveModel(path, model);
}
