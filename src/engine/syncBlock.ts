// The control block the trainer's thread and its helper share (helperThread.ts, shardWorker.ts):
// Int32 slots both threads take tasks from and count finished ones in, with Atomics, the
// iteration's numbers and per-block results, and room for the helper's error message. Waits spin
// first — an iteration takes well under a millisecond and waking a sleeping thread costs tens of
// µs on a VM — then sleep.

/** Int32 slots. */
export const GO = 0; // the iteration the trainer's thread asks for (they count from 1), or STOP
export const ROWS = 1; // the iteration's batch size
export const STATUS = 2; // STARTING, READY or FAILED
const ERROR_LENGTH = 3;
// Per part: the next task to claim, stamped with the iteration (see claim), and how many of the
// part's tasks have finished this iteration.
export const ROW_NEXT = 4;
export const ROW_DONE = 5;
export const GRADIENT_NEXT = 6;
export const GRADIENT_DONE = 7;
export const HELPER_TASKS = 8; // tasks the helper ran, since it started
const INT32_SLOTS = 9;

/** Float64 slots. */
export const LR = 0;
export const STEP = 1; // Adam's update number
/** Per row block (at most MAX_ROW_TASKS): Σ −log P[y] and the correct predictions. */
export const LOSS = 2;
export const MAX_ROW_TASKS = 8;
export const CORRECT = LOSS + MAX_ROW_TASKS;
const FLOAT64_SLOTS = CORRECT + MAX_ROW_TASKS;

export const STOP = -1;
export const STARTING = 0;
export const READY = 1;
const FAILED = 2;

/** A claim slot holds (iteration mod 2^23) · 256 + the next task: a thread still working on an
 *  older iteration cannot claim tasks of this one. */
const TASK_BITS = 8;
export const MAX_TASKS = 1 << TASK_BITS;
const ITERATION_MASK = (1 << 23) - 1;

const FLOAT64_OFFSET = Math.ceil((INT32_SLOTS * 4) / 8) * 8;
const ERROR_OFFSET = FLOAT64_OFFSET + FLOAT64_SLOTS * 8;
const ERROR_CAPACITY = 4096;
/** A sleeping wait wakes this often to look at the clock and for STOP. */
const SLEEP_SLICE_MS = 50;

export class SyncBlock {
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  private readonly message: Uint8Array;

  constructor(readonly buffer = new SharedArrayBuffer(ERROR_OFFSET + ERROR_CAPACITY)) {
    this.i32 = new Int32Array(buffer, 0, INT32_SLOTS);
    this.f64 = new Float64Array(buffer, FLOAT64_OFFSET, FLOAT64_SLOTS);
    this.message = new Uint8Array(buffer, ERROR_OFFSET, ERROR_CAPACITY);
  }

  get stopped(): boolean {
    return Atomics.load(this.i32, GO) === STOP;
  }

  signal(slot: number, value: number): void {
    Atomics.store(this.i32, slot, value);
    Atomics.notify(this.i32, slot);
  }

  /** Opens a claim slot for `iteration`: its tasks are claimed from 0. */
  openClaims(slot: number, iteration: number): void {
    Atomics.store(this.i32, slot, (iteration & ITERATION_MASK) << TASK_BITS);
  }

  /** Takes the next of `count` tasks of `iteration` from a claim slot: its number, or -1 when
   *  all are taken or the slot is open for another iteration. */
  claim(slot: number, iteration: number, count: number): number {
    const stamp = (iteration & ITERATION_MASK) << TASK_BITS;
    for (;;) {
      const seen = Atomics.load(this.i32, slot);
      const task = seen & (MAX_TASKS - 1);
      if (seen - task !== stamp || task >= count) return -1;
      if (Atomics.compareExchange(this.i32, slot, seen, seen + 1) === seen) return task;
    }
  }

  /** One more task of a part finished (ROW_DONE, GRADIENT_DONE). */
  finished(slot: number): void {
    Atomics.add(this.i32, slot, 1);
    Atomics.notify(this.i32, slot);
  }

  /** Ends the helper: GO becomes STOP and every waiter wakes up to see it. */
  stop(): void {
    Atomics.store(this.i32, GO, STOP);
    this.wakeAll();
  }

  /** The helper's last word: its error, then FAILED, then every waiter woken to see it. */
  fail(error: unknown): void {
    const text = new TextEncoder().encode(error instanceof Error ? (error.stack ?? error.message) : String(error));
    const length = Math.min(text.length, ERROR_CAPACITY);
    this.message.set(text.subarray(0, length));
    Atomics.store(this.i32, ERROR_LENGTH, length);
    Atomics.store(this.i32, STATUS, FAILED);
    this.wakeAll();
  }

  /**
   * Waits until `slot` holds at least `value` (counters only grow within an iteration) and returns
   * what it holds. Returns early once stopped, and, given `iteration`, once GO asks for another.
   * Throws the helper's error when it failed, and a timeout error after `timeoutMs` (the helper
   * died without a word): `what` names what the helper did not do.
   */
  waitFor(slot: number, value: number, spinMs: number, timeoutMs: number, what: string, iteration?: number): number {
    const i32 = this.i32;
    const start = performance.now();
    for (let i = 0; ; i++) {
      this.throwIfFailed();
      const seen = Atomics.load(i32, slot);
      const go = Atomics.load(i32, GO);
      if (seen >= value || go === STOP || (iteration !== undefined && go !== iteration)) return seen;
      // The clock is slower than a load: look at it every 1024 turns.
      if ((i & 1023) !== 1023) continue;
      const waited = performance.now() - start;
      if (waited < spinMs) continue;
      if (waited >= timeoutMs) {
        throw new Error(`the helper training thread did not ${what} within ${(timeoutMs / 1000).toFixed(0)} s; it may have crashed`);
      }
      Atomics.wait(i32, slot, seen, Math.min(SLEEP_SLICE_MS, timeoutMs - waited));
    }
  }

  /** Raises the helper's error, if it failed. */
  throwIfFailed(): void {
    if (Atomics.load(this.i32, STATUS) === FAILED) throw new Error(`the helper training thread failed: ${this.error()}`);
  }

  private wakeAll(): void {
    for (let slot = 0; slot < INT32_SLOTS; slot++) Atomics.notify(this.i32, slot);
  }

  private error(): string {
    // TextDecoder refuses views of shared memory: decode a copy.
    return new TextDecoder().decode(this.message.slice(0, Atomics.load(this.i32, ERROR_LENGTH)));
  }
}
