// Keeps the tensors on screen fresh without flooding the extension: a tensor is asked for again
// only when training moved since its last copy, at most once per interval, one request at a time.

/** A request with no answer after this long is assumed lost. */
const REQUEST_TIMEOUT_MS = 5000;

export class TensorFeed {
  private readonly requested = new Map<string, number>();
  private readonly fetched = new Map<string, { at: number; position: string }>();

  constructor(private readonly send: (name: string) => void) {}

  /**
   * Asks for `name` unless the copy we have is of the current training `position` or younger
   * than `intervalMs`, or a request is already under way.
   */
  want(name: string, position: string, intervalMs: number, now = performance.now()): void {
    const pending = this.requested.get(name);
    if (pending !== undefined && now - pending < REQUEST_TIMEOUT_MS) return;
    const last = this.fetched.get(name);
    if (last && (last.position === position || now - last.at < intervalMs)) return;
    this.requested.set(name, now);
    this.send(name);
  }

  /** Records an answer; `position` is the training position it is taken to show. */
  received(name: string, position: string, now = performance.now()): void {
    this.requested.delete(name);
    this.fetched.set(name, { at: now, position });
  }

  /** Forgets every copy, e.g. for a new run. */
  reset(): void {
    this.requested.clear();
    this.fetched.clear();
  }
}
