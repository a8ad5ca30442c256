// A model file that changes on disk after a run started from it: the run keeps the weights it read
// (training, saving and predicting go on), and whoever reads the file next gets its new content, or
// a clear error naming the file when it is no model any more. Nothing hangs, nothing is half-read.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import { jsKernels } from '../../src/engine/kernels';
import type { WorkerEvent } from '../../src/extension/protocol';
import { SessionCore } from '../../src/extension/worker/sessionCore';

const config = { epochs: 1, hiddenUnits: 16, batchSize: 50 };

function core(): SessionCore {
  const queue: (() => void)[] = [];
  const c = new SessionCore((_e: WorkerEvent) => undefined, () => jsKernels, (fn) => queue.push(fn));
  c.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  c.handle({ kind: 'step', unit: 'iteration' });
  while (queue.length) queue.shift()!();
  return c;
}

test('a model file overwritten while a run uses it: the run goes on, the next reader gets a clear error', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-changed-'));
  const file = path.join(dir, 'model.safetensors');
  core().handle({ kind: 'save', path: file, format: 'safetensors' });

  const queue: (() => void)[] = [];
  const run = new SessionCore(() => undefined, () => jsKernels, (fn) => queue.push(fn));
  run.handle({ kind: 'load', dataset: { path: 'demo' }, config, modelFile: file });
  const before = run.handle({ kind: 'tensor', name: 'W2' }).values;

  fs.writeFileSync(file, 'not a model any more');
  // The run holds what it read: its weights did not change with the file.
  assert.deepEqual(run.handle({ kind: 'tensor', name: 'W2' }).values, before);
  run.handle({ kind: 'step', unit: 'iteration' });
  while (queue.length) queue.shift()!();
  assert.equal(run.cursor.steps, 1);
  const again = path.join(dir, 'again.safetensors');
  assert.ok(run.handle({ kind: 'save', path: again, format: 'safetensors' }).bytes > 0);
  // A reader of the changed file is told what is wrong with which file.
  await assert.rejects(run.handle({ kind: 'evaluateDataset', dataset: { path: 'demo' }, split: 'test', modelFile: file }), (e: Error) => e.message.includes(file));
  // And one of a file replaced by another valid model reads the new weights.
  fs.copyFileSync(again, file);
  const reply = run.handle({ kind: 'evaluateDataset', dataset: { path: 'demo' }, split: 'test', modelFile: file });
  const replyFromSaved = run.handle({ kind: 'evaluateDataset', dataset: { path: 'demo' }, split: 'test', modelFile: again });
  while (queue.length) queue.shift()!();
  const [report, fromSaved] = await Promise.all([reply, replyFromSaved]);
  assert.equal(report.ce, fromSaved.ce);
  fs.rmSync(dir, { recursive: true, force: true });
});
