// Parameter updates. Each parameter is updated by its own sub-step so the debugger can step into
// `update` one tensor at a time. The formulas are kernels, so they run where the parameters live
// (WASM memory for the WASM backend); they are elementwise, so a parameter updated in slices — as
// the split iteration does, one slice per task — gets exactly the values of a whole update.
import { OptimizerName, TrainConfig } from './config';
import { Kernels } from './kernels';
import { SubStep } from './phase';
import { FloatArray, Tensor } from './tensor';

export interface ParamSlot {
  readonly param: Tensor;
  readonly grad: Tensor;
  /** L2 weight decay applies to weights, not biases. */
  readonly decay: boolean;
}

/** The settings an update reads; the learning rate and step number come with each call. */
export type UpdateSettings = Pick<TrainConfig, 'optimizer' | 'momentum' | 'beta1' | 'beta2' | 'weightDecay'>;
type OptimizerSettings = UpdateSettings & Pick<TrainConfig, 'lr'>;

/** One parameter's arrays for its update. */
export interface UpdateArrays {
  readonly w: FloatArray;
  readonly g: FloatArray;
  /** Velocity (momentum) or first moment (Adam); empty for SGD. */
  readonly s1: FloatArray;
  /** Second moment (Adam); empty otherwise. */
  readonly s2: FloatArray;
  readonly decay: boolean;
}

/** Values [start, end) of a parameter's arrays: what one slice of an update touches. */
export function sliceUpdate(a: UpdateArrays, start: number, end: number): UpdateArrays {
  const part = (x: FloatArray) => x.subarray(start, end);
  return { w: part(a.w), g: part(a.g), s1: part(a.s1), s2: part(a.s2), decay: a.decay };
}

/** Updates every value of θ from its gradient; `t` is Adam's update number, from 1. */
export function applyUpdate(k: Kernels, s: UpdateSettings, a: UpdateArrays, lr: number, t: number): void {
  const { w, g, s1, s2 } = a;
  const lambda = a.decay ? s.weightDecay : 0;
  switch (s.optimizer) {
    case 'sgd':
      return k.sgdUpdate(w, g, w.length, lr, lambda);
    case 'momentum':
      return k.momentumUpdate(w, g, s1, w.length, lr, lambda, s.momentum);
    case 'adam':
      return k.adamUpdate(w, g, s1, s2, w.length, lr, lambda, s.beta1, s.beta2, t);
  }
}

export class Optimizer {
  readonly name: OptimizerName;
  /** The learning rate in force now (the trainer sets it from its schedule before each iteration). */
  lr: number;
  /** Number of updates done; Adam's bias correction needs it. */
  t = 0;
  /** Per slot, what its update touches; the state is allocated by the kernels. */
  readonly arrays: readonly UpdateArrays[];

  constructor(
    readonly settings: OptimizerSettings,
    readonly slots: readonly ParamSlot[],
    private readonly kernels: Kernels,
  ) {
    this.name = settings.optimizer;
    this.lr = settings.lr;
    const needs1 = this.name !== 'sgd';
    const needs2 = this.name === 'adam';
    this.arrays = slots.map(({ param, grad, decay }) => ({
      w: param.data,
      g: grad.data,
      s1: kernels.alloc(needs1 ? param.data.length : 0),
      s2: kernels.alloc(needs2 ? param.data.length : 0),
      decay,
    }));
  }

  /** The iteration document's line for this optimizer. */
  get math(): string {
    switch (this.name) {
      case 'sgd':
        return 'θ ← θ − lr·dθ';
      case 'momentum':
        return 'v ← μ·v − lr·dθ ; θ ← θ + v';
      case 'adam':
        return 'm ← β1·m + (1−β1)·dθ ; v ← β2·v + (1−β2)·dθ² ; θ ← θ − lr·m̂/(√v̂ + ε)';
    }
  }

  /** One sub-step per parameter; the first one also advances Adam's step counter. */
  subSteps(): SubStep[] {
    return this.slots.map((slot, i) => ({
      label: `${slot.param.name} ← update`,
      run: () => {
        if (i === 0) this.t++;
        applyUpdate(this.kernels, this.settings, this.arrays[i], this.lr, this.t);
      },
    }));
  }
}
