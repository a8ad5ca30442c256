// The Elman RNN on a context read in order: X_t = W1[x_t], A_t = X_t·Wxh + H_{t−1}·Whh + bh,
// H_t = tanh(A_t) (H_0 = 0), and the next word from H_T. One forward phase per time step, one
// backward phase per time step of the BPTT window (last first), each a few kernel calls.
import { Kernels } from '../../kernels';
import { Phase } from '../../phase';
import { DType } from '../../tensor';
import { Params } from '../model';
import { RecurrentShape, timeSteps } from '../recurrent';
import { RecurrentModel } from '../recurrentModel';
import { paramSpecs } from './params';

export class RnnModel extends RecurrentModel {
  readonly kind = 'rnn';

  constructor(shape: RecurrentShape, params: Params, capacity: number, kernels: Kernels, dtype: DType = 'f32') {
    const { all, backward } = timeSteps(shape);
    const P = shape.hiddenUnits;
    const plain = (name: string) => ({ name, width: P, wordAxes: [] });
    super(shape, paramSpecs(shape), params, capacity, kernels, dtype, [...all.map((t) => plain(`A${t}`)), ...backward.map((t) => plain(`dA${t}`))]);
  }

  protected forwardPhase(t: number): Phase {
    const k = this.kernels;
    const { embeddingDim: D, hiddenUnits: P } = this.shape;
    const { Wxh, Whh, bh } = this.params;
    const b = this.buffers;
    const [X, A, H] = [b[`X${t}`], b[`A${t}`], b[`H${t}`]];
    const previous = this.hasPrevious(t) ? b[`H${t - 1}`] : undefined;
    const recurrence = previous ? ` + H${t - 1}·Whh` : '';
    const constant = this.outsideWindow(t);
    return {
      name: `step${t}`,
      direction: 'forward',
      math: `X${t} = W1[x${t}] ; H${t} = tanh(X${t}·Wxh${recurrence} + bh)${this.windowNote(t)}`,
      reads: ['W1', 'Wxh', ...(previous ? [`H${t - 1}`, 'Whh'] : []), 'bh'],
      writes: [`X${t}`, `A${t}`, `H${t}`],
      subSteps: [
        { ...this.embedStep(t), constant },
        {
          label: `A${t} = X${t}·Wxh${recurrence} + bh`,
          constant,
          run: () => {
            k.matmul(X, Wxh.data, A, this.n, D, P, false);
            if (previous) k.matmul(previous, Whh.data, A, this.n, P, P, true);
            k.addBias(A, bh.data, this.n, P);
          },
        },
        { label: `H${t} = tanh(A${t})`, constant, run: () => k.activationForward(A, H, this.n * P, 'tanh') },
      ],
    };
  }

  protected backwardPhase(t: number): Phase {
    const k = this.kernels;
    const { embeddingDim: D, hiddenUnits: P, context: T } = this.shape;
    const { Wxh, Whh } = this.params;
    const g = this.grads;
    const b = this.buffers;
    const [X, A, H, dH, dA, dX] = [b[`X${t}`], b[`A${t}`], b[`H${t}`], b[`dH${t}`], b[`dA${t}`], b[`dX${t}`]];
    const previous = this.hasPrevious(t) ? b[`H${t - 1}`] : undefined;
    // The first backward step (t = T) writes the sums over time; the others add to them.
    const first = t === T;
    const op = first ? '=' : '+=';
    const carries = t > this.window;
    // In the stream task dH_{t−1} already holds the head's gradient at step t − 1: add to it.
    const into = this.stream ? '+=' : '=';
    const tail = carries ? ` ; dH${t - 1} ${into} dA${t}·Whhᵀ` : previous ? ` ; H${t - 1} held constant (truncated BPTT)` : '';
    return {
      name: `bptt${t}`,
      direction: 'backward',
      math: `dA${t} = dH${t} ⊙ (1 − H${t}²) ; dWxh ${op} X${t}ᵀ·dA${t}${previous ? ` ; dWhh ${op} H${t - 1}ᵀ·dA${t}` : ''} ; dbh ${op} Σ dA${t} ; dX${t} = dA${t}·Wxhᵀ${tail}`,
      reads: [`dH${t}`, `H${t}`, `X${t}`, ...(previous ? [`H${t - 1}`] : []), 'Wxh', 'Whh'],
      writes: [`dA${t}`, 'dWxh', 'dWhh', 'dbh', `dX${t}`, ...(carries ? [`dH${t - 1}`] : [])],
      subSteps: [
        { label: `dA${t} = dH${t} ⊙ (1 − H${t}²)`, run: () => k.activationBackward(A, H, dH, dA, this.n * P, 'tanh') },
        {
          label: `dWxh, dWhh, dbh ${op} (time step ${t})`,
          run: () => {
            k.matmulTN(X, dA, g.Wxh.data, D, this.n, P, !first);
            if (previous) k.matmulTN(previous, dA, g.Whh.data, P, this.n, P, !first);
            else if (first) g.Whh.data.fill(0); // one time step: no recurrence to learn from
            if (first) k.sumRows(dA, g.bh.data, this.n, P);
            else {
              k.sumRows(dA, this.biasScratch, this.n, P);
              this.addInto(g.bh.data, this.biasScratch, P);
            }
          },
        },
        { label: `dX${t} = dA${t}·Wxhᵀ`, run: () => k.matmulNT(dA, Wxh.data, dX, this.n, P, D, false) },
        ...(carries ? [{ label: `dH${t - 1} ${into} dA${t}·Whhᵀ`, run: () => k.matmulNT(dA, Whh.data, b[`dH${t - 1}`], this.n, P, P, this.stream) }] : []),
      ],
    };
  }
}
