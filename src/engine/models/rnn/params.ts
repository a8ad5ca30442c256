// The RNN's parameters: W1 (the word embeddings, shared by every time step), Wxh, Whh and bh
// (input and previous hidden state → hidden state), Why and by (last hidden state → next-word
// scores), declared for init, the optimizer, model files and views.
import { ParamSpec } from '../model';
import { embeddingSpec, outputSpecs } from '../recurrentParams';
import { RecurrentShape } from '../recurrent';

export const PARAM_NAMES = ['W1', 'Wxh', 'Whh', 'bh', 'Why', 'by'] as const;
export type ParamName = (typeof PARAM_NAMES)[number];

const HIDDEN = { title: 'hidden unit', unit: 'hidden unit' };

export function paramSpecs(s: RecurrentShape): ParamSpec[] {
  const { vocabSize: V, embeddingDim: D, hiddenUnits: P } = s;
  const weight = (rows: number, cols: number) => ({ shape: [rows, cols], decay: true, init: { fanIn: rows, fanOut: cols } });
  return [
    embeddingSpec(V, D),
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
    ...outputSpecs(P, V),
  ];
}
