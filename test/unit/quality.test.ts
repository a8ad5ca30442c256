// The quality bar on the course data, with the shipped defaults (16/128 sigmoid).
import assert from 'node:assert/strict';
import * as path from 'path';
import { test } from 'node:test';
import { pickKernels } from '../../src/engine/backend';
import { DEFAULT_CONFIG } from '../../src/engine/config';
import { loadDataset } from '../../src/engine/data/load';
import { Trainer } from '../../src/engine/trainer';
import { realDataSkip, requireRealData } from './fixtures';

test('defaults reach valid accuracy ≥ 0.32 after 3 epochs and ≥ 0.35 within 10 (course data)', { skip: realDataSkip() }, () => {
  const trainer = new Trainer(loadDataset(path.join(requireRealData(), 'npy')), { ...DEFAULT_CONFIG, epochs: 10 }, pickKernels());
  let best = 0;
  while (!trainer.finished && (trainer.epoch < 3 || best < 0.35)) {
    const e = trainer.runEpoch();
    best = Math.max(best, e.valid.acc);
    console.log(`epoch ${e.epoch}: valid CE ${e.valid.ce.toFixed(4)} acc ${e.valid.acc.toFixed(4)} (${e.seconds.toFixed(1)} s)`);
    if (e.epoch === 3) assert.ok(e.valid.acc >= 0.32, `valid accuracy after 3 epochs: ${e.valid.acc}`);
  }
  assert.ok(best >= 0.35, `best valid accuracy in ${trainer.epoch} epochs: ${best}`);
});
