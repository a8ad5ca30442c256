// A named, row-major tensor. Storage is Float32Array for training; the gradient check builds the
// same model over Float64Array, so everything that computes is written against `FloatArray`.
export type FloatArray = Float32Array | Float64Array;
export type DType = 'f32' | 'f64';

export interface Tensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: FloatArray;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function allocate(dtype: DType, n: number): FloatArray {
  return dtype === 'f64' ? new Float64Array(n) : new Float32Array(n);
}

export function tensor(name: string, shape: readonly number[], dtype: DType = 'f32'): Tensor {
  return { name, shape: [...shape], data: allocate(dtype, sizeOf(shape)) };
}

export function shapeText(shape: readonly number[]): string {
  return shape.join('×');
}
