// Long worker requests (loading a dataset, evaluating a model) under a cancellable notification.
// The worker cannot be interrupted mid-request, so cancelling means: stop waiting, say so, and let
// the worker finish on its own.
import * as vscode from 'vscode';

/** Resolves with the request's result, or undefined when the user cancelled. */
export function withCancellableProgress<T>(title: string, request: () => Promise<T>): Thenable<T | undefined> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
    const work = request();
    const cancelled = new Promise<undefined>((resolve) => token.onCancellationRequested(() => resolve(undefined)));
    return Promise.race([work, cancelled]);
  });
}
