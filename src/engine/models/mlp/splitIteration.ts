// One training iteration as two parts, each a list of tasks that two threads claim one at a time
// (helperThread.ts), with the results of the phases (model.ts, optimizers.ts) to the bit:
//   part 1 — forward and backward of one block of rows (E … dE): all of it is row by row. The
//            batch is ROW_BLOCKS blocks (fusedIteration.ts).
//   part 2 — the weight and bias gradients, sums over every row, each task computing some rows of
//            one gradient and updating those rows of the parameter at once: blocks of W3's rows,
//            blocks of W2's rows, then W1 (the scatter-add, in the phases' order), b2 and b1.
// Part 2 reads every row of part 1, hence one barrier between the parts. Tasks are many and
// claimed as threads come free, so neither thread waits for a fixed half of the other's, and a
// thread the machine stops for a while leaves its unclaimed tasks to the other. Every element is
// computed by the same kernel arithmetic as in the phases (only where a loop starts differs), the
// fused kernels equal the steps they replace, and the loss is summed per row block as the `loss`
// phase sums it, so the weights do not depend on the number of threads, on who ran which task, or
// on how the iteration was stepped.
import { blockStart, ROW_BLOCKS, ROW_TASKS, sumRowBlocks } from '../../fusedIteration';
import { Kernels } from '../../kernels';
import { applyUpdate, sliceUpdate, UpdateArrays } from '../../optimizers';
import { FloatArray } from '../../tensor';
import { FusedIteration, FusedSpec, IterationTensors, RowsResult } from '../model';
import { MlpShape, PARAM_NAMES } from './params';

/** Blocks of rows of W3 and of W2 in part 2: W3's are the largest tasks, claimed first. */
const W3_BLOCKS = 4;
const W2_BLOCKS = 2;

/** One row block's views of the iteration's arrays. */
interface RowViews {
  readonly rows: number;
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
  readonly E: FloatArray;
  readonly Z1: FloatArray;
  readonly H: FloatArray;
  readonly Z2: FloatArray;
  readonly P: FloatArray;
  readonly dZ2: FloatArray;
  readonly dH: FloatArray;
  readonly dZ1: FloatArray;
  readonly dE: FloatArray;
}

type GradientTask = (n: number, lr: number, t: number) => void;

// The views every task works on are made once (the row blocks' again when the batch size changes,
// at the end of an epoch): an iteration allocates nothing, so no garbage collection, whose helper
// threads would preempt the two training threads.
export class SplitIteration implements FusedIteration {
  private readonly gradientTasks: readonly GradientTask[];
  private rowViews: readonly RowViews[] = [];
  private rowViewsFor = -1;
  /** Each row block's results from this thread's last forwardBackward of it. */
  readonly lossSums = new Float64Array(ROW_TASKS);
  readonly corrects = new Float64Array(ROW_TASKS);

  constructor(
    private readonly kernels: Kernels,
    private readonly spec: FusedSpec<MlpShape>,
    private readonly t: IterationTensors,
  ) {
    this.gradientTasks = this.buildGradientTasks();
  }

  /** Part 2's task count (part 1 has ROW_TASKS). */
  get gradientTaskCount(): number {
    return this.gradientTasks.length;
  }

  /** Part 1 for row block `task` of an n-row batch; its results go to lossSums and corrects. */
  forwardBackward(task: number, n: number): void {
    const k = this.kernels;
    const { vocabSize: V, context: C, embeddingDim: D, hiddenUnits: P, activation } = this.spec.shape;
    const { params: w } = this.t;
    const { rows, inputs, targets, E, Z1, H, Z2, P: Pr, dZ2, dH, dZ1, dE } = this.viewsOf(n)[task];
    this.lossSums[task] = 0;
    this.corrects[task] = 0;
    if (rows === 0) return;
    k.gatherRows(w.W1, inputs, E, rows, C, D, 0, C);
    k.matmul(E, w.W2, Z1, rows, C * D, P, false);
    k.biasActivation(Z1, w.b1, H, rows, P, activation);
    k.matmul(H, w.W3, Z2, rows, P, V, false);
    k.addBias(Z2, w.b2, rows, V);
    this.lossSums[task] = k.softmaxCrossEntropy(Z2, targets, Pr, dZ2, rows, V, 1 / n);
    this.corrects[task] = k.countCorrect(Pr, targets, rows, V);
    k.matmulNT(dZ2, w.W3, dH, rows, V, P, false);
    k.activationBackward(Z1, H, dH, dZ1, rows * P, activation);
    k.matmulNT(dZ1, w.W2, dE, rows, P, C * D, false);
  }

  /** Part 2, task `task`: gradients over all n rows and the update with learning rate lr, step t. */
  gradientsAndUpdate(task: number, n: number, lr: number, t: number): void {
    this.gradientTasks[task](n, lr, t);
  }

  /** The whole iteration on this thread, tasks in order; returns the batch's loss sum and hits. */
  runAll(n: number, lr: number, t: number): RowsResult {
    for (let task = 0; task < ROW_TASKS; task++) this.forwardBackward(task, n);
    for (let task = 0; task < this.gradientTasks.length; task++) this.gradientsAndUpdate(task, n, lr, t);
    return sumRowBlocks(this.lossSums, this.corrects);
  }

  private viewsOf(n: number): readonly RowViews[] {
    if (n === this.rowViewsFor) return this.rowViews;
    const { vocabSize: V, context: C, embeddingDim: D, hiddenUnits: P } = this.spec.shape;
    const b = this.t.buffers;
    this.rowViews = Array.from({ length: ROW_TASKS }, (_, task): RowViews => {
      const [r0, r1] = [blockStart(n, ROW_BLOCKS, task), blockStart(n, ROW_BLOCKS, task + 1)];
      const at = (x: FloatArray, width: number) => x.subarray(r0 * width, r1 * width);
      return {
        rows: r1 - r0,
        inputs: this.t.inputs.subarray(r0 * C, r1 * C),
        targets: this.t.targets.subarray(r0, r1),
        E: at(b.E, C * D),
        Z1: at(b.Z1, P),
        H: at(b.H, P),
        Z2: at(b.Z2, V),
        P: at(b.P, V),
        dZ2: at(b.dZ2, V),
        dH: at(b.dH, P),
        dZ1: at(b.dZ1, P),
        dE: at(b.dE, C * D),
      };
    });
    this.rowViewsFor = n;
    return this.rowViews;
  }

  private buildGradientTasks(): GradientTask[] {
    const k = this.kernels;
    const { vocabSize: V, context: C, embeddingDim: D, hiddenUnits: P } = this.spec.shape;
    const { grads: g, buffers: b } = this.t;
    const [W1, W2, b1, W3, b2] = PARAM_NAMES.map((name, i): UpdateArrays => ({
      w: this.t.params[name],
      g: this.t.grads[name],
      s1: this.t.state1[i],
      s2: this.t.state2[i],
      decay: name.startsWith('W'),
    }));
    const settings = this.spec.update;

    // Rows [i0, i1) of dW = Xᵀ·dZ are columns [i0, i1) of X: a column window, rows `width` apart.
    const weightRows = (x: FloatArray, dz: FloatArray, dw: FloatArray, a: UpdateArrays, width: number, cols: number, blocks: number): GradientTask[] =>
      Array.from({ length: blocks }, (_, i): GradientTask => {
        const [i0, i1] = [blockStart(width, blocks, i), blockStart(width, blocks, i + 1)];
        const [xWindow, dwRows, slice] = [x.subarray(i0), dw.subarray(i0 * cols), sliceUpdate(a, i0 * cols, i1 * cols)];
        return (n, lr, t) => {
          if (i1 === i0) return;
          k.matmulTN(xWindow, dz, dwRows, i1 - i0, n, cols, false, width);
          applyUpdate(k, settings, slice, lr, t);
        };
      });
    const bias = (dz: FloatArray, db: FloatArray, a: UpdateArrays, cols: number): GradientTask => (n, lr, t) => {
      k.sumRows(dz, db, n, cols, cols);
      applyUpdate(k, settings, a, lr, t);
    };
    const embedding: GradientTask = (n, lr, t) => {
      g.W1.fill(0);
      for (let pos = 0; pos < C; pos++) k.scatterAddRows(b.dE, this.t.inputs, g.W1, n, C, D, pos, pos + 1);
      applyUpdate(k, settings, W1, lr, t);
    };
    return [
      ...weightRows(b.H, b.dZ2, g.W3, W3, P, V, W3_BLOCKS),
      ...weightRows(b.E, b.dZ1, g.W2, W2, C * D, P, W2_BLOCKS),
      embedding,
      bias(b.dZ2, g.b2, b2, V),
      bias(b.dZ1, g.b1, b1, P),
    ];
  }
}
