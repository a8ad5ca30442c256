// The LSTM on a context read in order: X_t = W1[x_t]; the gates' pre-activations
// A_t = X_t·Wxh + H_{t−1}·Whh + bh in blocks i|f|g|o; I_t = σ(A_i), F_t = σ(A_f), G_t = tanh(A_g),
// O_t = σ(A_o); C_t = F_t ⊙ C_{t−1} + I_t ⊙ G_t; H_t = O_t ⊙ tanh(C_t) (H_0 = C_0 = 0); the next
// word from H_T. One forward phase per time step, one backward phase per step of the BPTT window.
// Every sub-step is kernel calls: the products, and the element-wise kernels of the cell
// (lstmGates, lstmCell, lstmHidden, lstmCellGrad, lstmGateGrads, multiply).
import { activationByName } from '../../activations';
import { Kernels } from '../../kernels';
import { Phase } from '../../phase';
import { DType, FloatArray } from '../../tensor';
import { Model, Params } from '../model';
import { RecurrentShape, timeSteps } from '../recurrent';
import { RecurrentModel } from '../recurrentModel';
import { paramSpecs } from './params';

/** The gates, as the dashboard's gate-saturation chart names them: σ gates and the tanh cell gate. */
const GATES = [
  { name: 'input gate I', prefix: 'I', activation: 'sigmoid' },
  { name: 'forget gate F', prefix: 'F', activation: 'sigmoid' },
  { name: 'cell gate G', prefix: 'G', activation: 'tanh' },
  { name: 'output gate O', prefix: 'O', activation: 'sigmoid' },
] as const;

export class LstmModel extends RecurrentModel {
  readonly kind = 'lstm';
  readonly saturating: Model['saturating'] = GATES.map(({ name, prefix, activation }) => ({
    name,
    activation: activationByName(activation),
    tensors: timeSteps(this.shape).all.map((t) => `${prefix}${t}`),
  }));

  constructor(shape: RecurrentShape, params: Params, capacity: number, kernels: Kernels, dtype: DType = 'f32') {
    const { all, backward } = timeSteps(shape);
    const P = shape.hiddenUnits;
    const spec = (name: string, width = P) => ({ name, width, wordAxes: [] });
    super(shape, paramSpecs(shape), params, capacity, kernels, dtype, [
      ...all.flatMap((t) => [spec(`A${t}`, 4 * P), spec(`I${t}`), spec(`F${t}`), spec(`G${t}`), spec(`O${t}`), spec(`C${t}`)]),
      ...backward.flatMap((t) => [spec(`dC${t}`), spec(`dA${t}`, 4 * P)]),
    ], ['H', 'C']);
  }

  protected forwardPhase(t: number): Phase {
    const k = this.kernels;
    const { embeddingDim: D, hiddenUnits: P } = this.shape;
    const { Wxh, Whh, bh } = this.params;
    const b = this.buffers;
    const [X, A, I, F, G, O, C, H] = [b[`X${t}`], b[`A${t}`], b[`I${t}`], b[`F${t}`], b[`G${t}`], b[`O${t}`], b[`C${t}`], b[`H${t}`]];
    const first = !this.hasPrevious(t);
    const [Hp, Cp] = first ? [undefined, undefined] : [b[`H${t - 1}`], b[`C${t - 1}`]];
    const recurrence = first ? '' : ` + H${t - 1}·Whh`;
    const constant = this.outsideWindow(t);
    return {
      name: `step${t}`,
      direction: 'forward',
      math: `X${t} = W1[x${t}] ; A${t} = X${t}·Wxh${recurrence} + bh ; I${t} F${t} G${t} O${t} = σ σ tanh σ (A${t}) ; C${t} = ${first ? '' : `F${t}⊙C${t - 1} + `}I${t}⊙G${t} ; H${t} = O${t}⊙tanh(C${t})${this.windowNote(t)}`,
      reads: ['W1', 'Wxh', ...(first ? [] : [`H${t - 1}`, `C${t - 1}`, 'Whh']), 'bh'],
      writes: [`X${t}`, `A${t}`, `I${t}`, `F${t}`, `G${t}`, `O${t}`, `C${t}`, `H${t}`],
      subSteps: [
        { ...this.embedStep(t), constant },
        {
          label: `A${t} = X${t}·Wxh${recurrence} + bh`,
          constant,
          run: () => {
            k.matmul(X, Wxh.data, A, this.n, D, 4 * P, false);
            if (Hp) k.matmul(Hp, Whh.data, A, this.n, P, 4 * P, true);
            k.addBias(A, bh.data, this.n, 4 * P);
          },
        },
        {
          label: `I${t} F${t} G${t} O${t} (gates)`,
          constant,
          run: () => k.lstmGates(A, I, F, G, O, this.n, P),
        },
        {
          label: `C${t} = ${first ? '' : `F${t}⊙C${t - 1} + `}I${t}⊙G${t}`,
          constant,
          run: () => k.lstmCell(F, Cp ?? null, I, G, C, this.n * P),
        },
        {
          label: `H${t} = O${t}⊙tanh(C${t})`,
          constant,
          run: () => k.lstmHidden(O, C, H, this.n * P),
        },
      ],
    };
  }

  protected backwardPhase(t: number): Phase {
    const k = this.kernels;
    const { embeddingDim: D, hiddenUnits: P, context: T } = this.shape;
    const { Wxh, Whh } = this.params;
    const g = this.grads;
    const b = this.buffers;
    const [X, I, F, G, O, C, dH, dC, dA, dX] = [b[`X${t}`], b[`I${t}`], b[`F${t}`], b[`G${t}`], b[`O${t}`], b[`C${t}`], b[`dH${t}`], b[`dC${t}`], b[`dA${t}`], b[`dX${t}`]];
    const [Hp, Cp]: (FloatArray | undefined)[] = this.hasPrevious(t) ? [b[`H${t - 1}`], b[`C${t - 1}`]] : [undefined, undefined];
    // The last time step starts the sums over time and dC; the others add to them.
    const last = t === T;
    const op = last ? '=' : '+=';
    const carries = t > this.window;
    // In the stream task dH_{t−1} already holds the head's gradient at step t − 1: add to it.
    const into = this.stream ? '+=' : '=';
    const tail = carries ? ` ; dH${t - 1} ${into} dA${t}·Whhᵀ ; dC${t - 1} = dC${t}⊙F${t}` : Hp ? ` ; H${t - 1}, C${t - 1} held constant (truncated BPTT)` : '';
    return {
      name: `bptt${t}`,
      direction: 'backward',
      math: `dC${t} ${op} dH${t}⊙O${t}⊙(1 − tanh²C${t}) ; dA${t} = gates' derivatives ; dWxh ${op} X${t}ᵀ·dA${t}${Hp ? ` ; dWhh ${op} H${t - 1}ᵀ·dA${t}` : ''} ; dbh ${op} Σ dA${t} ; dX${t} = dA${t}·Wxhᵀ${tail}`,
      reads: [`dH${t}`, `I${t}`, `F${t}`, `G${t}`, `O${t}`, `C${t}`, `X${t}`, ...(Hp ? [`H${t - 1}`, `C${t - 1}`] : []), 'Wxh', 'Whh'],
      writes: [`dC${t}`, `dA${t}`, 'dWxh', 'dWhh', 'dbh', `dX${t}`, ...(carries ? [`dH${t - 1}`, `dC${t - 1}`] : [])],
      subSteps: [
        {
          label: `dC${t} ${op} dH${t}⊙O${t}⊙(1 − tanh²C${t})`,
          run: () => k.lstmCellGrad(dH, O, C, dC, this.n * P, !last),
        },
        {
          label: `dA${t} = dI${t} dF${t} dG${t} dO${t} through σ' and tanh'`,
          run: () => k.lstmGateGrads(I, F, G, O, C, Cp ?? null, dC, dH, dA, this.n, P),
        },
        {
          label: `dWxh, dWhh, dbh ${op} (time step ${t})`,
          run: () => {
            k.matmulTN(X, dA, g.Wxh.data, D, this.n, 4 * P, !last);
            if (Hp) k.matmulTN(Hp, dA, g.Whh.data, P, this.n, 4 * P, !last);
            else if (last) g.Whh.data.fill(0); // one time step: no recurrence to learn from
            if (last) k.sumRows(dA, g.bh.data, this.n, 4 * P);
            else {
              k.sumRows(dA, this.biasScratch, this.n, 4 * P);
              this.addInto(g.bh.data, this.biasScratch, 4 * P);
            }
          },
        },
        { label: `dX${t} = dA${t}·Wxhᵀ`, run: () => k.matmulNT(dA, Wxh.data, dX, this.n, 4 * P, D, false) },
        ...(carries
          ? [
              {
                label: `dH${t - 1} ${into} dA${t}·Whhᵀ ; dC${t - 1} = dC${t}⊙F${t}`,
                run: () => {
                  k.matmulNT(dA, Whh.data, b[`dH${t - 1}`], this.n, 4 * P, P, this.stream);
                  k.multiply(dC, F, b[`dC${t - 1}`], this.n * P);
                },
              },
            ]
          : []),
      ],
    };
  }
}
