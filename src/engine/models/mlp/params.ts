// The MLP's architecture and parameters: W1 (the word embeddings), W2 and b1 (embeddings → hidden),
// W3 and b2 (hidden → next-word scores), declared for init, the optimizer, model files and views.
import { ActivationName } from '../../activations';
import { ParamSpec } from '../model';

export const PARAM_NAMES = ['W1', 'W2', 'b1', 'W3', 'b2'] as const;
export type ParamName = (typeof PARAM_NAMES)[number];

export interface MlpShape {
  readonly kind: 'mlp';
  readonly vocabSize: number;
  readonly context: number;
  readonly embeddingDim: number;
  readonly hiddenUnits: number;
  readonly activation: ActivationName;
}

export function paramShapes(s: MlpShape): Record<ParamName, number[]> {
  return {
    W1: [s.vocabSize, s.embeddingDim],
    W2: [s.context * s.embeddingDim, s.hiddenUnits],
    b1: [s.hiddenUnits],
    W3: [s.hiddenUnits, s.vocabSize],
    b2: [s.vocabSize],
  };
}

const HIDDEN = { title: 'hidden unit', unit: 'hidden unit' };
const NEXT_WORD = { title: 'next word', unit: 'column' };

export function paramSpecs(s: MlpShape): ParamSpec[] {
  const shapes = paramShapes(s);
  const { vocabSize: V, context: C, embeddingDim: D } = s;
  const weight = (name: 'W2' | 'W3') => ({ shape: shapes[name], decay: true, init: { fanIn: shapes[name][0], fanOut: shapes[name][1] } });
  const bias = (name: 'b1' | 'b2') => ({ shape: shapes[name], decay: false, init: 'zeros' as const, watchVanishing: false, role: 'bias' as const });
  return [
    {
      name: 'W1',
      shape: shapes.W1,
      role: 'embedding',
      wordAxes: [0],
      dimensions: 'vocabulary size, embeddingDim',
      axes: [{ title: 'word', unit: 'row' }, { title: 'embedding dimension', unit: 'dimension' }],
      decay: true,
      init: { fanIn: V, fanOut: D },
      watchVanishing: true,
      title: 'word embeddings',
      description: 'Row i is the learned vector of word i.',
      gradientDescription: 'Last mini-batch only: rows of words absent from its contexts are zero.',
    },
    {
      name: 'W2',
      ...weight('W2'),
      role: 'weight',
      wordAxes: [],
      dimensions: 'context×embeddingDim, hiddenUnits',
      axes: [{ title: 'context word · embedding dimension', unit: 'row' }, HIDDEN],
      contextBlock: D,
      watchVanishing: true,
      title: 'embeddings → hidden',
      description: `Rows: the ${C} context words’ embedding dimensions; columns: hidden units.`,
      gradientDescription: 'Last mini-batch’s ∂L/∂W2 = Eᵀ·dZ1.',
    },
    { name: 'b1', ...bias('b1'), wordAxes: [], dimensions: 'hiddenUnits', axes: [HIDDEN], title: 'hidden bias', description: 'One bias per hidden unit.', gradientDescription: 'Last mini-batch’s ∂L/∂b1 = Σ dZ1.' },
    {
      name: 'W3',
      ...weight('W3'),
      role: 'weight',
      wordAxes: [1],
      dimensions: 'hiddenUnits, vocabulary size',
      axes: [HIDDEN, NEXT_WORD],
      watchVanishing: false,
      title: 'hidden → output',
      description: 'Row per hidden unit; column j feeds the score of next word j.',
      gradientDescription: 'Last mini-batch’s ∂L/∂W3 = Hᵀ·dZ2.',
    },
    { name: 'b2', ...bias('b2'), wordAxes: [0], dimensions: 'vocabulary size', axes: [NEXT_WORD], title: 'output bias', description: 'One bias per next word.', gradientDescription: 'Last mini-batch’s ∂L/∂b2 = Σ dZ2.' },
  ];
}
