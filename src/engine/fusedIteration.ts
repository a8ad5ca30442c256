// What every fused iteration (models/model.ts, FusedIteration) shares with the phases and with the
// helper thread: the row blocks of a batch, the one order in which their loss sums are added, and
// where the iteration's arrays lie in a shared memory.
import { IterationTensors, RowsResult } from './models/model';
import { FloatArray } from './tensor';

/**
 * A batch of n rows is ROW_BLOCKS blocks of rows cut at multiples of 4 (the kernels' row block),
 * the tasks of part 1 that two threads share. Every result is computed row by row or per output
 * element, so the blocks change nothing — except the loss, a sum over rows, which is summed per
 * block and the blocks' sums then added in order, in the phases and in the fused iteration alike.
 */
export const ROW_BLOCKS = 4;
/** Part 1's tasks: one per row block. */
export const ROW_TASKS = ROW_BLOCKS;

/** Start of block i of `parts` blocks of [0, size), cut at multiples of `multiple` (4, the
 *  kernels' row block, unless said); i = parts gives size. */
export function blockStart(size: number, parts: number, i: number, multiple = 4): number {
  return i >= parts ? size : Math.min(size, multiple * Math.round((i * size) / (multiple * parts)));
}

/** The batch's loss sum and hits from its row blocks' results, added in block order: the one order
 *  of summation on every path. */
export function sumRowBlocks(lossSums: ArrayLike<number>, corrects: ArrayLike<number>): RowsResult {
  const total = { lossSum: 0, correct: 0 };
  for (let task = 0; task < ROW_TASKS; task++) {
    total.lossSum += lossSums[task];
    total.correct += corrects[task];
  }
  return total;
}

/** Where each array of an iteration lives in a shared memory: [byte offset, length] per array, in
 *  a fixed order. Plain data, so a worker can rebuild the same views on its side. */
export type TensorLayout = readonly (readonly [byteOffset: number, length: number])[];

/** The arrays' names, which fix the layout's order: the parameters' and the buffers'. */
export interface TensorNames {
  readonly params: readonly string[];
  readonly buffers: readonly string[];
}

function arraysOf(t: IterationTensors, names: TensorNames): (FloatArray | Int32Array)[] {
  return [
    ...names.params.map((name) => t.params[name]),
    ...names.params.map((name) => t.grads[name]),
    ...names.buffers.map((name) => t.buffers[name]),
    ...t.state1,
    ...t.state2,
    t.inputs,
    t.targets,
  ];
}

/** The layout of `t` in `buffer`, or undefined when some array lives elsewhere. */
export function layoutIn(t: IterationTensors, names: TensorNames, buffer: ArrayBufferLike): TensorLayout | undefined {
  const arrays = arraysOf(t, names);
  return arrays.every((a) => a.buffer === buffer) ? arrays.map((a) => [a.byteOffset, a.length] as const) : undefined;
}

/** Views over `buffer` at the places `layout` names: the inverse of layoutIn. */
export function tensorsAt(layout: TensorLayout, names: TensorNames, buffer: ArrayBufferLike): IterationTensors {
  let next = 0;
  const view = <T>(make: (buffer: ArrayBufferLike, byteOffset: number, length: number) => T): T => make(buffer, ...layout[next++]);
  const f32 = () => view((b, o, n) => new Float32Array(b, o, n));
  const i32 = () => view((b, o, n) => new Int32Array(b, o, n));
  const record = (list: readonly string[]) => Object.fromEntries(list.map((name) => [name, f32()])) as Record<string, Float32Array>;
  const params = record(names.params);
  const grads = record(names.params);
  const buffers = record(names.buffers);
  const state1 = names.params.map(f32);
  const state2 = names.params.map(f32);
  return { params, grads, buffers, state1, state2, inputs: i32(), targets: i32() };
}
