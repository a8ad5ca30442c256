// The LSTM as a model definition: a recurrent architecture (models/recurrent.ts) with its own
// parameters and instances. No fused iteration: the trainer runs its phases.
import { recurrentDefinition } from '../recurrent';
import { LstmModel } from './model';
import { paramSpecs } from './params';

export const lstm = recurrentDefinition('lstm', paramSpecs, (shape, params, capacity, kernels, dtype) => new LstmModel(shape, params, capacity, kernels, dtype));
