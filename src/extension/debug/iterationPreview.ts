// The iteration document before any run is loaded: the engine builds its phase list for the
// configured settings on a two-word stand-in dataset, so the preview shows the same lines (the
// configured activation and optimizer) a real run will, without touching the shared run.
import { resolveConfig, TrainConfig } from '../../engine/config';
import { makeSplit } from '../../engine/data/dataset';
import { jsKernels } from '../../engine/kernels';
import { Trainer } from '../../engine/trainer';
import { phaseInfos } from '../phaseInfo';
import type { IterationInput } from './iterationDocument';

export function previewIteration(settings: Partial<TrainConfig>): IterationInput {
  const config = resolveConfig(settings);
  const split = makeSplit(new Int32Array(3), new Int32Array(1), 3);
  const dataset = { name: 'preview', source: 'preview', vocab: ['a', 'b'], context: 3, train: split, valid: split, test: split };
  // The phase list depends on the activation and optimizer, not on the sizes: build it small.
  const trainer = new Trainer(dataset, { ...config, embeddingDim: 1, hiddenUnits: 1 }, jsKernels);
  return {
    config,
    modelKind: trainer.model.kind,
    phases: phaseInfos(trainer.phases),
  };
}
