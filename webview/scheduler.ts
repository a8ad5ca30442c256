// Coalesces redraw requests into animation frames at most every `minIntervalMs` (the dashboard
// changes it with the run's state), so a burst of messages costs one frame; an urgent request (training just stopped: the student waits
// for the new state) takes the next animation frame. The frame callback says whether it wants
// another frame: after the interval, or in the next animation frame.

export type FrameResult = 'done' | 'later' | 'next';

export class FrameScheduler {
  private scheduled = false;
  private urgent = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFrame = -Infinity;

  constructor(
    private readonly frame: (urgent: boolean) => FrameResult,
    public minIntervalMs: number,
  ) {}

  request(urgent = false): void {
    if (urgent && !this.urgent) {
      // A frame waiting out the interval is brought forward.
      clearTimeout(this.timer);
      this.urgent = true;
      this.scheduled = true;
      requestAnimationFrame(() => this.run());
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = Math.max(0, this.lastFrame + this.minIntervalMs - performance.now());
    this.timer = setTimeout(() => requestAnimationFrame(() => this.run()), wait);
  }

  private run(): void {
    if (!this.scheduled) return;
    clearTimeout(this.timer);
    const urgent = this.urgent;
    this.scheduled = false;
    this.urgent = false;
    this.lastFrame = performance.now();
    const next = this.frame(urgent);
    if (next === 'later') this.request();
    else if (next === 'next') {
      this.scheduled = true;
      requestAnimationFrame(() => this.run());
    }
  }
}
