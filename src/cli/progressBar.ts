// A one-line progress bar for TTYs: batches done, examples per second, running loss.
export class ProgressBar {
  private start = 0;
  private label = '';
  private smoothed = NaN;

  constructor(
    private readonly batches: number,
    private readonly batchSize: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  startEpoch(epoch: number, epochs: number): void {
    this.start = performance.now();
    this.label = `epoch ${epoch}/${epochs}`;
    this.smoothed = NaN;
  }

  update(batch: number, loss: number): void {
    this.smoothed = Number.isNaN(this.smoothed) ? loss : 0.98 * this.smoothed + 0.02 * loss;
    if (batch % 20 !== 0) return;
    const width = 30;
    const filled = Math.round((batch / this.batches) * width);
    const seconds = (performance.now() - this.start) / 1000;
    const rate = seconds > 0 ? (batch * this.batchSize) / seconds : 0;
    this.out.write(
      `\r${this.label} [${'█'.repeat(filled)}${'·'.repeat(width - filled)}] ${batch}/${this.batches} ` +
        `${Math.round(rate).toLocaleString('en-US')} ex/s loss ${this.smoothed.toFixed(3)}  `,
    );
  }

  done(): void {
    this.out.write('\r\x1b[K');
  }
}
