// Central finite differences in float64 against the backward phases of a model, for every parameter.
import { ActivationName } from './activations';
import { jsKernels } from './kernels';
import { modelDefinition } from './models';
import { initParams } from './models/init';
import { targetsPerExample, Task } from './models/model';
import { Rng } from './rng';

export interface GradCheckResult {
  /** Per parameter: ‖analytic − numeric‖ / (‖analytic‖ + ‖numeric‖) and the worst single entry. */
  params: Record<string, { relError: number; maxRelError: number; checked: number }>;
  maxRelError: number;
}

export interface GradCheckOptions {
  /** The model's kind (models/index.ts); the MLP by default. */
  kind?: string;
  activation?: ActivationName;
  /** Recurrent models: backpropagate through the last this many time steps (0: all). */
  bptt?: number;
  /** Recurrent models: 'stream' checks a window of a token stream (loss at every position) whose
   *  state is carried in from a previous window and held constant (truncated BPTT). */
  task?: Task;
  /** Stream task: start the checked window from a zero state instead of a carried one. */
  fresh?: boolean;
  seed?: number;
  batch?: number;
  epsilon?: number;
}

export function gradientCheck(opts: GradCheckOptions = {}): GradCheckResult {
  const definition = modelDefinition(opts.kind ?? 'mlp');
  const shape = definition.gradcheckShape({ activation: opts.activation, bptt: opts.bptt }, opts.task);
  if (opts.task === 'stream' && shape.task !== 'stream') throw new Error(`the ${definition.kind} has no stream task`);
  const specs = definition.paramSpecs(shape);
  const n = opts.batch ?? 5;
  // A stream window's loss is a mean over every position, so its gradients are smaller and the
  // rounding in L(θ ± ε) weighs more: a larger ε (its truncation error ~ε² is still ~1e-8).
  const eps = opts.epsilon ?? (opts.task === 'stream' ? 1e-4 : 1e-5);
  const rng = new Rng(opts.seed ?? 7);
  // A larger init than training uses, so every gradient is well above the finite-difference noise.
  const params = initParams(specs, { init: 'normal', initStd: 0.5, seed: opts.seed ?? 7 }, 'f64', jsKernels);
  for (const spec of specs) {
    if (spec.role !== 'bias') continue;
    const b = params[spec.name];
    for (let i = 0; i < b.data.length; i++) b.data[i] = rng.normal() * 0.3;
  }
  const model = definition.create(shape, params, n, jsKernels, 'f64');
  const ids = (length: number) => Int32Array.from({ length }, () => rng.int(shape.vocabSize));
  const perExample = targetsPerExample(shape);
  const inputs = ids(n * shape.context);
  const targets = ids(n * perExample);
  // Repeat a word inside one context so the scatter-add into the embedding is checked for collisions.
  inputs[1] = inputs[0];
  // A stream's checked window follows one whose last state it carries in (a state far from zero).
  const continues = shape.task === 'stream' && !opts.fresh;
  if (continues) {
    model.setBatch(ids(n * shape.context), ids(n * perExample), n);
    for (const phase of model.phases) if (phase.direction === 'forward') for (const s of phase.subSteps) s.run();
  }

  // The perturbed forward passes leave the sub-steps whose results the backward pass treats as
  // constants (before a truncated BPTT window, the state carried in from the previous window of a
  // stream) at their unperturbed values: what truncation means.
  const run = (backward: boolean): number => {
    model.setBatch(inputs, targets, n, continues);
    for (const phase of model.phases) {
      if (!backward && phase.direction !== 'forward') break;
      for (const s of phase.subSteps) if (backward || !s.constant) s.run();
    }
    return model.loss;
  };

  run(true);
  const result = { params: {}, maxRelError: 0 } as GradCheckResult;
  for (const { name } of specs) {
    const w = params[name].data;
    const analytic = Float64Array.from(model.grads[name].data);
    const numeric = new Float64Array(w.length);
    for (let i = 0; i < w.length; i++) {
      const saved = w[i];
      w[i] = saved + eps;
      const plus = run(false);
      w[i] = saved - eps;
      const minus = run(false);
      w[i] = saved;
      numeric[i] = (plus - minus) / (2 * eps);
    }
    let diff = 0;
    let na = 0;
    let nn = 0;
    let worst = 0;
    // The worst entry is taken over entries central differences resolve: not those exactly zero
    // in both (embedding rows no example uses), nor those below 1e-4 of the tensor's largest
    // (rounding in L(θ ± ε) makes an absolute error of ~3e-11, 1e-5 of an LSTM's smallest dWhh
    // entries of ~1e-6). The norm of the difference, relError, still counts every entry.
    let largest = 0;
    for (let i = 0; i < w.length; i++) largest = Math.max(largest, Math.abs(analytic[i]) + Math.abs(numeric[i]));
    const floor = Math.max(1e-12, 1e-4 * largest);
    for (let i = 0; i < w.length; i++) {
      const d = analytic[i] - numeric[i];
      diff += d * d;
      na += analytic[i] * analytic[i];
      nn += numeric[i] * numeric[i];
      const scale = Math.abs(analytic[i]) + Math.abs(numeric[i]);
      if (scale > floor) worst = Math.max(worst, Math.abs(d) / scale);
    }
    const rel = Math.sqrt(diff) / (Math.sqrt(na) + Math.sqrt(nn) || 1);
    result.params[name] = { relError: rel, maxRelError: worst, checked: w.length };
    result.maxRelError = Math.max(result.maxRelError, worst);
  }
  return result;
}
