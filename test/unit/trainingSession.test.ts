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
