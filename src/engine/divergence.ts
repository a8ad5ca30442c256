// Whether training has diverged, decided in one place for the CLI, the worker's snapshots, the
// status bar and the dashboard.
//
// The rule: the mean training loss over the last DIVERGENCE_WINDOW steps is NaN or ±Infinity, or
// above DIVERGENCE_FACTOR × ln V. ln V is the loss of a uniform guess, where the first iteration of
// a run starts (small initial weights give a near-uniform softmax) and from where a healthy run
// only goes down; one batch's noise around the running loss is far below 2 ln V, and a mean over
// several steps keeps a single unlucky batch from firing it. A diverged run instead saturates the
// softmax: every wrong guess costs up to −ln(smallest float32) ≈ 87 nats (ln V ≈ 5.5 for 250
// words), so its loss sits at many times ln V within a few steps. NaN or Infinity in the window
// fires at once, as the mean then is not ≤ anything. A run whose initialisation already puts it
// there (the normal init with a large σ) is reported as well: it is worse than a uniform guess.
export const DIVERGENCE_WINDOW = 20;
export const DIVERGENCE_FACTOR = 3;

export interface Divergence {
  /** Mean training loss over the last `steps` steps: NaN if one of them was NaN. */
  meanLoss: number;
  steps: number;
  /** ln V, the loss of a uniform guess. */
  uniformLoss: number;
}

/** The divergence of a run whose latest step losses are `recentLosses` (the last
 *  DIVERGENCE_WINDOW of them are read), or undefined while it is healthy. */
export function divergence(recentLosses: readonly number[], vocabSize: number): Divergence | undefined {
  const window = recentLosses.slice(-DIVERGENCE_WINDOW);
  if (window.length === 0) return undefined;
  const meanLoss = window.reduce((a, b) => a + b, 0) / window.length;
  const uniformLoss = Math.log(vocabSize);
  return meanLoss <= DIVERGENCE_FACTOR * uniformLoss ? undefined : { meanLoss, steps: window.length, uniformLoss };
}

/** One sentence for a person: what the loss is, against what, and what to try. */
export function describeDivergence(d: Divergence): string {
  const steps = d.steps === 1 ? 'the last step' : `the last ${d.steps} steps`;
  // Not finite is all a view can know: JSON, which a webview's messages may pass through, turns
  // NaN and Infinity into null.
  const loss = Number.isFinite(d.meanLoss) ? `mean loss ${d.meanLoss.toFixed(1)} over ${steps}, far above` : `loss NaN or infinite over ${steps}, not even near`;
  return `training diverged: ${loss} ln V = ${d.uniformLoss.toFixed(2)} (a uniform guess); try a lower learning rate`;
}

/** The last DIVERGENCE_WINDOW step losses of a run, for divergence(). */
export class DivergenceWatch {
  private readonly losses: number[] = [];

  constructor(private readonly vocabSize: number) {}

  add(loss: number): void {
    this.losses.push(loss);
    if (this.losses.length > DIVERGENCE_WINDOW) this.losses.shift();
  }

  get current(): Divergence | undefined {
    return divergence(this.losses, this.vocabSize);
  }
}
