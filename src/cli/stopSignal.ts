// Ctrl-C (SIGINT) and SIGTERM, caught for as long as a command trains, so it can stop between two
// steps and keep what it has. `once`: a second Ctrl-C ends the process the usual way.
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export class StopSignal {
  /** The signal received, once one was. */
  signal: NodeJS.Signals | undefined;
  private readonly listener = (s: NodeJS.Signals) => (this.signal = s);

  constructor() {
    for (const s of SIGNALS) process.once(s, this.listener);
  }

  /** The shell's convention for "ended by a signal": 128 + its number. */
  get exitCode(): number {
    return this.signal === 'SIGINT' ? 130 : 143;
  }

  dispose(): void {
    for (const s of SIGNALS) process.off(s, this.listener);
  }
}
