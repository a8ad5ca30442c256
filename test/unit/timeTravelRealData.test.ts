// Time travel on the course data (../shared/data/ngram4) with the defaults, on two threads:
// rewinding 1,000 iterations gives the original bits and prints how long it took (no timing
// assertion: the figure goes in the README), and the bytes held stay within the budget.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { allowRelaxedSimd, pickKernels } from '../../src/engine/backend';
import { DEFAULT_CONFIG } from '../../src/engine/config';
import { loadDataset } from '../../src/engine/data/load';
import { DEFAULT_TIME_TRAVEL, TimeTravel } from '../../src/engine/timeTravel/timeTravel';
import { Trainer } from '../../src/engine/trainer';
import { realDataSkip, requireRealData } from './fixtures';

allowRelaxedSimd();

test('course data: rewinding 1,000 iterations replays to the original bits; the budget holds', { skip: realDataSkip() }, (t) => {
  const dataset = loadDataset(path.join(requireRealData(), 'npy'));
  const trainer = new Trainer(dataset, { ...DEFAULT_CONFIG, epochs: 2 }, pickKernels());
  // A small budget, so that checkpoints thin out on the way: 1,700 iterations at every 100 would need 18 states.
  const budgetBytes = 12 * 2 ** 20;
  const travel = new TimeTravel({ ...DEFAULT_TIME_TRAVEL, budgetBytes });
  travel.observe(trainer, undefined, false);
  let kept: ReturnType<Trainer['saveState']> | undefined;
  let peak = 0;
  for (let i = 0; i < 1699; i++) {
    const p = trainer.step();
    travel.observe(trainer, p.iteration!.loss, false);
    peak = Math.max(peak, travel.bytes);
    if (trainer.steps === 699) kept = trainer.saveState();
  }
  const status = travel.status();
  assert.ok(peak <= budgetBytes, `peak ${peak} bytes held within the budget of ${budgetBytes}`);
  assert.ok(status.every > DEFAULT_TIME_TRAVEL.every, `checkpoints thinned to every ${status.every}`);
  const t0 = performance.now();
  travel.seek(trainer, { steps: 699, phase: 0, sub: 0 });
  const ms = performance.now() - t0;
  t.diagnostic(`rewinding 1,000 iterations (1,699 → 699; checkpoints every ${status.every}, ${(status.bytes / 2 ** 20).toFixed(1)} of ${budgetBytes / 2 ** 20} MiB held): ${ms.toFixed(0)} ms`);
  const now = trainer.saveState();
  now.arrays.forEach((a, i) => assert.ok(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(kept!.arrays[i].buffer, kept!.arrays[i].byteOffset, kept!.arrays[i].byteLength)), `array ${i}`));
  assert.equal(now.loss, kept!.loss);
  assert.equal(now.optimizerSteps, 699);
  trainer.close();
});
