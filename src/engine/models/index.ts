// The registry of models: kind → definition. The trainer, the CLI, the model files, the worker and
// the helper thread find a model here by the kind its architecture or its file records.
import { InputError } from '../errors';
import { Kernels } from '../kernels';
import { DType } from '../tensor';
import { Model, ModelDefinition, ModelShape, Params } from './model';
import { mlp } from './mlp';
import { rnn } from './rnn';
import { lstm } from './lstm';

const MODELS: Readonly<Record<string, ModelDefinition>> = { mlp, rnn, lstm };

export const MODEL_KINDS: readonly string[] = Object.keys(MODELS);

/** The definition of `kind`; `where` names the file or setting that asked, for the error. */
export function modelDefinition(kind: string, where = 'model'): ModelDefinition {
  if (!Object.hasOwn(MODELS, kind)) throw new InputError(where, `unknown model kind ${JSON.stringify(kind)}; the kinds are ${MODEL_KINDS.join(', ')}`);
  return MODELS[kind];
}

/** An instance of the model `shape` describes. */
export function createModel(shape: ModelShape, params: Params, capacity: number, kernels: Kernels, dtype?: DType): Model {
  return modelDefinition(shape.kind).create(shape, params, capacity, kernels, dtype);
}
