// A model's tensors as the tensor language sees them, copied to float64 matrices: parameters and
// their gradients (a 1-D bias is one row), the batch's activations, its context ids x1 … (one
// column each) and targets y, the loss (1×1), N and the sizes the model's exercise declares.
import { Model } from '../models/model';
import { FloatArray, Tensor } from '../tensor';
import { allocate, Matrix, scalar } from './matrix';

function fromTensor(t: Tensor): Matrix {
  const [rows, cols] = t.shape.length === 1 ? [1, t.shape[0]] : [t.shape[0], t.shape.slice(1).reduce((a, b) => a * b, 1)];
  const values = t.data.subarray(0, rows * cols) as FloatArray;
  const data = allocate(rows * cols, false);
  data.set(values);
  return { rows, cols, data, ...(values instanceof Float32Array && { float32: values }) };
}

/** The batch's inputs: context position k of every example as one column, named x{k+1}. */
function contextColumns(model: Model): [string, Matrix][] {
  const { n, inputs } = model;
  const c = model.shape.context;
  return Array.from({ length: c }, (_, k) => {
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = inputs[i * c + k];
    return [`x${k + 1}`, { rows: n, cols: 1, data }];
  });
}

/** Every tensor the phases read or write, as it is now; with `only`, just those of its names (a
 *  replaced phase copies what its lines read, not every tensor of the model). */
export function tensorsOf(model: Model, only?: ReadonlySet<string>): Map<string, Matrix> {
  const env = new Map<string, Matrix>();
  const wanted = (name: string) => !only || only.has(name);
  for (const spec of model.specs) {
    if (wanted(spec.name)) env.set(spec.name, fromTensor(model.params[spec.name]));
    if (wanted(`d${spec.name}`)) env.set(`d${spec.name}`, fromTensor(model.grads[spec.name]));
  }
  for (const a of model.activations()) if (wanted(a.name)) env.set(a.name, fromTensor(a));
  if (wanted('loss')) env.set('loss', scalar(model.loss));
  return env;
}

/** The names that stay the same through an iteration: the batch and the sizes. */
export function constantsOf(model: Model, sizes: Readonly<Record<string, number>>): Map<string, Matrix> {
  const env = new Map<string, Matrix>(contextColumns(model));
  env.set('y', { rows: model.n, cols: 1, data: new Float64Array(model.targets.subarray(0, model.n)) });
  env.set('N', scalar(model.n));
  for (const [name, size] of Object.entries(sizes)) env.set(name, scalar(size));
  return env;
}

/** Writes `value` into the model's tensor `name` (a gradient, an activation or the loss), as
 *  float32: what a replaced phase does with a student's value. */
export function writeTensor(model: Model, name: string, value: Matrix): void {
  if (name === 'loss') {
    model.loss = value.data[0];
    return;
  }
  const spec = model.specs.find((s) => `d${s.name}` === name);
  const target = spec ? model.grads[spec.name] : model.activations().find((a) => a.name === name);
  if (!target) throw new Error(`${name} is not a tensor the model's phases write`);
  if (target.data.length !== value.data.length) throw new Error(`${name}: got ${value.rows}×${value.cols} values, the tensor holds ${target.data.length}`);
  target.data.set(value.data);
}
