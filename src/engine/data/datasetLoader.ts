// The thread that reads a dataset (loadInThread.ts starts it): a large corpus takes seconds to
// tokenise and count, and here that time blocks no one, and ending the thread cancels it.
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../errors';
import { loadDataset, LoadOptions } from './load';
import type { DatasetLoaderMessage } from './loadInThread';

const { source, opts } = workerData as { source: string; opts: LoadOptions };
const post = (m: DatasetLoaderMessage) => parentPort?.postMessage(m);
try {
  const dataset = loadDataset(source, opts, (done, total, stage) => post({ kind: 'progress', done, total, stage }));
  post({ kind: 'done', dataset });
} catch (e) {
  post(e instanceof InputError ? { kind: 'inputError', file: e.file, problem: e.problem } : { kind: 'error', message: e instanceof Error ? e.message : String(e) });
}
