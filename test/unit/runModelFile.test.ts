// One model file for a run, whoever saves it: the CLI's `train --out` and the worker's save
// request record the same provenance (including steps), and a run loaded from a file says so.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, test } from 'node:test';
import { jsKernels } from '../../src/engine/kernels';
import { loadModel } from '../../src/engine/modelfile/modelFile';
import { SessionCore } from '../../src/extension/worker/sessionCore';

const root = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-runmodel-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const config = { epochs: 1, hiddenUnits: 16, embeddingDim: 8, batchSize: 100, seed: 3, lr: 0.05 };

/** Trains the demo run in-process to its end and saves it; `modelFile`: the file it starts from. */
function workerSaved(file: string, modelFile?: string): ReturnType<typeof loadModel> {
  const queue: (() => void)[] = [];
  const core = new SessionCore(() => undefined, () => jsKernels, (fn) => queue.push(fn));
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config, modelFile });
  core.handle({ kind: 'run' });
  while (queue.length) queue.shift()!();
  assert.equal(core.runState, 'finished');
  core.handle({ kind: 'save', path: file, format: 'safetensors' });
  core.currentTrainer!.close();
  return loadModel(file);
}

test('a CLI-saved and a worker-saved file of the same run carry the same provenance, steps included', () => {
  const cliFile = path.join(tmp, 'cli.safetensors');
  const r = spawnSync(process.execPath, [cli, 'train', '--epochs', '1', '--hidden', '16', '--embed', '8', '--batch', '100', '--seed', '3', '--lr', '0.05', '--json', '--no-record', '--out', cliFile], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const fromCli = loadModel(cliFile).meta;
  const fromWorker = workerSaved(path.join(tmp, 'worker.safetensors')).meta;

  assert.deepEqual(fromCli.provenance, fromWorker.provenance);
  assert.deepEqual(Object.keys(fromCli.provenance).sort(), ['batchSize', 'dataset', 'epochs', 'lr', 'optimizer', 'seed', 'steps']);
  assert.ok((fromCli.provenance.steps as number) > 0);
  assert.equal(fromCli.provenance.epochs, 1);
  assert.equal(fromCli.provenance.dataset, 'demo');
  // The rest of the metadata (architecture, vocabulary, init) agrees too.
  assert.deepEqual({ ...fromCli, provenance: undefined }, { ...fromWorker, provenance: undefined });
});

test('a run loaded from a model file records it as startedFrom', () => {
  const first = path.join(tmp, 'first.safetensors');
  const before = workerSaved(first).meta.provenance;
  const after = workerSaved(path.join(tmp, 'second.safetensors'), first).meta.provenance;
  assert.equal(after.startedFrom, first);
  assert.equal(before.startedFrom, undefined);
  assert.equal(after.dataset, 'demo');
  assert.equal(after.steps, before.steps);
});
