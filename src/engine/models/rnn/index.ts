// The RNN as a model definition: a recurrent architecture (models/recurrent.ts) with its own
// parameters, instances and exercises. No fused iteration: the trainer runs its phases.
import { recurrentDefinition } from '../recurrent';
import { rnnExercise } from './exercise';
import { RnnModel } from './model';
import { paramSpecs } from './params';

export const rnn = { ...recurrentDefinition('rnn', paramSpecs, (shape, params, capacity, kernels, dtype) => new RnnModel(shape, params, capacity, kernels, dtype)), exercise: rnnExercise };
