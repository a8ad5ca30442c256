// Parameter updates. Each parameter is updated by its own sub-step so the debugger can step into
// `update` one tensor at a time.
import { OptimizerName, TrainConfig } from './config';
import { SubStep } from './phase';
import { allocate, DType, FloatArray, Tensor } from './tensor';

export interface ParamSlot {
  readonly param: Tensor;
  readonly grad: Tensor;
  /** L2 weight decay applies to weights, not biases. */
  readonly decay: boolean;
}

type OptimizerSettings = Pick<TrainConfig, 'optimizer' | 'lr' | 'momentum' | 'beta1' | 'beta2' | 'weightDecay' | 'lrDecay'>;

const ADAM_EPSILON = 1e-8;

export class Optimizer {
  readonly name: OptimizerName;
  /** The learning rate in force now (decays per epoch). */
  lr: number;
  /** Number of updates done; Adam's bias correction needs it. */
  t = 0;
  private readonly state1: FloatArray[];
  private readonly state2: FloatArray[];

  constructor(
    private readonly settings: OptimizerSettings,
    readonly slots: readonly ParamSlot[],
    dtype: DType,
  ) {
    this.name = settings.optimizer;
    this.lr = settings.lr;
    const needs1 = this.name !== 'sgd';
    const needs2 = this.name === 'adam';
    this.state1 = slots.map((s) => allocate(dtype, needs1 ? s.param.data.length : 0));
    this.state2 = slots.map((s) => allocate(dtype, needs2 ? s.param.data.length : 0));
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
        this.updateSlot(i);
      },
    }));
  }

  /** Called once per finished epoch. */
  decayLearningRate(): void {
    this.lr *= this.settings.lrDecay;
  }

  private updateSlot(i: number): void {
    const { param, grad, decay } = this.slots[i];
    const w = param.data;
    const g = grad.data;
    const lambda = decay ? this.settings.weightDecay : 0;
    const lr = this.lr;
    const n = w.length;
    switch (this.name) {
      case 'sgd':
        for (let j = 0; j < n; j++) w[j] -= lr * (g[j] + lambda * w[j]);
        break;
      case 'momentum': {
        const v = this.state1[i];
        const mu = this.settings.momentum;
        for (let j = 0; j < n; j++) {
          v[j] = mu * v[j] - lr * (g[j] + lambda * w[j]);
          w[j] += v[j];
        }
        break;
      }
      case 'adam': {
        const m = this.state1[i];
        const v = this.state2[i];
        const { beta1: b1, beta2: b2 } = this.settings;
        const c1 = 1 / (1 - Math.pow(b1, this.t));
        const c2 = 1 / (1 - Math.pow(b2, this.t));
        for (let j = 0; j < n; j++) {
          const gj = g[j] + lambda * w[j];
          m[j] = b1 * m[j] + (1 - b1) * gj;
          v[j] = b2 * v[j] + (1 - b2) * gj * gj;
          w[j] -= (lr * (m[j] * c1)) / (Math.sqrt(v[j] * c2) + ADAM_EPSILON);
        }
        break;
      }
    }
  }
}
