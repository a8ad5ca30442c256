// Fresh parameters from their declarations: weights from the chosen init, biases zero. The
// parameters draw from one stream in declaration order, so a model's init is fixed by its seed.
import { InitName } from '../config';
import { Kernels } from '../kernels';
import { Rng } from '../rng';
import { allocate, DType, FloatArray, sizeOf } from '../tensor';
import { Params, ParamSpec } from './model';

export interface InitOptions {
  init: InitName;
  initStd: number;
  seed: number;
}

export function initParams(specs: readonly ParamSpec[], opts: InitOptions, dtype: DType, kernels: Kernels): Params {
  const rng = new Rng(opts.seed);
  const params: Params = {};
  for (const spec of specs) {
    const data = store(dtype, kernels, sizeOf(spec.shape));
    if (spec.init !== 'zeros') {
      const std = initStd(opts, spec.init.fanIn, spec.init.fanOut);
      for (let i = 0; i < data.length; i++) data[i] = rng.normal() * std;
    }
    params[spec.name] = { name: spec.name, shape: [...spec.shape], data };
  }
  return params;
}

function initStd(opts: InitOptions, fanIn: number, fanOut: number): number {
  switch (opts.init) {
    case 'normal':
      return opts.initStd;
    case 'xavier':
      return Math.sqrt(2 / (fanIn + fanOut));
    case 'he':
      return Math.sqrt(2 / fanIn);
  }
}

/** An array in the kernels' memory (f32) or on the JS heap (the gradient check's f64). */
export function store(dtype: DType, kernels: Kernels, n: number): FloatArray {
  return dtype === 'f32' ? kernels.alloc(n) : allocate(dtype, n);
}
