// The built-in demo corpus must teach the model word classes that the embedding map shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../src/engine/config';
import { demoDataset } from '../../src/engine/data/demo';
import { Predictor } from '../../src/engine/inference';
import { Trainer } from '../../src/engine/trainer';
import { pickKernels } from '../../src/engine/backend';

test('after training on the demo corpus, nearest W1 neighbours share the word class far above chance', () => {
  const ds = demoDataset();
  const classes = ds.wordClasses!;
  const trainer = new Trainer(ds, { ...DEFAULT_CONFIG, epochs: 4 }, pickKernels());
  const epochs = trainer.run();
  assert.ok(epochs.at(-1)!.valid.ce < Math.log(ds.vocab.length) - 1, `valid CE ${epochs.at(-1)!.valid.ce}`);

  const predictor = new Predictor(trainer.shape, trainer.params, ds.vocab);
  let agree = 0;
  let chance = 0;
  const sizes = new Map<string, number>();
  for (const c of classes) sizes.set(c, (sizes.get(c) ?? 0) + 1);
  ds.vocab.forEach((word, i) => {
    const [nearest] = predictor.nearest(word, 1);
    if (classes[ds.vocab.indexOf(nearest.word)] === classes[i]) agree++;
    chance += (sizes.get(classes[i])! - 1) / (ds.vocab.length - 1);
  });
  const rate = agree / ds.vocab.length;
  const base = chance / ds.vocab.length;
  console.log(`nearest-neighbour class agreement ${rate.toFixed(3)} vs chance ${base.toFixed(3)}`);
  assert.ok(rate > 0.6 && rate > 4 * base, `agreement ${rate} vs chance ${base}`);
});
