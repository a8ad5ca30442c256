// What the RNN's and the LSTM's exercises (rnn/exercise.ts, lstm/exercise.ts) share: the output
// head read from the last state H_T, the embedding gradient summed over the time steps, and the
// lines of a gradient summed over time (the first backward step sets it, each later one adds).
import { ExerciseAnswer, ExerciseMistake } from './model';

/** Z, P, the loss and their gradients, from the last time step's state H_T. */
export function headAnswers(T: number): Record<string, ExerciseAnswer> {
  return {
    Z: { expression: `H${T} @ Why + by`, shape: 'N×V' },
    P: { expression: 'softmax(Z)', shape: 'N×V' },
    loss: { expression: '-mean(log(sum(P * onehot(y, V), 1)), 0)', shape: '1×1' },
    dZ: { expression: '(P - onehot(y, V)) / N', shape: 'N×V' },
    dWhy: { expression: `H${T}.T @ dZ`, shape: 'M×V' },
    dby: { expression: 'sum(dZ, 0)', shape: '1×V' },
    [`dH${T}`]: { expression: 'dZ @ Why.T', shape: 'N×M' },
  };
}

/** dW1: every backward step's dX_t scattered into W1's rows, first time step first. */
export function embeddingGradientAnswer(backward: readonly number[]): ExerciseAnswer {
  return { expression: [...backward].reverse().map((t) => `scatter_add(W1, x${t}, dX${t})`).join(' + '), shape: 'V×D' };
}

/** A sum over time at backward step t: the first step (t = T) sets it, the others add their share. */
export function sumOverTime(t: number, T: number, name: string, share: string): string {
  return t === T ? share : `${name} + ${share}`;
}

/** The mistake of a later step that writes its share alone instead of adding it to the sum. */
export function shareNotAdded(t: number, name: string, share: string): ExerciseMistake {
  return { expression: share, hint: `${name} is a sum over time: add step ${t}'s share to the ${name} of the later steps (${name} = ${name} + ${share})` };
}
