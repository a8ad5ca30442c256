// Long worker requests of a debug session (reading a large corpus at launch) as DAP progress
// events, which the client shows with a Cancel button: a `cancel` request naming the progress
// aborts the worker request. Sent only to clients that said they report progress.
import { ProgressEndEvent, ProgressStartEvent, ProgressUpdateEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { RequestOptions } from '../session/trainingSession';

export interface DapProgressHandle {
  /** For the worker request: its progress becomes events, the client's cancel its abort. */
  readonly options: RequestOptions;
  /** Ends the progress (if it started). */
  end(): void;
}

export class DapProgress {
  private next = 1;
  private readonly running = new Map<string, AbortController>();
  /** Set from the client's initialize arguments. */
  enabled = false;

  constructor(private readonly send: (e: DebugProtocol.Event) => void) {}

  /** A progress titled `title`; its start is sent with the first report, so quick work shows none. */
  start(title: string): DapProgressHandle {
    const id = `nlm-${this.next++}`;
    const abort = new AbortController();
    let started = false;
    this.running.set(id, abort);
    const onProgress = (done: number, total: number, stage?: string) => {
      if (!this.enabled) return;
      const message = stage ?? `${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`;
      if (!started) {
        started = true;
        const start = new ProgressStartEvent(id, title, message) as DebugProtocol.ProgressStartEvent;
        start.body.cancellable = true;
        this.send(start);
      }
      const update = new ProgressUpdateEvent(id, message) as DebugProtocol.ProgressUpdateEvent;
      update.body.percentage = total ? (100 * done) / total : 100;
      this.send(update);
    };
    return {
      options: { onProgress, signal: abort.signal },
      end: () => {
        this.running.delete(id);
        if (started) this.send(new ProgressEndEvent(id));
      },
    };
  }

  /** Aborts the progress `id` names; false when it has ended or never was. */
  cancel(id: string): boolean {
    const abort = this.running.get(id);
    abort?.abort();
    return abort !== undefined;
  }
}
