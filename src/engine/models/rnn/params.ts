// The RNN's parameters: W1 (the word embeddings, shared by every time step), Wxh, Whh and bh
// (input and previous hidden state → hidden state), Why and by (last hidden state → next-word
// scores), declared for init, the optimizer, model files and views.
import { ParamSpec } from '../model';
import { RecurrentShape } from '../recurrent';

export const PARAM_NAMES = ['W1', 'Wxh', 'Whh', 'bh', 'Why', 'by'] as const;
export type ParamName = (typeof PARAM_NAMES)[number];

const HIDDEN = { title: 'hidden unit', unit: 'hidden unit' };
const NEXT_WORD = { title: 'next word', unit: 'column' };

export function paramSpecs(s: RecurrentShape): ParamSpec[] {
  const { vocabSize: V, embeddingDim: D, hiddenUnits: P } = s;
  const weight = (rows: number, cols: number) => ({ shape: [rows, cols], decay: true, init: { fanIn: rows, fanOut: cols } });
  return [
    {
      name: 'W1',
      ...weight(V, D),
      role: 'embedding',
      wordAxes: [0],
      dimensions: 'vocabulary size, embeddingDim',
      axes: [{ title: 'word', unit: 'row' }, { title: 'embedding dimension', unit: 'dimension' }],
      watchVanishing: true,
      title: 'word embeddings',
      description: 'Row i is the learned vector of word i, read at every time step.',
      gradientDescription: 'Last mini-batch only: rows of words absent from the BPTT window are zero.',
    },
    {
      name: 'Wxh',
      ...weight(D, P),
      role: 'weight',
      wordAxes: [],
      dimensions: 'embeddingDim, hiddenUnits',
      axes: [{ title: 'embedding dimension', unit: 'row' }, HIDDEN],
      watchVanishing: true,
      title: 'input → hidden',
      description: 'Rows: embedding dimensions of the word at time t; columns: hidden units.',
      gradientDescription: 'Last mini-batch’s ∂L/∂Wxh = Σ_t X_tᵀ·dA_t over the BPTT window.',
    },
    {
      name: 'Whh',
      ...weight(P, P),
      role: 'weight',
      wordAxes: [],
      dimensions: 'hiddenUnits, hiddenUnits',
      axes: [{ title: 'previous hidden unit', unit: 'row' }, HIDDEN],
      watchVanishing: true,
      title: 'hidden → hidden',
      description: 'Rows: hidden units at time t−1; columns: hidden units at time t.',
      gradientDescription: 'Last mini-batch’s ∂L/∂Whh = Σ_t H_{t−1}ᵀ·dA_t over the BPTT window.',
    },
    {
      name: 'bh',
      shape: [P],
      role: 'bias',
      decay: false,
      init: 'zeros',
      wordAxes: [],
      dimensions: 'hiddenUnits',
      axes: [HIDDEN],
      watchVanishing: false,
      title: 'hidden bias',
      description: 'One bias per hidden unit, at every time step.',
      gradientDescription: 'Last mini-batch’s ∂L/∂bh = Σ_t Σ dA_t.',
    },
    {
      name: 'Why',
      ...weight(P, V),
      role: 'weight',
      wordAxes: [1],
      dimensions: 'hiddenUnits, vocabulary size',
      axes: [HIDDEN, NEXT_WORD],
      watchVanishing: false,
      title: 'hidden → output',
      description: 'Row per hidden unit of the last time step; column j feeds the score of next word j.',
      gradientDescription: 'Last mini-batch’s ∂L/∂Why = H_Tᵀ·dZ.',
    },
    {
      name: 'by',
      shape: [V],
      role: 'bias',
      decay: false,
      init: 'zeros',
      wordAxes: [0],
      dimensions: 'vocabulary size',
      axes: [NEXT_WORD],
      watchVanishing: false,
      title: 'output bias',
      description: 'One bias per next word.',
      gradientDescription: 'Last mini-batch’s ∂L/∂by = Σ dZ.',
    },
  ];
}
