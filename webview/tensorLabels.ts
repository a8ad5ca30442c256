// What the rows and columns of each weight matrix mean, so a heatmap cell can be named in the
// model's terms, from the parameters it declares (RunInfo.params): a word on an axis indexed by
// words (RunInfo.wordAxes), a context position and embedding dimension for rows in blocks per context
// word, the axis's own name otherwise.
import type { ParamInfo, RunInfo } from '../src/extension/protocol';

export interface HeatmapTensor {
  name: string;
  label: string;
  description: string;
}

/** The model's matrices, then their gradients: what the heatmap offers. */
export function heatmapTensors(info: RunInfo | undefined): HeatmapTensor[] {
  const matrices = (info?.params ?? []).filter((p) => p.shape.length === 2);
  return [
    ...matrices.map((p) => ({ name: p.name, label: `${p.name} · ${p.title}`, description: p.description })),
    ...matrices.map((p) => ({ name: `d${p.name}`, label: `d${p.name} · gradient of ${p.name}`, description: p.gradientDescription })),
  ];
}

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
  const param: ParamInfo | undefined = info?.params.find((p) => p.name === name) ?? info?.params.find((p) => `d${p.name}` === name);
  if (param && param.axes.length === 2) {
    const [rows, columns] = param.axes;
    return {
      rows: wordAxes.includes(0)
        ? words(rows.title)
        : param.contextBlock
          ? contextRows(param.contextBlock, shape[0] ?? 0, rows.title)
          : indexed(rows.title, rows.unit),
      columns: wordAxes.includes(1) ? words(columns.title) : indexed(columns.title, columns.unit),
    };
  }
  return {
    rows: wordAxes.includes(0) ? words('word') : indexed('row', 'row'),
    columns: wordAxes.includes(1) ? words('word') : indexed('column', 'column'),
  };
}

/** Rows in blocks of D, one per context word: context word k's occupy rows kD … kD + D − 1. */
function contextRows(D: number, rows: number, title: string): AxisLabels {
  const context = D > 0 ? Math.round(rows / D) : 0;
  return {
    title,
    label: (i) => (D > 0 ? `context word ${Math.floor(i / D) + 1}, dimension ${i % D} (row ${i})` : `row ${i}`),
    tick: String,
    words: false,
    blocks: context > 1 ? Array.from({ length: context }, (_, k) => ({ start: k * D, size: D, label: `word ${k + 1}` })) : [],
  };
}
