// Coalesces redraw requests into animation frames at most every `minIntervalMs` (~10 fps), so a
// burst of messages costs one frame. The frame callback asks for another by returning true.

export class FrameScheduler {
  private scheduled = false;
  private lastFrame = -Infinity;

  constructor(
    private readonly frame: () => boolean,
    private readonly minIntervalMs = 100,
  ) {}

  request(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = Math.max(0, this.lastFrame + this.minIntervalMs - performance.now());
    setTimeout(() => requestAnimationFrame(() => this.run()), wait);
  }

  private run(): void {
    this.scheduled = false;
    this.lastFrame = performance.now();
    if (this.frame()) this.request();
  }
}
