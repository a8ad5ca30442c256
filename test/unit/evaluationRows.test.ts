// The evaluator's buffers are sized by the vocabulary (a large V evaluates fewer rows per forward
// pass), and the metrics do not depend on how many rows a pass takes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pickKernels } from '../../src/engine/backend';
import { Evaluator, evaluationRows } from '../../src/engine/evaluate';
import { jsKernels, Kernels } from '../../src/engine/kernels';
import { createModel } from '../../src/engine/models';
import { initParams } from '../../src/engine/models/init';
import { MlpShape, paramSpecs } from '../../src/engine/models/mlp/params';
import { logitCrossEntropy, targetRank } from '../../src/engine/scoring';
import { toyDataset } from './fixtures';

test('evaluationRows: 1,000 rows for a small vocabulary, fewer for a large one, each vocabulary-wide buffer within 4 MiB', () => {
  assert.equal(evaluationRows(250), 1000);
  assert.equal(evaluationRows(1048), 1000);
  assert.equal(evaluationRows(8000), 128);
  assert.equal(evaluationRows(10000), 104);
  assert.equal(evaluationRows(100000), 8);
  // Never fewer than one row block of the kernels.
  assert.equal(evaluationRows(2 ** 24), 4);
  for (const V of [250, 1049, 5000, 8000, 10000, 33333, 100000]) {
    const rows = evaluationRows(V);
    assert.equal(rows % 4, 0, `V = ${V}: ${rows} rows`);
    assert.ok(rows * V * 4 <= 4 * 2 ** 20, `V = ${V}: ${rows} rows of logits take ${rows * V * 4} bytes`);
  }
});

const KERNELS: [string, Kernels][] = [
  ['js', jsKernels],
  ['wasm', pickKernels()],
];

for (const [name, kernels] of KERNELS) {
  test(`${name}: a large vocabulary's evaluation in passes of evaluationRows rows equals one pass over every row`, () => {
    const V = 9000; // 116 rows a pass: 751 examples take 7, the last of 55 rows (not a multiple of 4)
    const split = toyDataset(V, 751, 5).train;
    const shape: MlpShape = { kind: 'mlp', vocabSize: V, context: 3, embeddingDim: 4, hiddenUnits: 8, activation: 'sigmoid' };
    const params = initParams(paramSpecs(shape), { init: 'normal', initStd: 0.5, seed: 11 }, 'f32', kernels);
    const result = new Evaluator(shape, params, kernels).evaluate(split);
    assert.ok(split.n > 2 * evaluationRows(V), `${split.n} examples`);

    const whole = createModel(shape, params, split.n, kernels).predict(split.inputs, split.n).logits;
    let ce = 0;
    let correct = 0;
    for (let r = 0; r < split.n; r++) {
      ce += logitCrossEntropy(whole, r * V, V, split.targets[r]);
      if (targetRank(whole, r * V, V, split.targets[r], 5) === 0) correct++;
    }
    assert.equal(result.n, split.n);
    assert.equal(result.ce, ce / split.n);
    assert.equal(result.acc, correct / split.n);
  });
}
