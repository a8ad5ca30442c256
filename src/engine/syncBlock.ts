// The control block the trainer's thread and its helper share (helperThread.ts, shardWorker.ts):
// Int32 counters that one side advances and the other waits on with Atomics, the iteration's
// numbers, and room for the helper's error message. Waits spin first — an iteration takes well
// under a millisecond and waking a sleeping thread costs tens of µs on a VM — then sleep.

/** Int32 slots; each counter holds an iteration number (they count from 1). */
export const GO = 0; // the iteration the trainer's thread asks for, or STOP
export const MAIN_MET = 1; // last iteration whose part 1 the trainer's thread finished
export const SHARD_CLAIM = 2; // last iteration whose shard 1 was claimed, by either thread
export const SHARD_DONE = 3; // last iteration whose shard 1 the helper finished
export const SLICE_CLAIM = 4; // … slice 1
export const SLICE_DONE = 5;
export const STATUS = 6; // STARTING, READY or FAILED
export const ROWS = 7; // the iteration's batch size
const ERROR_LENGTH = 8;
const INT32_SLOTS = 10;

/** Float64 slots. */
export const LR = 0;
export const STEP = 1; // Adam's update number
export const LOSS = 2; // the helper's shard: Σ −log P[y]
export const CORRECT = 3;
const FLOAT64_SLOTS = 4;

export const STOP = -1;
export const STARTING = 0;
export const READY = 1;
const FAILED = 2;

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

  /** Takes the work a claim slot stands for in `iteration`: true for exactly one of the threads. */
  claim(slot: number, iteration: number): boolean {
    return Atomics.compareExchange(this.i32, slot, iteration - 1, iteration) === iteration - 1;
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
   * Waits until `slot` holds at least `value` (counters only grow) and returns what it holds. Returns
   * early once stopped. Throws the helper's error when it failed, and a timeout error after
   * `timeoutMs` (the helper died without a word): `what` names what the helper did not do.
   */
  waitFor(slot: number, value: number, spinMs: number, timeoutMs: number, what: string): number {
    const i32 = this.i32;
    const start = performance.now();
    for (let i = 0; ; i++) {
      if (Atomics.load(i32, STATUS) === FAILED) throw new Error(`the helper training thread failed: ${this.error()}`);
      const seen = Atomics.load(i32, slot);
      if (seen >= value || Atomics.load(i32, GO) === STOP) return seen;
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

  private wakeAll(): void {
    for (let slot = 0; slot < INT32_SLOTS; slot++) Atomics.notify(this.i32, slot);
  }

  private error(): string {
    // TextDecoder refuses views of shared memory: decode a copy.
    return new TextDecoder().decode(this.message.slice(0, Atomics.load(this.i32, ERROR_LENGTH)));
  }
}
