// The LSTM in the tensor language of exercise mode (engine/exercise/): a correct expression for
// every tensor its phases write, per time step, and its typical mistakes. The four gates are column
// blocks of A_t (input | forget | cell | output, M columns each: slice(A2, M, 2 * M) is F2's). As
// for the RNN (rnn/exercise.ts), dWxh, dWhh and dbh are sums over time with a line in every
// backward step; so is dC_t: step t+1 carries dC_{t+1}⊙F_{t+1} to it, step t adds what comes
// through H_t.
import { ExerciseAnswer, ExerciseDefinition, ExerciseMistake } from '../model';
import { RecurrentShape, timeSteps, windowStart } from '../recurrent';
import { embeddingGradientAnswer, headAnswers, shareNotAdded, sumOverTime } from '../recurrentExercise';

const BLOCKS = ['0, M', 'M, 2 * M', '2 * M, 3 * M', '3 * M, 4 * M'];

/** tanh'(C_t) written with C_t. */
const tanhPrime = (t: number) => `(1 - tanh(C${t}) * tanh(C${t}))`;

export const lstmExercise: ExerciseDefinition<RecurrentShape> = {
  usesActivation: false,

  sizes: (s) => ({ V: s.vocabSize, D: s.embeddingDim, M: s.hiddenUnits, C: s.context }),

  notes: (s) => [
    `# The LSTM reads the C = ${s.context} context words in order, one time step each: X_t = W1[x_t],`,
    `# A_t = X_t·Wxh + H_{t−1}·Whh + bh (N×4M: the gates' columns input | forget | cell | output, M each),`,
    `# I_t = σ(slice(A_t, 0, M)), F_t = σ(…M, 2M), G_t = tanh(…2M, 3M), O_t = σ(…3M, 4M),`,
    `# C_t = F_t⊙C_{t−1} + I_t⊙G_t, H_t = O_t⊙tanh(C_t) (H_0 = C_0 = 0); the next word from H${s.context}.`,
    `# Backward, last step first: dC_t gets dH_t⊙O_t⊙(1 − tanh²C_t), plus dC_{t+1}⊙F_{t+1} carried from`,
    `# step t+1 (so dC_t has a line in both steps); dA_t = concat(dI, dF, dG, dO) through σ' = s(1 − s)`,
    `# and tanh' = 1 − g². dWxh, dWhh and dbh are sums over time: the bptt${s.context} lines set them,`,
    `# each later step's lines add that step's share (dWxh = dWxh + …).`,
  ],

  answers: (s) => {
    const T = s.context;
    const { all, backward } = timeSteps(s);
    const window = windowStart(s);
    const out: Record<string, ExerciseAnswer> = {};
    for (const t of all) {
      const gate = (k: number, f: string) => `${f}(slice(A${t}, ${BLOCKS[k]}))`;
      out[`X${t}`] = { expression: `rows(W1, x${t})`, shape: 'N×D' };
      out[`A${t}`] = { expression: t > 1 ? `X${t} @ Wxh + H${t - 1} @ Whh + bh` : `X${t} @ Wxh + bh`, shape: 'N×4M' };
      out[`I${t}`] = { expression: gate(0, 'sigmoid'), shape: 'N×M' };
      out[`F${t}`] = { expression: gate(1, 'sigmoid'), shape: 'N×M' };
      out[`G${t}`] = { expression: gate(2, 'tanh'), shape: 'N×M' };
      out[`O${t}`] = { expression: gate(3, 'sigmoid'), shape: 'N×M' };
      out[`C${t}`] = { expression: t > 1 ? `F${t} * C${t - 1} + I${t} * G${t}` : `I${t} * G${t}`, shape: 'N×M' };
      out[`H${t}`] = { expression: `O${t} * tanh(C${t})`, shape: 'N×M' };
    }
    Object.assign(out, headAnswers(T));
    for (const t of backward) {
      const first = t === T;
      const sum = (name: string, share: string) => sumOverTime(t, T, name, share);
      const key = (name: string) => `${name}@bptt${t}`;
      out[key(`dC${t}`)] = { expression: sum(`dC${t}`, `dH${t} * O${t} * ${tanhPrime(t)}`), shape: 'N×M' };
      const dF = t > 1 ? `dC${t} * C${t - 1} * F${t} * (1 - F${t})` : `0 * F${t}`;
      out[`dA${t}`] = {
        expression: `concat(dC${t} * G${t} * I${t} * (1 - I${t}), ${dF}, dC${t} * I${t} * (1 - G${t} * G${t}), dH${t} * tanh(C${t}) * O${t} * (1 - O${t}))`,
        shape: 'N×4M',
      };
      out[first ? 'dWxh' : key('dWxh')] = { expression: sum('dWxh', `X${t}.T @ dA${t}`), shape: 'D×4M' };
      out[first ? 'dWhh' : key('dWhh')] = { expression: t > 1 ? sum('dWhh', `H${t - 1}.T @ dA${t}`) : first ? '0 * Whh' : 'dWhh', shape: 'M×4M' };
      out[first ? 'dbh' : key('dbh')] = { expression: sum('dbh', `sum(dA${t}, 0)`), shape: '1×4M' };
      out[`dX${t}`] = { expression: `dA${t} @ Wxh.T`, shape: 'N×D' };
      if (t > window) {
        out[`dH${t - 1}`] = { expression: `dA${t} @ Whh.T`, shape: 'N×M' };
        out[key(`dC${t - 1}`)] = { expression: `dC${t} * F${t}`, shape: 'N×M' };
      }
    }
    out.dW1 = embeddingGradientAnswer(backward);
    return out;
  },

  mistakes: (s) => {
    const T = s.context;
    const { backward } = timeSteps(s);
    const window = windowStart(s);
    const out: Record<string, ExerciseMistake[]> = {
      dZ: [{ expression: '(onehot(y, V) - P) / N', hint: 'wrong sign: dZ = (P − Y) / N' }],
    };
    for (const t of backward) {
      const first = t === T;
      const fromH = `dH${t} * O${t} * ${tanhPrime(t)}`;
      out[`dC${t}@bptt${t}`] = [
        { expression: `dH${t} * O${t}`, hint: `missing tanh'(C${t}): H${t} = O${t}⊙tanh(C${t}), so dC${t} gets dH${t}⊙O${t}⊙(1 − tanh²C${t})` },
        ...(first ? [] : [{ expression: fromH, hint: `missing the carried term: dC${t} also gets dC${t + 1}⊙F${t + 1} from step ${t + 1} (dC${t} = dC${t} + …)` }]),
      ];
      if (t > window) {
        out[`dH${t - 1}`] = [
          { expression: `dA${t} @ Whh`, hint: `back through Whh is Whhᵀ: dH${t - 1} = dA${t}·Whhᵀ` },
          { expression: `0 * dA${t} @ Whh.T`, hint: `missing the recurrent term: H${t - 1} feeds A${t}, so dH${t - 1} = dA${t}·Whhᵀ` },
        ];
        out[`dC${t - 1}@bptt${t}`] = [{ expression: `dC${t}`, hint: `the cell state is carried through the forget gate: dC${t - 1} = dC${t}⊙F${t}` }];
      }
      if (!first) {
        const forgot = (name: string, share: string) => shareNotAdded(t, name, share);
        out[`dWxh@bptt${t}`] = [forgot('dWxh', `X${t}.T @ dA${t}`)];
        out[`dbh@bptt${t}`] = [forgot('dbh', `sum(dA${t}, 0)`)];
      }
    }
    return out;
  },
};
