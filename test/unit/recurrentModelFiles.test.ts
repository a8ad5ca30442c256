// Model files of the recurrent models where they do not fit the run: an LSTM file in an MLP or an
// RNN run, and an LSTM or RNN file on a dataset of another vocabulary, are each an InputError
// naming the file and the problem, through the same openRun the extension and the debugger use.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, test } from 'node:test';
import { resolveConfig } from '../../src/engine/config';
import { loadDataset } from '../../src/engine/data/load';
import { InputError } from '../../src/engine/errors';
import { jsKernels } from '../../src/engine/kernels';
import { runModelFile, writeModelFile } from '../../src/engine/modelfile/runModelFile';
import { Trainer } from '../../src/engine/trainer';
import type { DatasetSpec } from '../../src/extension/protocol';
import { openRun } from '../../src/extension/worker/loadedRun';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-recurrent-files-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A recurrent model trained a few steps on the demo corpus, saved as safetensors. */
function saved(model: 'rnn' | 'lstm'): string {
  const trainer = new Trainer(loadDataset('demo'), resolveConfig({ model, embeddingDim: 4, hiddenUnits: 6 }), jsKernels);
  for (let i = 0; i < 3; i++) trainer.step();
  const file = path.join(dir, `${model}.safetensors`);
  writeModelFile(file, 'safetensors', runModelFile(trainer));
  return file;
}

const open = (spec: DatasetSpec, model: 'mlp' | 'rnn' | 'lstm' | undefined, file: string) =>
  openRun(spec, model ? { model } : {}, file, () => jsKernels, undefined, (s) => loadDataset(s.path, s.corpus));

const rejects = (run: () => unknown, file: string, says: RegExp) =>
  assert.throws(run, (e: unknown) => e instanceof InputError && e.file === file && says.test(e.message) && e.message.includes(file));

test('an LSTM file in an MLP or an RNN run is an error naming the file and both kinds', () => {
  const lstm = saved('lstm');
  rejects(() => open({ path: 'demo' }, 'mlp', lstm), lstm, /holds an LSTM model but this run trains an MLP/);
  rejects(() => open({ path: 'demo' }, 'rnn', lstm), lstm, /holds an LSTM model but this run trains an RNN/);
  assert.equal(open({ path: 'demo' }, undefined, lstm).trainer.model.kind, 'lstm', 'with no kind asked for, the file says which');
});

test('a recurrent model file on a dataset of another vocabulary is an error naming the file', () => {
  const corpus = path.join(dir, 'other.txt');
  fs.writeFileSync(corpus, 'the cat sat on the mat .\nthe dog sat on the log .\n'.repeat(20));
  for (const model of ['rnn', 'lstm'] as const) {
    const file = saved(model);
    rejects(() => open({ path: corpus }, undefined, file), file, /the model has a vocabulary of 249 words but .*other\.txt has \d+/);
  }
});
