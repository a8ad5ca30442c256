// A loaded run: the dataset, a fresh backend, the trainer (from scratch or from a model file) and
// what the debugger and Predict read from it; and the RunInfo that tells views about its model.
import { resolveConfig, TrainConfig } from '../../engine/config';
import { Dataset } from '../../engine/data/dataset';
import type { CorrectRun } from '../../engine/exercise/correctRun';
import { Predictor } from '../../engine/inference';
import { Kernels } from '../../engine/kernels';
import { checkKindMatches, checkVocabMatches, loadModel, savedShape } from '../../engine/modelfile/modelFile';
import { modelDefinition } from '../../engine/models';
import { Tensor } from '../../engine/tensor';
import { DEFAULT_TIME_TRAVEL, TimeTravel } from '../../engine/timeTravel/timeTravel';
import { Trainer } from '../../engine/trainer';
import type { DatasetSpec, DatasetSummary, RunInfo } from '../protocol';
import { phaseInfos } from '../phaseInfo';
import type { RunRecording } from './runRecording';
import { TrainerExpressions } from './trainerExpressions';

export interface LoadedRun {
  readonly trainer: Trainer;
  readonly dataset: Dataset;
  readonly kernels: Kernels;
  readonly predictor: Predictor;
  readonly expressions: TrainerExpressions;
  /** Its checkpoints and the way back to any earlier moment. */
  readonly travel: TimeTravel;
  /** The model file the run started from, for the saved model's provenance. */
  readonly startedFrom?: string;
  /** Its record in a runs folder, when the host asked for one. */
  readonly recording?: RunRecording;
  /** Training with a student's backward: the same run with the engine's, trained alongside. */
  correctRun?: CorrectRun;
}

/**
 * Loads a run on a fresh backend; `previous`, the run it replaces, is closed (its helper thread ends)
 * once the dataset and the model file have been read, so a bad file leaves it usable.
 */
export function openRun(
  spec: DatasetSpec,
  partial: Partial<TrainConfig>,
  modelFile: string | undefined,
  makeKernels: () => Kernels,
  previous: Trainer | undefined,
  readDataset: (spec: DatasetSpec) => Dataset,
  timeTravelMiB?: number,
): LoadedRun {
  if (timeTravelMiB !== undefined && !(timeTravelMiB >= 0)) throw new Error(`nlm.timeTravel.memoryMiB must be 0 or more (got ${timeTravelMiB})`);
  const path = spec.path;
  const config = resolveConfig(partial);
  const dataset = readDataset(spec);
  const kernels = makeKernels();
  let initial;
  let definition;
  if (modelFile) {
    const saved = loadModel(modelFile);
    checkVocabMatches(saved.meta.vocab, dataset.vocab, modelFile, path);
    const shape = savedShape(saved.meta, modelFile);
    // A run set to train one kind of model does not silently become another.
    if (partial.model !== undefined) checkKindMatches(shape.kind, config.model, modelFile);
    definition = modelDefinition(shape.kind, modelFile);
    Object.assign(config, definition.configOf(shape));
    initial = saved.params;
  }
  previous?.close();
  const trainer = new Trainer(dataset, config, kernels, initial && copyInto(kernels, initial), definition);
  const predictor = new Predictor(trainer.shape, trainer.params, dataset.vocab, kernels);
  const budgetBytes = timeTravelMiB === undefined ? DEFAULT_TIME_TRAVEL.budgetBytes : timeTravelMiB * 2 ** 20;
  const travel = new TimeTravel({ ...DEFAULT_TIME_TRAVEL, budgetBytes, lightCheckpoints: true });
  return { trainer, dataset, kernels, predictor, expressions: new TrainerExpressions(trainer, predictor), travel, startedFrom: modelFile };
}

/** The parameters in the backend's memory (WASM kernels work on their own heap). */
function copyInto<T extends Record<string, Tensor>>(kernels: Kernels, params: T): T {
  const out = {} as Record<string, Tensor>;
  for (const [name, t] of Object.entries(params)) {
    const data = kernels.alloc(t.data.length);
    data.set(t.data);
    out[name] = { name: t.name, shape: t.shape, data };
  }
  return out as T;
}

export function runInfo({ trainer: t, dataset: ds, kernels }: LoadedRun): RunInfo {
  return {
    dataset: datasetSummary(ds),
    config: t.config,
    modelKind: t.model.kind,
    vocab: [...ds.vocab],
    wordClasses: ds.wordClasses ? [...ds.wordClasses] : undefined,
    phases: phaseInfos(t.phases),
    params: t.specs.map(({ name, role, title, description, gradientDescription, axes, contextBlock }) => ({
      name,
      shape: [...t.params[name].shape],
      role,
      title,
      description,
      gradientDescription,
      axes: [...axes],
      ...(contextBlock !== undefined && { contextBlock }),
    })),
    wordAxes: t.model.wordAxes(),
    context: t.shape.context,
    embedding: t.specs.find((p) => p.role === 'embedding')?.name,
    hiddenTensor: t.model.hidden?.tensor,
    hiddenActivation: t.model.hidden?.activation.name,
    ...(t.model.throughTime && { timeSteps: [...t.model.throughTime.steps] }),
    ...(t.model.saturating && {
      saturating: {
        groups: t.model.saturating.map(({ name, activation }) => ({ name, activation: activation.name })),
        timeSteps: t.model.saturating[0].tensors.map((_, i) => i + 1),
      },
    }),
    batchesPerEpoch: t.batchesPerEpoch,
    kernels: kernels.name,
  };
}

export function datasetSummary(ds: Dataset): DatasetSummary {
  const { name, source, context, corpus } = ds;
  const streamTokens = ds.stream && { train: ds.stream.train.length, valid: ds.stream.valid.length, test: ds.stream.test.length };
  return { name, source, vocabSize: ds.vocab.length, context, train: ds.train.n, valid: ds.valid.n, test: ds.test.n, corpus, ...(streamTokens && { streamTokens }) };
}
