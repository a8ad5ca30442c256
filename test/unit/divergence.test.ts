// The one divergence rule the CLI, the worker's snapshots, the status bar and the dashboard share.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../src/engine/config';
import { demoDataset } from '../../src/engine/data/demo';
import { describeDivergence, divergence, DIVERGENCE_WINDOW, DivergenceWatch } from '../../src/engine/divergence';
import { jsKernels } from '../../src/engine/kernels';
import { Trainer } from '../../src/engine/trainer';

const V = 250;
const lnV = Math.log(V);

test('healthy losses around ln V and below never diverge; a mean above 3 ln V, NaN or Infinity does', () => {
  assert.equal(divergence([], V), undefined);
  assert.equal(divergence([lnV, lnV + 0.5, lnV - 0.2], V), undefined, 'the first iterations');
  assert.equal(divergence([2.5, 40, 2.6, 2.4], V), undefined, 'one bad batch among good ones');
  assert.deepEqual(divergence([lnV, 26, 72], V), { meanLoss: (lnV + 98) / 3, steps: 3, uniformLoss: lnV });
  assert.equal(divergence([2, 3, NaN], V)?.steps, 3);
  assert.ok(divergence([2, Infinity], V));
  // Only the last DIVERGENCE_WINDOW steps count: a run that recovered is healthy again.
  const recovered = [...Array(DIVERGENCE_WINDOW).fill(80), ...Array(DIVERGENCE_WINDOW).fill(4)];
  assert.equal(divergence(recovered, V), undefined);
  const watch = new DivergenceWatch(V);
  const current = () => watch.current;
  for (const loss of recovered) watch.add(loss);
  assert.equal(current(), undefined);
  watch.add(NaN);
  assert.ok(Number.isNaN(current()?.meanLoss));
});

test('the message names the loss, the window and ln V, and stays readable when NaN arrived as null', () => {
  assert.equal(
    describeDivergence({ meanLoss: 61.04, steps: 20, uniformLoss: lnV }),
    'training diverged: mean loss 61.0 over the last 20 steps, far above ln V = 5.52 (a uniform guess); try a lower learning rate',
  );
  const viaJson = JSON.parse(JSON.stringify({ meanLoss: NaN, steps: 1, uniformLoss: lnV }));
  assert.match(describeDivergence(viaJson), /^training diverged: loss NaN or infinite over the last step, not even near ln V = 5\.52/);
});

test('a default run on the demo corpus does not trip the rule in its first iterations, where loss ≈ ln V', () => {
  const t = new Trainer(demoDataset(), { ...DEFAULT_CONFIG, epochs: 1, hiddenUnits: 32 }, jsKernels);
  const watch = new DivergenceWatch(t.shape.vocabSize);
  const current = () => watch.current;
  for (let i = 0; i < 150; i++) {
    watch.add(t.step().iteration!.loss);
    assert.equal(current(), undefined, `step ${t.steps}`);
  }
});
