// An 8,000-word model on real text (../shared/data/kjv/kjv.txt): the output layer's kernels at
// the size CMU 10-707 trains, on both threads. Short: 150 iterations of the defaults (5.78 here).
import assert from 'node:assert/strict';
import * as path from 'path';
import { test } from 'node:test';
import { allowRelaxedSimd } from '../../src/engine/backend';
import { DEFAULT_CONFIG } from '../../src/engine/config';
import { Dataset } from '../../src/engine/data/dataset';
import { loadDataset } from '../../src/engine/data/load';
import { Predictor } from '../../src/engine/inference';
import { PARAM_NAMES } from '../../src/engine/models/mlp/params';
import { Trainer } from '../../src/engine/trainer';
import { createWasmKernels } from '../../src/engine/wasmKernels';
import { realDataSkip, requireRealData } from './fixtures';

allowRelaxedSimd();
let kjv: Dataset | undefined;
const kjv8000 = (): Dataset => (kjv ??= loadDataset(path.join(requireRealData(), '..', 'kjv', 'kjv.txt'), { vocabSize: 8000 }));

test('KJV at V = 8000: two threads, one thread and phase-by-phase stepping give the same weights to the bit', { skip: realDataSkip() }, () => {
  const dataset = kjv8000();
  assert.equal(dataset.vocab.length, 8000);
  const trainers = [2, 1, 1].map((threads) => new Trainer(dataset, { ...DEFAULT_CONFIG, threads }, createWasmKernels()));
  const [twoThreads, oneThread, stepped] = trainers;
  assert.equal(twoThreads.threads, 2, 'two threads need the built helper (npm run build)');
  // At this width two threads run the phases with their products cut by columns; the helper
  // starts while the first iterations run.
  for (let i = 0; i < 3 || (twoThreads.helperShare === 0 && i < 200); i++) {
    twoThreads.step();
    oneThread.step();
    let p = stepped.stepPhase();
    while (!p.iteration) p = stepped.stepPhase();
  }
  for (const name of PARAM_NAMES) {
    assert.deepEqual(twoThreads.params[name].data, stepped.params[name].data, `${name}: 2 threads against the phases`);
    assert.deepEqual(oneThread.params[name].data, stepped.params[name].data, `${name}: 1 thread against the phases`);
  }
  assert.ok(twoThreads.helperShare > 0, 'the helper took parts');
  for (const t of trainers) t.close();
});

test('KJV at V = 8000: 150 iterations of the defaults bring the loss from ln 8000 below 6.2', { skip: realDataSkip() }, () => {
  const trainer = new Trainer(kjv8000(), { ...DEFAULT_CONFIG }, createWasmKernels());
  const losses: number[] = [];
  for (let i = 0; i < 150; i++) losses.push(trainer.step().iteration?.loss ?? NaN);
  trainer.close();
  // Neighbours among the 1,000 most frequent words (a text corpus lists them first), as CMU 10-707
  // shows them: the whole vocabulary's ranking without the rarer words.
  const vocab = kjv8000().vocab;
  const predictor = new Predictor(trainer.shape, trainer.params, vocab);
  const frequent = predictor.nearest('lord', 10, 1000);
  assert.equal(frequent.length, 10);
  const all = predictor.nearest('lord', 8000).filter(({ word }) => vocab.indexOf(word) < 1000);
  assert.deepEqual(frequent, all.slice(0, 10));
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(losses[0] - Math.log(8000)) < 0.05, `first loss ${losses[0]}, expected ≈ ln 8000 = ${Math.log(8000)}`);
  const last = mean(losses.slice(-50));
  assert.ok(last < 6.2, `mean loss of the last 50 iterations ${last}`);
});
