// The host side of the worker: every request settles — with its reply, or rejected when the session
// is closed, when the worker dies, or when no reply comes in time.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import { TrainingSession } from '../../src/extension/session/trainingSession';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const WORKER = path.join(ROOT, 'dist', 'trainingWorker.js');

/** A worker script of the given body, in a temporary folder. */
function workerScript(body: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-worker-'));
  const file = path.join(dir, 'worker.js');
  fs.writeFileSync(file, `const { parentPort } = require('worker_threads');\n${body}\n`);
  return file;
}

test('the real worker answers, and closing the session rejects a request still pending', async () => {
  const session = new TrainingSession(WORKER);
  const info = await session.request({ kind: 'load', dataset: { path: 'demo' }, config: { epochs: 1 } });
  assert.ok(info.vocab.length > 200);
  const pending = session.request({ kind: 'load', dataset: { path: 'demo' }, config: { epochs: 1 } });
  const rejected = assert.rejects(pending, /the training session was closed/);
  await session.dispose();
  await rejected;
});

test('a request with no reply is rejected after its time limit, naming the request', async () => {
  const session = new TrainingSession(workerScript("parentPort.on('message', () => {});"), { default: 50 });
  await assert.rejects(session.request({ kind: 'pause' }), /did not answer the "pause" request within 0\.05 s/);
  await session.dispose();
});

test('a worker that dies rejects what was pending and reports the exit', async () => {
  const session = new TrainingSession(workerScript("parentPort.on('message', () => process.exit(3));"));
  const exited = new Promise<string>((resolve) => session.once('exit', resolve));
  await assert.rejects(session.request({ kind: 'run' }), /the training worker exited \(code 3\)/);
  assert.match(await exited, /code 3/);
  assert.equal(session.alive, false);
});

test('an evaluation in the real worker reports its progress to its request, up to the split size', async () => {
  const session = new TrainingSession(WORKER);
  await session.request({ kind: 'load', dataset: { path: 'demo' }, config: { epochs: 1 } });
  const steps: [number, number][] = [];
  const report = await session.request({ kind: 'evaluateDataset', dataset: { path: 'demo' }, split: 'train' }, { onProgress: (done, total) => steps.push([done, total]) });
  assert.ok(steps.length > 1);
  assert.deepEqual(steps.at(-1), [report.n, report.n]);
  await session.dispose();
});

test('aborting a request sends the worker a cancel naming it, and the request fails with its error', async () => {
  // A worker that reports half of an evaluation, then ends it when the cancel for it arrives.
  const session = new TrainingSession(
    workerScript(`parentPort.on('message', ({ id, request }) => {
      if (request.kind === 'evaluateDataset') parentPort.postMessage({ event: { kind: 'progress', request: id, done: 1, total: 2 } });
      if (request.kind === 'cancel') {
        parentPort.postMessage({ reply: { id: request.request, ok: false, error: 'the evaluation was cancelled' } });
        parentPort.postMessage({ reply: { id, ok: true, result: null } });
      }
    });`),
    // Without the cancel no reply would come: fail then instead of waiting out the default limit.
    { evaluateDataset: 10_000 },
  );
  const abort = new AbortController();
  const steps: [number, number][] = [];
  const reply = session.request({ kind: 'evaluateDataset', dataset: { path: 'demo' }, split: 'train' }, {
    onProgress: (done, total) => {
      steps.push([done, total]);
      abort.abort();
    },
    signal: abort.signal,
  });
  await assert.rejects(reply, /the evaluation was cancelled/);
  assert.deepEqual(steps, [[1, 2]]);
  await session.dispose();
});
