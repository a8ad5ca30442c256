// Small datasets made in code for engine tests.
import * as fs from 'fs';
import * as path from 'path';
import { Dataset, makeSplit } from '../../src/engine/data/dataset';
import { Rng } from '../../src/engine/rng';

/** A learnable toy language: the target is a fixed function of the last context word. */
export function toyDataset(vocabSize = 20, n = 600, seed = 3): Dataset {
  const rng = new Rng(seed);
  const split = (count: number) => {
    const inputs = new Int32Array(count * 3);
    const targets = new Int32Array(count);
    for (let r = 0; r < count; r++) {
      for (let k = 0; k < 3; k++) inputs[r * 3 + k] = rng.int(vocabSize);
      targets[r] = (inputs[r * 3 + 2] * 7 + 3) % vocabSize;
    }
    return makeSplit(inputs, targets, 3);
  };
  return {
    name: 'toy',
    source: 'toy',
    vocab: Array.from({ length: vocabSize }, (_, i) => `w${i}`),
    context: 3,
    train: split(n),
    valid: split(Math.floor(n / 5)),
    test: split(Math.floor(n / 5)),
  };
}

/** ../shared/data/ngram4 beside the repository, when present. */
export function realDataDir(): string | undefined {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  const data = path.resolve(dir, '..', 'shared', 'data', 'ngram4');
  return fs.existsSync(data) ? data : undefined;
}

export const REAL_DATA_SKIP = 'real dataset ../shared/data/ngram4 not found beside the repository';
