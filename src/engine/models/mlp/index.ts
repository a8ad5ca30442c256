// The MLP as a model definition: its architecture from the settings and from model files, its
// parameters, its instances and its fused two-thread iteration.
import { ACTIVATIONS, ActivationName } from '../../activations';
import { ModelDefinition, Params } from '../model';
import { BUFFER_NAMES, MlpModel, MlpParams } from './model';
import { MlpShape, PARAM_NAMES, paramSpecs } from './params';
import { mlpExercise } from './exercise';
import { SplitIteration } from './splitIteration';

export const mlp: ModelDefinition<MlpShape> = {
  kind: 'mlp',

  shapeFor(config, data) {
    const { embeddingDim, hiddenUnits, activation } = config;
    return { kind: 'mlp', vocabSize: data.vocabSize, context: data.context, embeddingDim, hiddenUnits, activation };
  },

  paramSpecs,

  create(shape, params, capacity, kernels, dtype) {
    const missing = PARAM_NAMES.filter((name) => !params[name]);
    if (missing.length > 0) throw new Error(`an MLP needs the parameters ${missing.join(', ')}`);
    return new MlpModel(shape, params as Params & MlpParams, capacity, kernels, dtype);
  },

  metaFields({ activation, context, embeddingDim, hiddenUnits }) {
    return { kind: 'mlp', activation, context, embeddingDim, hiddenUnits };
  },

  shapeFromMeta(meta, vocabSize, bad) {
    const { activation, context, embeddingDim, hiddenUnits } = meta;
    if (typeof activation !== 'string' || !(ACTIVATIONS as readonly string[]).includes(activation)) {
      throw bad('activation', `one of ${ACTIVATIONS.join(', ')}`, activation);
    }
    for (const [field, v] of Object.entries({ context, embeddingDim, hiddenUnits })) {
      if (!Number.isSafeInteger(v) || (v as number) <= 0) throw bad(field, 'a positive integer', v);
    }
    return {
      kind: 'mlp',
      vocabSize,
      context: context as number,
      embeddingDim: embeddingDim as number,
      hiddenUnits: hiddenUnits as number,
      activation: activation as ActivationName,
    };
  },

  configOf({ embeddingDim, hiddenUnits, activation }) {
    return { embeddingDim, hiddenUnits, activation };
  },

  gradcheckShape(config) {
    return { kind: 'mlp', vocabSize: 11, context: 3, embeddingDim: 4, hiddenUnits: 6, activation: config.activation ?? 'sigmoid' };
  },

  fused: {
    bufferNames: BUFFER_NAMES,
    create: (kernels, spec, tensors) => new SplitIteration(kernels, spec, tensors),
  },

  exercise: mlpExercise,
};
