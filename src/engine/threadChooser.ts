// Whether the next whole iteration of a two-thread trainer runs on both threads or on the trainer's
// alone. The numbers are the same either way, so only speed decides — and on a machine whose other
// programs keep the second core busy, the helper is preempted in the middle of its tasks and two
// threads run slower than one. So the chooser runs a window of iterations the current way, then
// probes the other way for a few, and keeps the faster: it compares the probe with the iterations
// just before it (the machine was the same then), by a mean without the few slowest of each, which
// are preemptions of either way. A way that keeps winning is probed against less often.

/** Iterations the current way between two probes: at first, and at most. */
const FIRST_WINDOW = 64;
const LONGEST_WINDOW = 1024;
/** Timed iterations compared from each way, and how many of the slowest are left out. */
const SAMPLES = 24;
const SLOWEST_LEFT_OUT = 3;
/** Untimed first iterations of a probe: a sleeping helper can take milliseconds to wake on a VM. */
const PROBE_WARMUP = 4;

export class ThreadChooser {
  private current: 1 | 2 = 2;
  private window = FIRST_WINDOW;
  /** Iterations since the window began; from `window` on, the probe runs. */
  private position = 0;
  /** The last SAMPLES times of the current way (a ring), and the probe's. */
  private readonly recent = new Float64Array(SAMPLES);
  private readonly probe = new Float64Array(SAMPLES);

  /** Threads for the next iteration. */
  next(): 1 | 2 {
    return this.position < this.window ? this.current : this.other;
  }

  /** How long the iteration that next() was asked for took. */
  record(ms: number): void {
    const p = this.position++;
    if (p < this.window) this.recent[p % SAMPLES] = ms;
    else if (p >= this.window + PROBE_WARMUP) this.probe[p - this.window - PROBE_WARMUP] = ms;
    if (this.position < this.window + PROBE_WARMUP + SAMPLES) return;
    const switchWays = typicalMean(this.probe) < typicalMean(this.recent);
    if (switchWays) this.current = this.other;
    this.window = switchWays ? FIRST_WINDOW : Math.min(2 * this.window, LONGEST_WINDOW);
    this.position = 0;
  }

  private get other(): 1 | 2 {
    return this.current === 2 ? 1 : 2;
  }
}

function typicalMean(times: Float64Array): number {
  const kept = times.slice().sort().subarray(0, times.length - SLOWEST_LEFT_OUT);
  return kept.reduce((a, b) => a + b, 0) / kept.length;
}
