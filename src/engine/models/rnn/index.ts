// The RNN as a model definition: a recurrent architecture (models/recurrent.ts) with its own
// parameters and instances. No fused iteration: the trainer runs its phases.
import { recurrentDefinition } from '../recurrent';
import { RnnModel } from './model';
import { paramSpecs } from './params';

export const rnn = recurrentDefinition('rnn', paramSpecs, (shape, params, capacity, kernels, dtype) => new RnnModel(shape, params, capacity, kernels, dtype));
