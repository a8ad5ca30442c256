// The LSTM's parameters: W1 (the word embeddings, shared by every time step), Wxh, Whh and bh
// (input and previous hidden state → the pre-activations of the four gates, in column blocks
// input | forget | cell | output, as PyTorch's nn.LSTM orders them), Why and by (last hidden
// state → next-word scores), declared for init, the optimizer, model files and views.
import { ParamSpec } from '../model';
import { embeddingSpec, outputSpecs } from '../recurrentParams';
import { RecurrentShape } from '../recurrent';

const GATE_UNITS = { title: 'gate (i f g o) · hidden unit', unit: 'column' };

export function paramSpecs(s: RecurrentShape): ParamSpec[] {
  const { vocabSize: V, embeddingDim: D, hiddenUnits: P } = s;
  const weight = (rows: number, cols: number) => ({ shape: [rows, cols], decay: true, init: { fanIn: rows, fanOut: cols } });
  const gates = 'columns: the input, forget, cell and output gates’ hidden units, P each';
  return [
    embeddingSpec(V, D),
    {
      name: 'Wxh',
      ...weight(D, 4 * P),
      role: 'weight',
      wordAxes: [],
      dimensions: 'embeddingDim, 4×hiddenUnits',
      axes: [{ title: 'embedding dimension', unit: 'row' }, GATE_UNITS],
      watchVanishing: true,
      title: 'input → gates',
      description: `Rows: embedding dimensions of the word at time t; ${gates}.`,
      gradientDescription: 'Last mini-batch’s ∂L/∂Wxh = Σ_t X_tᵀ·dA_t over the BPTT window.',
    },
    {
      name: 'Whh',
      ...weight(P, 4 * P),
      role: 'weight',
      wordAxes: [],
      dimensions: 'hiddenUnits, 4×hiddenUnits',
      axes: [{ title: 'previous hidden unit', unit: 'row' }, GATE_UNITS],
      watchVanishing: true,
      title: 'hidden → gates',
      description: `Rows: hidden units at time t−1; ${gates}.`,
      gradientDescription: 'Last mini-batch’s ∂L/∂Whh = Σ_t H_{t−1}ᵀ·dA_t over the BPTT window.',
    },
    {
      name: 'bh',
      shape: [4 * P],
      role: 'bias',
      decay: false,
      init: 'zeros',
      wordAxes: [],
      dimensions: '4×hiddenUnits',
      axes: [GATE_UNITS],
      watchVanishing: false,
      title: 'gate biases',
      description: 'One bias per gate and hidden unit (input, forget, cell, output), at every time step.',
      gradientDescription: 'Last mini-batch’s ∂L/∂bh = Σ_t Σ dA_t.',
    },
    ...outputSpecs(P, V),
  ];
}
