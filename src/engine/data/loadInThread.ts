// Reads a dataset on a thread of its own (datasetLoader.ts), so the caller stays responsive while
// a large corpus is read and can cancel it at once by ending the thread. Where the thread's script
// was not built, the dataset is read on the caller's thread instead.
import { Worker } from 'node:worker_threads';
import { findBuilt } from '../builtFiles';
import { InputError } from '../errors';
import type { Dataset } from './dataset';
import { loadDataset, LoadOptions } from './load';
import type { LoadProgress } from './loadProgress';

/** What the loader thread posts. */
export type DatasetLoaderMessage =
  | { kind: 'progress'; done: number; total: number; stage: string }
  | { kind: 'done'; dataset: Dataset }
  | { kind: 'inputError'; file: string; problem: string }
  | { kind: 'error'; message: string };

/** Rejects with "… was cancelled" when `signal` aborts; errors about the data keep their file. */
export function loadDatasetInThread(source: string, opts: LoadOptions, progress?: LoadProgress, signal?: AbortSignal): Promise<Dataset> {
  // The demo corpus is made in milliseconds: not worth a thread.
  const script = source === 'demo' ? undefined : findBuilt('datasetLoader.js');
  if (!script) return new Promise((resolve) => resolve(loadDataset(source, opts, progress)));
  return new Promise<Dataset>((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled(source));
    const worker = new Worker(script, { workerData: { source, opts } });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => settle(() => {
      void worker.terminate();
      reject(cancelled(source));
    });
    signal?.addEventListener('abort', onAbort);
    worker.on('message', (m: DatasetLoaderMessage) => {
      if (m.kind === 'progress') progress?.(m.done, m.total, m.stage);
      else if (m.kind === 'done') settle(() => resolve(m.dataset));
      else if (m.kind === 'inputError') settle(() => reject(new InputError(m.file, m.problem)));
      else settle(() => reject(new Error(m.message)));
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) => settle(() => reject(new Error(`reading ${source} ended without a dataset (thread exit code ${code})`))));
  });
}

function cancelled(source: string): Error {
  return new Error(`reading ${source} was cancelled`);
}
