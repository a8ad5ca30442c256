// What the rows and columns of each weight matrix mean, so a heatmap cell can be named in the
// model's terms: a word for W1's rows and W3's columns (RunInfo.wordAxes), a context position and
// embedding dimension for W2's rows, a hidden unit otherwise.
import type { RunInfo } from '../src/extension/protocol';

export interface HeatmapTensor {
  name: string;
  label: string;
  description: string;
}

export const HEATMAP_TENSORS: readonly HeatmapTensor[] = [
  { name: 'W1', label: 'W1 · word embeddings', description: 'Row i is the learned vector of word i.' },
  { name: 'W2', label: 'W2 · embeddings → hidden', description: 'Rows: the 3 context words’ embedding dimensions; columns: hidden units.' },
  { name: 'W3', label: 'W3 · hidden → output', description: 'Row per hidden unit; column j feeds the score of next word j.' },
  { name: 'dW1', label: 'dW1 · gradient of W1', description: 'Last mini-batch only: rows of words absent from its contexts are zero.' },
  { name: 'dW2', label: 'dW2 · gradient of W2', description: 'Last mini-batch’s ∂L/∂W2 = Eᵀ·dZ1.' },
  { name: 'dW3', label: 'dW3 · gradient of W3', description: 'Last mini-batch’s ∂L/∂W3 = Hᵀ·dZ2.' },
];

export interface AxisLabels {
  title: string;
  /** Full name of an index, for tooltips and CSV headers. */
  label(index: number): string;
  /** Short name for axis ticks. */
  tick(index: number): string;
  /** Whether the ticks are words (long, so they need room). */
  words: boolean;
  /** Groups of consecutive indices with a shared meaning (W2's rows: one block per context word). */
  blocks: { start: number; size: number; label: string }[];
}

export interface TensorAxes {
  rows: AxisLabels;
  columns: AxisLabels;
}

export function tensorAxes(name: string, shape: number[], info: RunInfo | undefined): TensorAxes {
  const base = name.startsWith('d') ? name.slice(1) : name;
  const wordAxes = info?.wordAxes[name] ?? info?.wordAxes[base] ?? [];
  const words = (title: string): AxisLabels => ({
    title,
    label: (i) => `${info?.vocab[i] ?? '?'} (word ${i})`,
    tick: (i) => info?.vocab[i] ?? String(i),
    words: true,
    blocks: [],
  });
  const indexed = (title: string, unit: string): AxisLabels => ({ title, label: (i) => `${unit} ${i}`, tick: String, words: false, blocks: [] });
  const D = info?.config.embeddingDim ?? 0;
  switch (base) {
    case 'W1':
      return { rows: wordAxes.includes(0) ? words('word') : indexed('row', 'row'), columns: indexed('embedding dimension', 'dimension') };
    case 'W2':
      return { rows: contextRows(D, shape[0] ?? 0), columns: indexed('hidden unit', 'hidden unit') };
    case 'W3':
      return { rows: indexed('hidden unit', 'hidden unit'), columns: wordAxes.includes(1) ? words('next word') : indexed('column', 'column') };
    default:
      return {
        rows: wordAxes.includes(0) ? words('word') : indexed('row', 'row'),
        columns: wordAxes.includes(1) ? words('word') : indexed('column', 'column'),
      };
  }
}

/** W2's rows: context word k's embedding occupies rows kD … kD + D − 1. */
function contextRows(D: number, rows: number): AxisLabels {
  const context = D > 0 ? Math.round(rows / D) : 0;
  return {
    title: 'context word · embedding dimension',
    label: (i) => (D > 0 ? `context word ${Math.floor(i / D) + 1}, dimension ${i % D} (row ${i})` : `row ${i}`),
    tick: String,
    words: false,
    blocks: context > 1 ? Array.from({ length: context }, (_, k) => ({ start: k * D, size: D, label: `word ${k + 1}` })) : [],
  };
}
