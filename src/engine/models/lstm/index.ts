// The LSTM as a model definition: a recurrent architecture (models/recurrent.ts) with its own
// parameters, instances and exercises. No fused iteration: the trainer runs its phases.
import { recurrentDefinition } from '../recurrent';
import { lstmExercise } from './exercise';
import { LstmModel } from './model';
import { paramSpecs } from './params';

export const lstm = { ...recurrentDefinition('lstm', paramSpecs, (shape, params, capacity, kernels, dtype) => new LstmModel(shape, params, capacity, kernels, dtype)), exercise: lstmExercise };
