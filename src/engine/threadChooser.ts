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
/** Timed iterations compared from each way: as many as take about PROBE_MS the current way (an
 *  MLP's iteration takes a fraction of a millisecond, a recurrent model's window ~100 ms, and a
 *  probe of the slower way costs that much more), within [MIN_SAMPLES, MAX_SAMPLES]. An eighth of
 *  the slowest of each are left out, and a sixth as many untimed iterations start a probe. */
const MAX_SAMPLES = 24;
const MIN_SAMPLES = 6;
const PROBE_MS = 500;

export class ThreadChooser {
  private current: 1 | 2 = 2;
  private window = FIRST_WINDOW;
  /** Iterations since the window began; from `window` on, the probe runs. */
  private position = 0;
  /** The current way's last MAX_SAMPLES times (a ring, `written` in all), and the probe's. */
  private readonly recent = new Float64Array(MAX_SAMPLES);
  private written = 0;
  private readonly probe = new Float64Array(MAX_SAMPLES);
  /** The probe's timed and untimed (first) iterations. */
  private samples = MAX_SAMPLES;
  private warmup = 4;

  /** Threads for the next iteration. */
  next(): 1 | 2 {
    return this.position < this.window ? this.current : this.other;
  }

  /** How long the iteration that next() was asked for took. */
  record(ms: number): void {
    const p = this.position++;
    if (p < this.window) {
      this.recent[this.written++ % MAX_SAMPLES] = ms;
      if (this.position === this.window) this.sizeProbe();
      return;
    }
    const timed = p - this.window - this.warmup;
    if (timed >= 0) this.probe[timed] = ms;
    if (timed + 1 < this.samples) return;
    const last = Float64Array.from({ length: this.samples }, (_, i) => this.recent[(this.written - 1 - i) % MAX_SAMPLES]);
    const switchWays = typicalMean(this.probe.subarray(0, this.samples)) < typicalMean(last);
    if (switchWays) this.current = this.other;
    this.window = switchWays ? FIRST_WINDOW : Math.min(2 * this.window, LONGEST_WINDOW);
    this.position = 0;
  }

  /** Iterations the probe of the other way takes: from the current way's typical time. */
  private sizeProbe(): void {
    const typical = typicalMean(this.recent);
    this.samples = Math.max(MIN_SAMPLES, Math.min(MAX_SAMPLES, Math.round(PROBE_MS / Math.max(typical, 1e-3))));
    this.warmup = Math.ceil(this.samples / 6);
  }

  private get other(): 1 | 2 {
    return this.current === 2 ? 1 : 2;
  }
}

function typicalMean(times: Float64Array): number {
  const kept = times.slice().sort().subarray(0, times.length - Math.ceil(times.length / 8));
  return kept.reduce((a, b) => a + b, 0) / kept.length;
}
