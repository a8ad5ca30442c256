// The MLP in the tensor language of exercise mode (engine/exercise/): a correct expression for
// every tensor its phases write, and the mistakes students make most often with their hints.
import { ExerciseDefinition } from '../model';
import { MlpShape } from './params';

/** f'(Z1) written with what the activation phase left behind. */
const DERIVATIVE: Record<MlpShape['activation'], string> = {
  sigmoid: 'H * (1 - H)',
  tanh: '(1 - H * H)',
  relu: 'step(Z1)',
  linear: '1',
};

const FORWARD: Record<MlpShape['activation'], string> = {
  sigmoid: 'sigmoid(Z1)',
  tanh: 'tanh(Z1)',
  relu: 'relu(Z1)',
  linear: 'Z1',
};

const contexts = (s: MlpShape) => Array.from({ length: s.context }, (_, k) => k);
/** The first column of context word k's block in E (D columns per word). */
const column = (k: number) => (k === 0 ? '0' : k === 1 ? 'D' : `${k} * D`);

export const mlpExercise: ExerciseDefinition<MlpShape> = {
  usesActivation: true,

  sizes: (s) => ({ V: s.vocabSize, D: s.embeddingDim, M: s.hiddenUnits, C: s.context }),

  answers: (s) => ({
    E: { expression: `concat(${contexts(s).map((k) => `rows(W1, x${k + 1})`).join(', ')})`, shape: `N×${s.context}D` },
    Z1: { expression: 'E @ W2 + b1', shape: 'N×M' },
    H: { expression: FORWARD[s.activation], shape: 'N×M' },
    Z2: { expression: 'H @ W3 + b2', shape: 'N×V' },
    P: { expression: 'softmax(Z2)', shape: 'N×V' },
    loss: { expression: '-mean(log(sum(P * onehot(y, V), 1)), 0)', shape: '1×1' },
    dZ2: { expression: '(P - onehot(y, V)) / N', shape: 'N×V' },
    dW3: { expression: 'H.T @ dZ2', shape: 'M×V' },
    db2: { expression: 'sum(dZ2, 0)', shape: '1×V' },
    dH: { expression: 'dZ2 @ W3.T', shape: 'N×M' },
    dZ1: { expression: s.activation === 'linear' ? 'dH' : `dH * ${DERIVATIVE[s.activation]}`, shape: 'N×M' },
    dW2: { expression: 'E.T @ dZ1', shape: `${s.context}D×M` },
    db1: { expression: 'sum(dZ1, 0)', shape: '1×M' },
    dE: { expression: 'dZ1 @ W2.T', shape: `N×${s.context}D` },
    dW1: { expression: contexts(s).map((k) => `scatter_add(W1, x${k + 1}, slice(dE, ${column(k)}, ${column(k + 1)}))`).join(' + '), shape: 'V×D' },
  }),

  mistakes: (s) => {
    // With the linear activation H = Z1 and dZ1 = dH: those confusions give the right numbers.
    const nonlinear = <T>(list: T[]): T[] => (s.activation === 'linear' ? [] : list);
    return {
      Z1: [{ expression: 'E @ W2', hint: 'missing the bias b1' }],
      Z2: [{ expression: 'H @ W3', hint: 'missing the bias b2' }, ...nonlinear([{ expression: 'Z1 @ W3 + b2', hint: 'Z2 is computed from H = f(Z1), not from Z1' }])],
      P: [{ expression: 'exp(Z2)', hint: 'softmax divides exp(Z2) by its row sums' }],
      dZ2: [{ expression: '(onehot(y, V) - P) / N', hint: 'wrong sign: dZ2 = (P − Y) / N' }],
      dZ1: [
        ...nonlinear([{ expression: 'dH', hint: `missing the ${s.activation}'(Z1) factor: dZ1 = dH ⊙ f'(Z1)` }]),
        ...(s.activation === 'sigmoid' ? [{ expression: 'dH * H', hint: "σ'(Z1) is H ⊙ (1 − H), not H" }] : []),
        ...(s.activation === 'tanh' ? [{ expression: 'dH * (1 - H)', hint: "tanh'(Z1) is 1 − H², not 1 − H" }] : []),
      ],
      dW3: [{ expression: 'H.T @ (P - onehot(y, V))', hint: 'missing 1/N (the mean over the batch), or dZ2 = P − Y was not divided by N' }],
      dW2: nonlinear([{ expression: 'E.T @ dH', hint: "dW2 uses dZ1 = dH ⊙ f'(Z1), not dH" }]),
      dE: nonlinear([{ expression: 'dH @ W2.T', hint: "dE uses dZ1 = dH ⊙ f'(Z1), not dH" }]),
    };
  },
};
