// What expressions evaluate to. Tensors are never copied when named: a TensorView describes a
// slice of the live tensor and reads its values only when asked.
import { FloatArray, shapeText, Tensor } from '../../engine/tensor';
import { Span } from './ast';

/** Text or a small table produced by an environment function such as predict() or nearest(). */
export interface DisplayValue {
  readonly kind: 'display';
  /** Always present, so any caller can show the value without knowing the table. */
  readonly text: string;
  readonly table?: { readonly header: readonly string[]; readonly rows: readonly (readonly (string | number)[])[] };
}

export type Value = number | boolean | string | TensorView | DisplayValue;

/** A value with the span of the text it came from, for errors about arguments and indices. */
export interface Located extends Span {
  readonly value: Value;
}

/** How one axis of a view is narrowed: a single position drops the axis, a range keeps it. */
export type AxisPick = { kind: 'at'; index: number } | { kind: 'range'; from: number; to: number };

export class TensorView {
  readonly kind = 'tensor';

  private constructor(
    /** The whole tensor this view reads from. */
    readonly tensor: Tensor,
    /** How the user would write this view, e.g. `W3[:, "york"]`. */
    readonly label: string,
    readonly shape: readonly number[],
    /** Per axis of this view: whether it is indexed by vocabulary words. */
    readonly wordAxes: readonly boolean[],
    private readonly offset: number,
    private readonly strides: readonly number[],
  ) {}

  static whole(t: Tensor, wordLabelledAxes: readonly number[]): TensorView {
    const strides = rowMajorStrides(t.shape);
    const wordAxes = t.shape.map((_, axis) => wordLabelledAxes.includes(axis));
    return new TensorView(t, t.name, [...t.shape], wordAxes, 0, strides);
  }

  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  /** `picks` narrow the leading axes (the caller has range-checked them); the rest are kept whole. */
  pick(picks: readonly AxisPick[], label: string): TensorView {
    let offset = this.offset;
    const shape: number[] = [];
    const strides: number[] = [];
    const wordAxes: boolean[] = [];
    this.shape.forEach((n, axis) => {
      const p: AxisPick = picks[axis] ?? { kind: 'range', from: 0, to: n };
      if (p.kind === 'at') {
        offset += p.index * this.strides[axis];
        return;
      }
      offset += p.from * this.strides[axis];
      shape.push(p.to - p.from);
      strides.push(this.strides[axis]);
      wordAxes.push(this.wordAxes[axis]);
    });
    return new TensorView(this.tensor, label, shape, wordAxes, offset, strides);
  }

  /** Current values in row-major order: the live storage when contiguous, else a copy. */
  values(): FloatArray {
    const size = this.size;
    const natural = rowMajorStrides(this.shape);
    if (this.strides.every((s, axis) => this.shape[axis] === 1 || s === natural[axis])) {
      return this.tensor.data.subarray(this.offset, this.offset + size);
    }
    const out = new Float64Array(size);
    const at = this.shape.map(() => 0);
    let offset = this.offset;
    for (let n = 0; n < size; n++) {
      out[n] = this.tensor.data[offset];
      // Odometer step: advance the last axis, carrying into earlier ones.
      for (let axis = this.shape.length - 1; axis >= 0; axis--) {
        offset += this.strides[axis];
        if (++at[axis] < this.shape[axis]) break;
        offset -= this.strides[axis] * this.shape[axis];
        at[axis] = 0;
      }
    }
    return out;
  }
}

function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = shape.map(() => 1);
  for (let axis = shape.length - 2; axis >= 0; axis--) strides[axis] = strides[axis + 1] * shape[axis + 1];
  return strides;
}

/** "a number", "a tensor (W1 [4×2])", … for messages. */
export function describe(v: Value): string {
  if (v instanceof TensorView) return `a tensor (${v.label} [${shapeText(v.shape)}])`;
  if (typeof v === 'object') return 'a text result';
  return `a ${typeof v}`;
}

/** The way out of "cannot add a tensor and a number". */
export function reduceHint(v: TensorView): string {
  return `use norm(${v.label}) or mean(${v.label})`;
}
