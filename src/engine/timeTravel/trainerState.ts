// Everything that decides what a Trainer computes next and what its tensors show, at an iteration
// start or anywhere inside one: restoring it and running on gives the same bits as the first time.
import type { RngState } from '../rng';
import type { ScheduleState } from '../schedules';
import type { EpochRecord } from '../trainer';
import type { Position } from './status';

export type { Position };

export interface TrainerState {
  readonly position: Position;
  readonly epoch: number;
  readonly batch: number;
  readonly finished: boolean;
  readonly stoppedEarly: boolean;
  /** The finished epochs' records (immutable objects, shared). */
  readonly epochs: readonly EpochRecord[];
  /** The epoch's running sums and early stopping's memory. */
  readonly sums: readonly number[];
  readonly rng: RngState;
  /** The epoch's example order: shared by every state of one epoch (it changes only between epochs). */
  readonly order: Int32Array;
  readonly lr: number;
  /** The learning-rate schedule's memory (reduce-on-plateau, a changed rate). */
  readonly schedule: ScheduleState;
  readonly optimizerSteps: number;
  /** The current batch's size and its loss results. */
  readonly n: number;
  readonly loss: number;
  readonly correct: number;
  /** Copies of parameters, gradients, activation buffers, optimizer state and the batch's ids, in
   *  the trainer's fixed order (Trainer.stateArrays). */
  readonly arrays: readonly (Float32Array | Float64Array | Int32Array)[];
  /** Taken at an iteration start without the gradients and activation buffers (empty arrays in
   *  `arrays`): running on from it gives the same bits, but restoring it shows stale ones. */
  readonly light?: boolean;
}

/** Bytes held by a state's arrays (the shared order not included: it is counted once per epoch). */
export function stateBytes(s: TrainerState): number {
  return s.arrays.reduce((sum, a) => sum + a.byteLength, 0);
}

/** Orders positions: negative when a is earlier than b. */
export function comparePositions(a: Position, b: Position): number {
  return a.steps - b.steps || a.phase - b.phase || a.sub - b.sub;
}
