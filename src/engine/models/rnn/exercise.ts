// The RNN in the tensor language of exercise mode (engine/exercise/): a correct expression for
// every tensor its phases write — one line per time step forward and per step of backpropagation
// through time — and the mistakes students make most often with their hints. The gradients summed
// over time (dWxh, dWhh, dbh) are written by every backward step: the first (t = T) sets them, the
// later ones add their step's share, so their answers and mistakes differ per phase (NAME@PHASE).
import { ExerciseAnswer, ExerciseDefinition, ExerciseMistake } from '../model';
import { RecurrentShape, timeSteps, windowStart } from '../recurrent';
import { embeddingGradientAnswer, headAnswers, shareNotAdded, sumOverTime } from '../recurrentExercise';

export const rnnExercise: ExerciseDefinition<RecurrentShape> = {
  usesActivation: false,

  sizes: (s) => ({ V: s.vocabSize, D: s.embeddingDim, M: s.hiddenUnits, C: s.context }),

  notes: (s) => {
    const T = s.context;
    return [
      `# The RNN reads the C = ${T} context words in order, one time step each: X_t = W1[x_t],`,
      `# A_t = X_t·Wxh + H_{t−1}·Whh + bh (no H_{t−1} at t = 1: H_0 = 0), H_t = tanh(A_t); then`,
      `# Z = H${T}·Why + by, P = softmax(Z). Each time step's tensors have their own names: X1 A1 H1, X2 A2 H2, …`,
      `# Backward, last step first: dH${T} comes from the output; the gradient of an earlier H_t comes`,
      `# only through the recurrence. tanh'(A_t) = 1 − H_t² (write it with H_t: 1 - H2 * H2).`,
      `# dWxh, dWhh and dbh are sums over time: the bptt${T} lines set them, each later step's lines add`,
      `# that step's share to them (dWxh = dWxh + …).`,
    ];
  },

  answers: (s) => {
    const T = s.context;
    const { all, backward } = timeSteps(s);
    const window = windowStart(s);
    const out: Record<string, ExerciseAnswer> = {};
    for (const t of all) {
      out[`X${t}`] = { expression: `rows(W1, x${t})`, shape: 'N×D' };
      out[`A${t}`] = { expression: t > 1 ? `X${t} @ Wxh + H${t - 1} @ Whh + bh` : `X${t} @ Wxh + bh`, shape: 'N×M' };
      out[`H${t}`] = { expression: `tanh(A${t})`, shape: 'N×M' };
    }
    Object.assign(out, headAnswers(T));
    for (const t of backward) {
      const first = t === T;
      // The first backward step sets a sum over time; the others add their share to it.
      const sum = (name: string, share: string) => sumOverTime(t, T, name, share);
      const key = (name: string) => (first ? name : `${name}@bptt${t}`);
      out[`dA${t}`] = { expression: `dH${t} * (1 - H${t} * H${t})`, shape: 'N×M' };
      out[key('dWxh')] = { expression: sum('dWxh', `X${t}.T @ dA${t}`), shape: 'D×M' };
      // At t = 1 there is no H_0 to pair with: nothing to add (one time step alone: zeros).
      out[key('dWhh')] = { expression: t > 1 ? sum('dWhh', `H${t - 1}.T @ dA${t}`) : first ? '0 * Whh' : 'dWhh', shape: 'M×M' };
      out[key('dbh')] = { expression: sum('dbh', `sum(dA${t}, 0)`), shape: '1×M' };
      out[`dX${t}`] = { expression: `dA${t} @ Wxh.T`, shape: 'N×D' };
      if (t > window) out[`dH${t - 1}`] = { expression: `dA${t} @ Whh.T`, shape: 'N×M' };
    }
    out.dW1 = embeddingGradientAnswer(backward);
    return out;
  },

  mistakes: (s) => {
    const T = s.context;
    const { backward } = timeSteps(s);
    const window = windowStart(s);
    const out: Record<string, ExerciseMistake[]> = {
      Z: [{ expression: `H${T} @ Why`, hint: 'missing the bias by' }],
      P: [{ expression: 'exp(Z)', hint: 'softmax divides exp(Z) by its row sums' }],
      dZ: [{ expression: '(onehot(y, V) - P) / N', hint: 'wrong sign: dZ = (P − Y) / N' }],
      dWhy: [{ expression: `H${T}.T @ (P - onehot(y, V))`, hint: 'missing 1/N (the mean over the batch), or dZ = P − Y was not divided by N' }],
    };
    for (const t of backward) {
      const first = t === T;
      out[`dA${t}`] = [
        { expression: `dH${t}`, hint: `missing the tanh'(A${t}) factor: dA${t} = dH${t} ⊙ (1 − H${t}²)` },
        { expression: `dH${t} * (1 - H${t})`, hint: `tanh'(A${t}) is 1 − H${t}², not 1 − H${t}` },
        ...(t > 1 ? [{ expression: `dH${t} * (1 - H${t - 1} * H${t - 1})`, hint: `tanh'(A${t}) is this step's 1 − H${t}², not the previous step's` }] : []),
      ];
      if (t > 1) {
        const previous = `dWhh for step ${t} pairs dA${t} with the state it read, H${t - 1} (A${t} = … + H${t - 1}·Whh)`;
        out[first ? 'dWhh' : `dWhh@bptt${t}`] = [{ expression: first ? `H${t}.T @ dA${t}` : `dWhh + H${t}.T @ dA${t}`, hint: previous }];
      }
      if (!first) {
        const forgot = (name: string, share: string) => shareNotAdded(t, name, share);
        out[`dWxh@bptt${t}`] = [forgot('dWxh', `X${t}.T @ dA${t}`)];
        out[`dbh@bptt${t}`] = [forgot('dbh', `sum(dA${t}, 0)`)];
        if (t > 1) out[`dWhh@bptt${t}`].push(forgot('dWhh', `H${t - 1}.T @ dA${t}`));
      }
      if (t > window) {
        out[`dH${t - 1}`] = [
          { expression: `dA${t} @ Whh`, hint: `back through Whh is Whhᵀ: dH${t - 1} = dA${t}·Whhᵀ` },
          { expression: `dH${t} @ Whh.T`, hint: `the recurrent gradient goes through tanh first: dH${t - 1} = dA${t}·Whhᵀ, with dA${t}, not dH${t}` },
          { expression: 'dZ @ Why.T', hint: `H${t - 1} does not feed the output: its gradient is the recurrent term alone, dH${t - 1} = dA${t}·Whhᵀ` },
          { expression: `0 * dA${t}`, hint: `missing the recurrent term: H${t - 1} feeds A${t}, so dH${t - 1} = dA${t}·Whhᵀ` },
        ];
      }
    }
    if (backward.length > 1) out.dW1 = [{ expression: `scatter_add(W1, x${T}, dX${T})`, hint: 'dW1 sums every time step’s scatter: each step read W1[x_t]' }];
    return out;
  },
};
