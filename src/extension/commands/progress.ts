// Long worker requests (loading a dataset, evaluating a model) under a cancellable notification.
// Cancelling stops waiting at once and says so; a sliced request (reading a dataset, an
// evaluation) is also told to stop through the signal, and reports its progress through `report`.
import * as vscode from 'vscode';

/** Resolves with the request's result, or undefined when the user cancelled. */
export function withCancellableProgress<T>(
  title: string,
  request: (report: (done: number, total: number, stage?: string) => void, signal: AbortSignal) => Promise<T>,
): Thenable<T | undefined> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const abort = new AbortController();
    let shown = 0;
    const report = (done: number, total: number, stage?: string) => {
      const percent = total ? (100 * done) / total : 100;
      progress.report({ increment: percent - shown, message: stage ?? `${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} examples` });
      shown = percent;
    };
    const work = request(report, abort.signal);
    const cancelled = new Promise<undefined>((resolve) =>
      token.onCancellationRequested(() => {
        abort.abort();
        resolve(undefined);
      }),
    );
    return Promise.race([work, cancelled]);
  });
}
