// The parameters both recurrent models (rnn/, lstm/) have: the word embeddings W1 that every time
// step reads, and the output layer Why, by on the last hidden state. Each model declares the rest.
import { ParamSpec } from './model';

const HIDDEN = { title: 'hidden unit', unit: 'hidden unit' };
const NEXT_WORD = { title: 'next word', unit: 'column' };

const weight = (rows: number, cols: number) => ({ shape: [rows, cols], decay: true, init: { fanIn: rows, fanOut: cols } });

/** W1: V×D, one row per word. */
export function embeddingSpec(V: number, D: number): ParamSpec {
  return {
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
  };
}

/** Why (P×V) and by (V): the next-word scores from the last hidden state. */
export function outputSpecs(P: number, V: number): ParamSpec[] {
  return [
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
